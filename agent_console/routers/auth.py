"""Sign-in page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent_console import i18n
from agent_console.deps import page_context
from agent_console.templating import templates

router = APIRouter()


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    context = page_context(request)
    response = templates.TemplateResponse(request, "login.html", context)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, str(context["lang"]), samesite="lax",
                            max_age=365 * 24 * 3600)
    return response
