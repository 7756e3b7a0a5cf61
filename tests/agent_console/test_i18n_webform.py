"""The public report pages speak Thai, English, Burmese, Khmer and Lao; the console stays
Thai and English. Burmese, Khmer and Lao hold the public pages' messages only."""

import json
import re
from pathlib import Path

import pytest

from agent_console.i18n import LANGUAGES, PUBLIC_LANGUAGES, catalogue, pick_public_language
from agent_console.routers.public_report import FIELDS
from callcenter.intake.models import ContactWay
from callcenter.intake.policy import PublicStatus

LOCALES = Path(__file__).parents[2] / "agent_console" / "locales"
PUBLIC_TEMPLATES = Path(__file__).parents[2] / "agent_console" / "templates" / "public"
ONLY_PUBLIC = [lang for lang in PUBLIC_LANGUAGES if lang not in LANGUAGES]


def public_keys() -> set[str]:
    thai = json.loads((LOCALES / "th" / "webform.json").read_text(encoding="utf-8"))
    return {key for key in thai if not key.startswith("webform.console.")}


def test_the_console_stays_thai_and_english_and_the_public_pages_add_three():
    assert LANGUAGES == ("th", "en")
    assert set(ONLY_PUBLIC) == {"my", "km", "lo"}


@pytest.mark.parametrize("lang", ONLY_PUBLIC)
def test_burmese_khmer_and_lao_have_every_public_message_and_nothing_else(lang):
    assert [p.name for p in (LOCALES / lang).glob("*.json")] == ["webform.json"]
    assert set(catalogue(lang)) == public_keys()
    assert all(text.strip() for text in catalogue(lang).values())


def test_the_public_templates_use_public_messages_only():
    used = set()
    for template in PUBLIC_TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'_\("([a-z0-9_.]*[a-z0-9_])"', template.read_text("utf-8")))
    assert used and used <= public_keys()


def test_every_message_built_from_a_value_exists():
    built = {f"webform.error.{f}" for f in (*FIELDS, "body", "language")}
    built |= {f"webform.label.{f}" for f in (*FIELDS, "language")}
    built |= {f"webform.status.{s}" for s in PublicStatus}
    built |= {f"webform.status_explain.{s}" for s in PublicStatus}
    built |= {f"webform.contact_way.{w}" for w in ContactWay}
    built |= {f"webform.refused.{r}" for r in ("too_large", "rate", "too_many")}
    built |= {"webform.notice.expired", "webform.track.expired", "webform.track.unknown"}
    assert built <= public_keys()


def test_the_public_language_comes_from_the_link_then_the_form_never_a_cookie():
    assert pick_public_language(None) == "th"
    assert pick_public_language("km") == "km"
    assert pick_public_language(None, "lo") == "lo"
    assert pick_public_language("fr", "xx") == "th"
