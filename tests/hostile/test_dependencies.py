"""The lower bounds of pressdocs' dependencies include the releases that fixed the known
security problems of the parts that touch what strangers send (PDF and picture readers,
templates, the review desk's web stack), so that no installation meets them again.

This machine's package index has no vulnerability data (pip-audit finds none of the
packages on it), so the advisories are kept here, each with the release that fixed it;
``scripts/audit`` runs pip-audit where a vulnerability service can be reached.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

#: package → (the first release without the problem, the advisories it fixed)
ADVISORIES = {
    "pypdf": ("6.0", "CVE-2025-55197: a FlateDecode stream exhausting memory"),
    "pdfminer.six": ("20251107", "CVE-2025-64512: code run from a crafted PDF (pickle)"),
    "cryptography": ("44.0.1", "CVE-2024-12797, CVE-2024-26130: its bundled OpenSSL; a "
                               "crash on a mismatched PKCS#12 key"),
    "jinja2": ("3.1.6", "CVE-2025-27516, CVE-2024-56326: sandbox escapes (offices override "
                        "the notice templates)"),
    "pillow": ("10.3", "CVE-2024-28219: a buffer overflow"),
    "starlette": ("0.49.1", "CVE-2024-47874, CVE-2025-54121, CVE-2025-62727: multipart and "
                            "Range header denial of service"),
    "python-multipart": ("0.0.18", "CVE-2024-53981: a form body stalling the desk"),
    "h11": ("0.16", "CVE-2025-43859: request smuggling behind a proxy"),
    "aiosmtpd": ("1.4.6", "CVE-2024-27305, CVE-2024-34083: SMTP smuggling (test server)"),
}


def _bounds() -> dict[str, list[Version]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found: dict[str, list[Version]] = {}
    for line in [*project["dependencies"],
                 *(r for reqs in project["optional-dependencies"].values() for r in reqs)]:
        req = Requirement(line)
        name = re.sub(r"[-_.]+", "-", req.name).lower().replace("pdfminer-six", "pdfminer.six")
        lows = [Version(s.version) for s in req.specifier if s.operator in (">=", "==", "~=")]
        found.setdefault(name, []).extend(lows or [Version("0")])
    return found


@pytest.mark.parametrize("package", sorted(ADVISORIES))
def test_every_lower_bound_is_past_the_known_advisories(package: str) -> None:
    fixed, advisory = ADVISORIES[package]
    bounds = _bounds()
    assert package in bounds, f"{package} is no longer a dependency: drop it from ADVISORIES"
    for low in bounds[package]:
        assert low >= Version(fixed), f"{package}>={low} allows {advisory} (fixed in {fixed})"
