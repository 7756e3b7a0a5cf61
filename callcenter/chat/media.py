"""What a person's picture is, judged by its first bytes (never by what it claims), pure."""

from __future__ import annotations

# Magic numbers of the image types LINE delivers and a browser can show.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


def image_type(head: bytes) -> tuple[str, str] | None:
    """(MIME type, file extension) of an image by its magic bytes, or None."""
    for magic, mime, extension in SIGNATURES:
        if head.startswith(magic):
            return mime, extension
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def refusal(content: bytes | None, *, too_large: bool, max_bytes: int) -> str | None:
    """Why a fetched picture is not kept, or None when it is a picture within the limit."""
    if too_large:
        return f"larger than {max_bytes // (1024 * 1024)} MB"
    if not content:
        return "empty"
    if image_type(content[:16]) is None:
        return "not an image"
    return None
