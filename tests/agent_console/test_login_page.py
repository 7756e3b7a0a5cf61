def test_the_login_page_speaks_thai_by_default_with_a_buddhist_year(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="th">' in response.text
    assert "เข้าสู่ระบบ" in response.text
    assert "สายด่วน 1300" in response.text
    assert " 25" in response.text  # a Buddhist-era year such as 2569


def test_english_is_one_switch_away_and_remembered(client):
    response = client.get("/login?lang=en")
    assert "Sign in" in response.text
    assert client.cookies.get("lang") == "en"
    assert "Sign in" in client.get("/login").text


def test_the_thai_font_and_htmx_are_served_by_the_app_itself(client):
    css = client.get("/static/fonts.css")
    assert css.status_code == 200
    assert "/vendor/@fontsource/sarabun/" in css.text
    font = client.get("/vendor/@fontsource/sarabun/files/sarabun-thai-400-normal.woff2")
    assert font.status_code == 200
    assert font.headers["content-type"] == "font/woff2"
    assert client.get("/vendor/htmx.org/dist/htmx.min.js").status_code == 200


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
