"""ARCHITECTURE.md stays true: every top-level package and every folder under callcenter/
is listed in it (a listed folder that does not exist yet is allowed: it is planned)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
# A folder is listed when its path appears in backquotes, ending with a slash: `ivr/`.
LISTED = re.compile(r"`([\w./-]+/)`")


def listed() -> set[str]:
    return set(LISTED.findall(ARCHITECTURE.read_text(encoding="utf-8")))


def packages_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and (p / "__init__.py").is_file())


def test_every_top_level_package_is_listed():
    top_level = packages_in(ROOT)
    assert {"callcenter", "ivr", "agent_console"} <= set(top_level)
    assert [name for name in top_level if f"{name}/" not in listed()] == []


def test_every_domain_folder_under_callcenter_is_listed():
    domains = packages_in(ROOT / "callcenter")
    assert "dispatch" in domains
    assert [name for name in domains if f"callcenter/{name}/" not in listed()] == []


def test_the_check_reads_the_listing_it_claims_to():
    # Not vacuous: a folder named nowhere in the file is not found in it.
    assert "callcenter/dispatch/" in listed()
    assert "callcenter/nowhere/" not in listed()
