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
