"""``<data dir>/run.json``: the broker of a running ``wirewatch run``, used when no broker is given."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from pipeline.cli import build_parser
from pipeline.cli._common import make_settings, need_broker
from pipeline.core import ConfigError, read_run_info, remove_run_info, write_run_info

RUN_BROKER = "kafka://127.0.0.1:19092"


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.delenv("WIREWATCH_BROKER", raising=False)
    monkeypatch.setenv("WIREWATCH_DATA_DIR", str(tmp_path))
    return tmp_path


def settings_for(*argv: str):
    return make_settings(build_parser().parse_args(["ingest", *argv]))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_run_file_of_a_live_run_gives_the_broker(env, capsys):
    write_run_info(env, RUN_BROKER, "http://127.0.0.1:6066")  # this test's own pid: alive
    settings = need_broker(settings_for(), "ingest")
    assert settings.broker == RUN_BROKER and settings.bootstrap_servers == "127.0.0.1:19092"
    assert "using the broker of `wirewatch run`" in capsys.readouterr().err


def test_run_file_follows_the_data_dir_option(env, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    write_run_info(other, RUN_BROKER, "http://127.0.0.1:6066")
    assert need_broker(settings_for("--data-dir", str(other)), "ingest").broker == RUN_BROKER
    with pytest.raises(ConfigError, match="needs a broker"):
        need_broker(settings_for(), "ingest")  # nothing in the default data dir


def test_stale_run_file_is_ignored_with_a_note(env, capsys):
    write_run_info(env, RUN_BROKER, "http://127.0.0.1:6066", pid=dead_pid())
    with pytest.raises(ConfigError, match="WIREWATCH_BROKER"):
        need_broker(settings_for(), "ingest")
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "note: ignoring" in err[0] and "stale" in err[0]


def test_corrupt_run_file_is_ignored_with_a_note(env, capsys):
    (env / "run.json").write_text("{not json")
    with pytest.raises(ConfigError):
        need_broker(settings_for(), "ingest")
    assert "not a run file" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["option", "environment"])
def test_explicit_broker_wins_over_the_run_file(env, monkeypatch, capsys, how):
    write_run_info(env, RUN_BROKER, "http://127.0.0.1:6066")
    if how == "option":
        settings = settings_for("--broker", "kafka://elsewhere:9092")
    else:
        monkeypatch.setenv("WIREWATCH_BROKER", "kafka://elsewhere:9092")
        settings = settings_for()
    assert need_broker(settings, "ingest").broker == "kafka://elsewhere:9092"
    assert capsys.readouterr().err == ""


def test_make_settings_alone_does_not_read_the_run_file(env):
    # `wirewatch run` and the offline commands build settings without a broker: they start their own or need none
    write_run_info(env, RUN_BROKER, "http://127.0.0.1:6066")
    assert settings_for().broker is None


def test_run_file_content_and_removal(env):
    path = write_run_info(env, RUN_BROKER, "http://127.0.0.1:6066")
    assert orjson.loads(path.read_bytes()) == {"broker": RUN_BROKER, "web": "http://127.0.0.1:6066", "pid": os.getpid()}
    info, problem = read_run_info(env)
    assert problem is None and info.web == "http://127.0.0.1:6066" and info.pid == os.getpid()
    remove_run_info(env, pid=os.getpid() + 1)  # another run's file stays
    assert path.exists()
    remove_run_info(env)
    assert not path.exists() and read_run_info(env) == (None, None)


def test_run_says_when_it_builds_the_gazetteer_index(tmp_path, monkeypatch):
    import io

    from pipeline.cli import _run
    from pipeline.geo import Gazetteer

    index = tmp_path / "gazetteer.marshal"
    built = []
    monkeypatch.setattr(Gazetteer, "index_path", classmethod(lambda cls, *a, **k: index))
    monkeypatch.setattr(Gazetteer, "load", classmethod(lambda cls, *a, **k: built.append(1) or index.write_bytes(b"x")))
    out = io.StringIO()
    _run._ensure_gazetteer_index(out)
    assert built == [1] and "building the gazetteer index" in out.getvalue() and "built in" in out.getvalue()
    out = io.StringIO()
    _run._ensure_gazetteer_index(out)  # cached: nothing to say, nothing built
    assert built == [1] and out.getvalue() == ""
