"""Tracking codes: random, unambiguous, typed back in any form, kept only as a keyed digest."""

from callcenter.intake import tracking

KEY = "k" * 40


def test_a_code_is_twelve_characters_without_look_alikes():
    codes = {tracking.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 12
        assert not set(code) & set("01OIL")


def test_a_code_is_shown_in_groups_and_read_back_however_it_is_typed():
    code = "ABCDEFGHJKMN"
    assert tracking.shown(code) == "ABCD-EFGH-JKMN"
    assert tracking.normalise(" abcd-efgh jkmn ") == code
    assert tracking.normalise("ABCD-EFGH-JKM") is None
    assert tracking.normalise("ABCD-EFGH-JKM0") is None  # 0 is never in a code
    assert tracking.normalise("") is None


def test_the_digest_needs_the_secret_key():
    code = tracking.new_code()
    assert tracking.digest(code, key=KEY) == tracking.digest(code, key=KEY)
    assert tracking.digest(code, key=KEY) != tracking.digest(code, key="x" * 40)
    assert code not in tracking.digest(code, key=KEY)


def test_a_retried_submission_gets_the_same_code_and_another_submission_another():
    first = tracking.code_for_key("a" * 24, key=KEY)
    assert first == tracking.code_for_key("a" * 24, key=KEY)
    assert tracking.normalise(first) == first
    assert first != tracking.code_for_key("b" * 24, key=KEY)
    assert first != tracking.code_for_key("a" * 24, key="x" * 40)


def test_an_address_is_kept_only_as_a_keyed_digest():
    digest = tracking.address_digest("203.0.113.7", key=KEY)
    assert digest is not None and "203.0.113.7" not in digest
    assert tracking.address_digest(None, key=KEY) is None
