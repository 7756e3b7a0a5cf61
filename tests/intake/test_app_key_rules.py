"""Partner applications' keys as pure rules: their shape, digest, the idempotency scope."""

from callcenter.intake import app_key_rules as rules


def test_a_new_key_is_long_random_and_carries_its_prefix():
    key, prefix = rules.new_key()
    other, _ = rules.new_key()
    assert key != other
    assert key.startswith(f"hl1300_{prefix}_") and len(prefix) == 8
    assert rules.prefix_of(key) == prefix
    # 32 random bytes in URL-safe base64: 43 characters after the prefix.
    assert len(key.removeprefix(f"hl1300_{prefix}_")) == 43


def test_something_not_shaped_like_a_key_has_no_prefix():
    assert rules.prefix_of("") is None
    assert rules.prefix_of("hl1300_short_secret") is None
    assert rules.prefix_of("Bearer hl1300_abcdefgh_" + "x" * 43) is None


def test_the_digest_is_keyed_and_never_the_key():
    key, _ = rules.new_key()
    digest = rules.digest(key, secret="s" * 40)
    assert len(digest) == 64 and key not in digest
    assert digest == rules.digest(key, secret="s" * 40)
    assert digest != rules.digest(key, secret="t" * 40)


def test_an_idempotency_key_is_scoped_to_its_application():
    one = rules.scoped_idempotency_key(1, "a" * 20)
    two = rules.scoped_idempotency_key(2, "a" * 20)
    assert one != two
    assert rules.scoped_idempotency_key(1, "short") is None
    assert rules.scoped_idempotency_key(1, "a" * 81) is None
    assert rules.scoped_idempotency_key(1, "a" * 19 + "!") is None


def test_retry_after_is_what_is_left_of_the_minute():
    assert rules.retry_after(17) == 17
    assert rules.retry_after(-1) == 60
    assert rules.retry_after(None) == 60
