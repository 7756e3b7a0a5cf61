"""The console's icon at /favicon.ico, where browsers ask for it before reading any page."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter()

ICON = Path(__file__).resolve().parents[1] / "static" / "favicon.svg"


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    # An SVG under the .ico name: every browser the console supports draws it.
    return FileResponse(ICON, media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})
