import re
from pathlib import Path

from agent_console.i18n import LANGUAGES, catalogue, pick_language, translator

TEMPLATES = Path(__file__).parents[2] / "agent_console" / "templates"


def test_thai_and_english_have_the_same_messages():
    assert set(catalogue("th")) == set(catalogue("en"))


def test_every_message_a_template_uses_exists():
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r'_\("([a-z0-9_.]*[a-z0-9_])"', text))
    for lang in LANGUAGES:
        missing = used - set(catalogue(lang))
        assert not missing, f"{lang}: {sorted(missing)}"


def test_thai_is_the_default_and_an_explicit_choice_wins():
    assert pick_language(None, None) == "th"
    assert pick_language(None, "en") == "en"
    assert pick_language("th", "en") == "th"
    assert pick_language("fr", None) == "th"


def test_messages_take_values():
    assert translator("en")("home.greeting", name="Malee") == "Hello, Malee"
