"""Browsers ask every site for /favicon.ico: the console answers with its own icon."""


def test_the_console_serves_its_icon_to_anyone(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.startswith("<svg")


def test_pages_name_the_icon(client):
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/login").text
