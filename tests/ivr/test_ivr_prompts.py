"""Prompt ids, texts and files; the Thai fallback."""

from pathlib import Path

import pytest

from callcenter.taxonomy import Language
from ivr.flows.menus import LANGUAGE_MENU, PROBLEM_MENU
from ivr.prompts import TEXTS, PromptCatalog, PromptId, file_name

SOUNDS = Path(__file__).parents[2] / "asterisk_conf" / "sounds"
DISPATCH_PROMPTS = {PromptId.DISPATCH_ALERT, PromptId.DISPATCH_PRESS,
                    PromptId.DISPATCH_ACCEPTED, PromptId.DISPATCH_DECLINED}


def test_every_prompt_has_a_thai_text():
    assert set(TEXTS) == set(PromptId)
    assert all(texts.get(Language.THAI) for texts in TEXTS.values())


@pytest.mark.parametrize("prompt", sorted(set(PromptId) - DISPATCH_PROMPTS))
def test_callers_prompts_exist_in_every_language(prompt):
    assert set(TEXTS[prompt]) == set(Language)


def test_menus_only_use_prompts_with_texts():
    for menu in (LANGUAGE_MENU, PROBLEM_MENU):
        for prompt, language in menu.prompts:
            assert TEXTS[prompt][language or Language.THAI]


def test_file_names_are_what_stream_file_is_given():
    assert file_name(PromptId.WELCOME, Language.LAO) == "1300/lo/welcome"


def test_unknown_availability_tries_the_language_then_thai():
    assert PromptCatalog().files(PromptId.WELCOME, Language.KHMER) == [
        "1300/km/welcome", "1300/th/welcome"]
    assert PromptCatalog().files(PromptId.WELCOME, Language.THAI) == ["1300/th/welcome"]


def test_catalog_from_the_shipped_sounds_falls_back_to_thai_for_khmer_and_lao():
    catalog = PromptCatalog.from_directory(SOUNDS)
    assert catalog.files(PromptId.PROBLEM_MENU, Language.KHMER) == ["1300/th/problem_menu"]
    assert catalog.files(PromptId.PROBLEM_MENU, Language.LAO) == ["1300/th/problem_menu"]
    assert catalog.files(PromptId.PROBLEM_MENU, Language.ENGLISH)[0] == "1300/en/problem_menu"


def test_a_prompt_missing_everywhere_is_still_tried_in_thai(tmp_path):
    catalog = PromptCatalog.from_directory(tmp_path)
    assert catalog.files(PromptId.INVALID, Language.BURMESE) == ["1300/th/invalid"]


@pytest.mark.parametrize("language", [Language.THAI, Language.ENGLISH, Language.BURMESE])
def test_every_prompt_has_a_placeholder_file_in_each_language_espeak_speaks(language):
    # Units hear Thai (dispatch prompts have Thai and English only); callers' prompts are in
    # every language, and espeak-ng speaks Thai, English and Burmese.
    catalog = PromptCatalog.from_directory(SOUNDS)
    wanted = set(PromptId) if language != Language.BURMESE else set(PromptId) - DISPATCH_PROMPTS
    missing = {p for p in wanted if (language, p) not in (catalog.available or set())}
    assert not missing


@pytest.mark.parametrize("name", ["welcome.wav16", "welcome.sln16", "welcome.wav",
                                  "welcome.ulaw", "welcome.g722"])
def test_studio_recordings_in_any_asterisk_format_count(tmp_path, name):
    (tmp_path / "km").mkdir()
    (tmp_path / "km" / name).write_bytes(b"\0" * 16)
    catalog = PromptCatalog.from_directory(tmp_path)
    assert catalog.files(PromptId.WELCOME, Language.KHMER)[0] == "1300/km/welcome"


def test_files_that_are_not_prompts_are_ignored(tmp_path):
    (tmp_path / "km").mkdir()
    (tmp_path / "km" / "welcome.txt").write_text("notes")
    (tmp_path / "km" / "old_greeting.gsm").write_bytes(b"\0")
    assert PromptCatalog.from_directory(tmp_path).available == frozenset()
