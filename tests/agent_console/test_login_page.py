from fastapi.testclient import TestClient

from agent_console.app import create_app
from callcenter.settings import load_settings


def client() -> TestClient:
    return TestClient(create_app(load_settings()))


def test_the_login_page_speaks_thai_by_default_with_a_buddhist_year():
    response = client().get("/login")
    assert response.status_code == 200
    assert '<html lang="th">' in response.text
    assert "เข้าสู่ระบบ" in response.text
    assert "สายด่วน 1300" in response.text
    assert " 25" in response.text  # a Buddhist-era year such as 2569


def test_english_is_one_switch_away_and_remembered():
    c = client()
    response = c.get("/login?lang=en")
    assert "Sign in" in response.text
    assert c.cookies.get("lang") == "en"
    assert "Sign in" in c.get("/login").text


def test_the_thai_font_is_served_by_the_app_itself():
    css = client().get("/static/fonts.css")
    assert css.status_code == 200
    assert "/vendor/@fontsource/sarabun/" in css.text
    font = client().get("/vendor/@fontsource/sarabun/files/sarabun-thai-400-normal.woff2")
    assert font.status_code == 200
    assert font.headers["content-type"] == "font/woff2"
