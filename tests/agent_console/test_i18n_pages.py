"""Every page, for every role that may see it, in Thai and in English: no message id
left untranslated and no stored code shown where a person reads.

The pages are those of ``permission_table`` on the world of ``route_world`` (a case with a
referral, a dispatch, a follow-up, a merge …), so a new page is checked as soon as it has
its line in the table.
"""

import re

import pytest

from agent_console import i18n
from agent_console.routers import supervisor, unit
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.models import Dispatch
from tests.agent_console.console_support import signed_in
from tests.agent_console.page_text import codes_shown, domain_codes, visible_text
from tests.agent_console.permission_table import ALLOWED, LOGINS, TABLE
from tests.agent_console.route_world import build_world, fill

ROLES_TRIED = ("agent", "supervisor", "admin", "unit_th50")
# A province or unit by its code where its name belongs ("TH-50", "RRU-TH-50").
PLACE_CODE = re.compile(r"(?<![\w-])(?:RRU-)?TH-\d{2}(?![\w-])")
# Pages that are not read as pages: downloads and the browser's own resources.
NOT_PAGES = (".csv", ".xlsx", "/favicon", "/metrics", "/healthz", "/readyz")
# The administration of units shows each unit's code beside its name: the key the
# dialplan and the import file use, which admins type.
UNIT_ADMIN_PAGES = {"/admin/units", "/admin/units/health", "/admin/units/{unit_id}"}
# The bulk import page explains the file's columns and the codes an admin types in them.
FILE_FORMAT_PAGES = {"/admin/people/import"}
# The demo's logins "supervisor" and "admin" are spelled like role codes; a login is
# shown (as the person's identifier) on the audit trail and the admin pages.
LOGIN_NAMES = set(LOGINS.values())
# What the system once wrote in English into a dispatch's steps; a Thai page names it.
ENGLISH_NOTES = re.compile(r"acknowledged via|alert delivered by")


def visited_and_completed(db, world) -> None:
    """The world's dispatch taken by voice, driven to the scene and closed with an
    outcome, so its timeline shows the system's notes and the unit's outcome code."""
    dispatch = db.get(Dispatch, world["dispatch_id"])
    kw = {"unit_id": dispatch.unit_id, "actor_id": None}
    dispatches.acknowledge(db, dispatch.id, via="voice", **kw)
    dispatches.mark_en_route(db, dispatch.id, **kw)
    dispatches.mark_on_scene(db, dispatch.id, **kw)
    dispatches.complete(db, dispatch.id, outcome="helped_on_site",
                        field_report="ส่งโรงพยาบาลแล้ว", **kw)
    db.flush()


@pytest.fixture
def missing_messages(monkeypatch):
    """Every message id a page asked for that its language's catalogue lacks."""
    missing: set[tuple[str, str]] = set()
    real = i18n.translator

    def recording(lang: str):
        messages = i18n.catalogue(lang)
        gettext = real(lang)

        def checked(key: str, **values: object) -> str:
            if not messages.get(key):
                missing.add((lang, key))
            return gettext(key, **values)

        return checked

    monkeypatch.setattr(i18n, "translator", recording)
    monkeypatch.setattr(supervisor, "translator", recording)
    return missing


def pages_for(role: str) -> list[tuple[str, object]]:
    return [(route.split(" ", 1)[1], rule) for route, rule in TABLE.items()
            if route.startswith("GET ") and not route.startswith("GET /api/")
            and rule.expected[role] == ALLOWED and not rule.stream and not rule.last
            and not route.endswith(NOT_PAGES)]


@pytest.mark.parametrize("role", ROLES_TRIED)
def test_every_page_is_in_the_readers_language_without_raw_codes(
        role, client, seeded_session, missing_messages):
    world = build_world(client, seeded_session)
    visited_and_completed(seeded_session, world)
    codes = (domain_codes() | set(unit.OUTCOMES)) - LOGIN_NAMES
    signed_in(client, LOGINS[role])
    shown: dict[str, set[str]] = {}
    for template, rule in pages_for(role):
        path = template.format(**world)
        for lang in ("th", "en"):
            params = {**(fill(rule.params, world) or {}), "lang": lang}
            response = client.get(path, params=params, follow_redirects=False)
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            if template in FILE_FORMAT_PAGES:
                continue
            texts = visible_text(response.text)
            found = codes_shown(texts, codes, lang=lang)
            if lang == "th":
                found |= {m for text in texts for m in ENGLISH_NOTES.findall(text)}
            if template not in UNIT_ADMIN_PAGES:
                found |= {m for text in texts for m in PLACE_CODE.findall(text)}
            if found:
                # Each code with the text it is in, to find the template that shows it.
                shown[f"{lang} {template}"] = {
                    f"{code} in {next(t for t in texts if code in t)[:60]!r}" for code in found}
    assert shown == {}, "\n".join(f"{page}: {sorted(found)[:6]}" for page, found in shown.items())
    assert missing_messages == set()
