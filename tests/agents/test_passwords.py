"""The password policy: long enough, not common, not made of the person's own words."""

import pytest

from callcenter.agents import passwords
from callcenter.agents.passwords import WeakPassword


def refusal(password: str, **kw) -> str | None:
    try:
        passwords.check(password, **kw)
    except WeakPassword as refused:
        assert refused.field == "password"
        return refused.code
    return None


def test_a_long_uncommon_passphrase_is_accepted_without_any_composition_rule():
    assert refusal("correct horse battery staple") is None
    assert refusal("nocapitalsnodigits") is None


def test_a_thai_passphrase_counts_its_characters_not_its_bytes():
    assert refusal("แมวสีส้มนอนบนหลังคา") is None
    # Twelve Thai characters are 36 bytes in UTF-8; eleven are still too few.
    assert refusal("กขคฆงจฉชซฌญ") == "password_too_short"


def test_a_password_under_twelve_characters_is_refused():
    assert refusal("short-pass1") == "password_too_short"
    assert refusal("x" * 0) == "password_too_short"


def test_a_password_over_two_hundred_characters_is_refused():
    assert refusal("น" + "abcdefgh-ij" * 19) == "password_too_long"


@pytest.mark.parametrize("common", ["password1234", "Password1234", "QWERTYUIOP123",
                                    "1qaz2wsx3edc", "hotline-1300-demo", "ilovethailand",
                                    "ฟหกดเ้่าสวงฃ"])
def test_a_listed_common_password_is_refused_whatever_its_case(common):
    assert refusal(common) == "password_common"


@pytest.mark.parametrize("walk", ["aaaaaaaaaaaaaa", "abababababab", "qwertyuiopasd",
                                  "0987654321098", "lkjhgfdsapoiu"])
def test_a_repeated_or_sequential_run_is_refused(walk):
    assert refusal(walk) == "password_common"


def test_the_hotlines_words_with_digits_around_them_are_refused():
    assert refusal("Hotline1300!!2569") == "password_personal"
    assert refusal("สายด่วน1300-2569") == "password_personal"


def test_the_persons_own_login_and_name_with_digits_are_refused():
    personal = ("somchai.r", "Somchai Rakdee")
    assert refusal("Somchai2569!!", personal=personal) == "password_personal"
    assert refusal("rakdee-somchai-1", personal=personal) == "password_personal"
    assert refusal("somchai likes mangoes", personal=personal) is None


def test_the_shipped_list_holds_widely_known_passwords_and_the_demo_password():
    listed = passwords.common_passwords()
    assert len(listed) > 150
    assert {"password", "123456", "hotline-1300-demo"} <= listed


def test_the_refused_field_can_be_named_by_the_caller():
    with pytest.raises(WeakPassword) as refused:
        passwords.check("short", field="password_again")
    assert refused.value.field == "password_again"
