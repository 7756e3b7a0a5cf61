from callcenter.chat import media, system_lines


def test_each_system_line_the_system_writes_is_read_back_as_its_code():
    assert system_lines.code_of(system_lines.SIGNED_OUT) == ("signed_out", "")
    assert system_lines.code_of(system_lines.ENDED) == ("ended", "")
    assert system_lines.code_of(system_lines.BLOCKED) == ("blocked", "")
    refused = system_lines.with_detail(system_lines.PICTURE_REFUSED, "not an image")
    assert system_lines.code_of(refused) == ("picture_refused", "not an image")
    kind = system_lines.with_detail(system_lines.KIND_NOT_KEPT, "video")
    assert system_lines.code_of(kind) == ("kind_not_kept", "video")


def test_other_words_have_no_code_and_are_shown_as_written():
    assert system_lines.code_of("สวัสดีค่ะ") is None
    assert system_lines.code_of(None) is None


def test_every_refusal_of_a_picture_has_a_code():
    assert system_lines.refusal_code(media.refusal(b"", too_large=False, max_bytes=1)) == (
        "empty", "")
    assert system_lines.refusal_code(media.refusal(b"MZ", too_large=False, max_bytes=1)) == (
        "not_image", "")
    assert system_lines.refusal_code(
        media.refusal(None, too_large=True, max_bytes=10 * 1024 * 1024)) == ("too_large", "10")
