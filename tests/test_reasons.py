"""One registry of dead-letter reason codes: the code, the schema and the docs agree (no broker)."""

import ast
import json
import re
from pathlib import Path

import pytest

from pipeline.core import DEAD_LETTER_STAGES, REASONS, DeadLetter, ParseError, dead_letter, render_dead_letter

ROOT = Path(__file__).resolve().parent.parent


def _codes_used_in_source() -> set[str]:
    """Literal reason codes in the package: ``code="…"`` arguments, ``code = "…"`` class attributes, and
    the reason argument of the agents' ``reject(stage, event, "…", …)``."""
    found = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
            elif isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["code"] \
                    and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "reject" and len(node.args) >= 3 \
                    and isinstance(node.args[2], ast.Constant):
                found.add(node.args[2].value)
    return {c for c in found if isinstance(c, str)}


def test_every_code_the_package_uses_is_registered():
    used = _codes_used_in_source()
    assert used and used <= set(REASONS), sorted(used - set(REASONS))
    assert all(set(r.stages) <= set(DEAD_LETTER_STAGES) and r.meaning and r.fix for r in REASONS.values())


def test_the_schema_enums_are_the_registry():
    schema = json.loads((ROOT / "schemas" / "dead-letter.schema.json").read_text())
    assert schema["properties"]["reason"]["enum"] == list(REASONS)
    assert schema["properties"]["stage"]["enum"] == list(DEAD_LETTER_STAGES)


def test_the_docs_tables_list_exactly_the_registry():
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text[text.index("## Dead letters"):]
    documented = set(re.findall(r"^\|(?: `[a-z, `]+` \|)? `([a-z_0-9]+)` \|", section, flags=re.M))
    assert documented == set(REASONS), (sorted(set(REASONS) - documented), sorted(documented - set(REASONS)))


def test_unregistered_codes_and_stages_are_refused_where_they_are_made():
    with pytest.raises(ValueError, match="unregistered dead-letter reason"):
        ParseError("x", code="no_such_reason")
    with pytest.raises(ValueError, match="unregistered dead-letter reason"):
        dead_letter(stage="normalize", reason="no_such_reason", message="m", original=b"x")
    with pytest.raises(ValueError, match="unknown dead-letter stage"):
        dead_letter(stage="elsewhere", reason="bad_json", message="m", original=b"x")


def test_a_dead_letter_says_what_to_do():
    letter = dead_letter(stage="normalize", reason="missing_uri", message="no uri", original=b"{}")
    assert isinstance(letter, DeadLetter)
    assert "what to do: give every story a stable identifier" in render_dead_letter(letter)
