"""In chromium: the public report form draws Burmese and Khmer in real letters, from the
fonts the console serves itself (fonts_scripts.css), where the machine has none of its
own; Thai pages fetch them only for the language menu's names.

A letter drawn as a box ("tofu") is as wide as any other box, so a word of combining
marks and stacked consonants drawn as boxes is much wider than drawn by its font: the
width check below fails if the font is missing, whatever fonts the machine has.
"""

from __future__ import annotations

import pytest

from tests.browser.console_stack import (  # noqa: F401
    console_browser,
    console_db,
    live_console,
    live_redis,
    page_errors,
)

SCRIPTS = {  # language: (the served family, the page's brand text starts with, its name)
    "my": ("Noto Sans Myanmar", "လူမှုအကူအညီ", "မြန်မာ"),
    "km": ("Noto Sans Khmer", "មជ្ឈមណ្ឌល", "ខ្មែរ"),
}
LOADED = "family => [...document.fonts].filter(f => f.family.replaceAll('\"', '') === family" \
         " && f.status === 'loaded').length"
# A word's width in the page's font against the same word in a family with none of its
# letters (the box a browser draws for each code point), each on one line.
WIDTHS = """word => {
  const span = family => {
    const s = document.createElement('span');
    s.textContent = word; s.style.whiteSpace = 'nowrap';
    if (family) s.style.fontFamily = family;
    document.querySelector('main').append(s);
    const width = s.getBoundingClientRect().width; s.remove();
    return width;
  };
  return [span(null), span('"No Such Font Anywhere", "DejaVu Sans Mono", monospace')];
}"""


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
def test_burmese_and_khmer_pages_are_drawn_with_the_served_fonts(request, lang):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    family, brand, name = SCRIPTS[lang]
    context = errors.watch_context(browser.new_context(viewport={"width": 390, "height": 844}))
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda r: "/vendor/@fontsource/" in r.url and fetched.append(r.url))
    page.goto(f"{console}/report?lang={lang}")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.locator(".brand").inner_text().startswith(brand)
    assert page.evaluate(LOADED, family) >= 1, f"{family} was not loaded"
    assert any(family.lower().replace(" ", "-") in url for url in fetched)
    drawn, boxes = page.evaluate(WIDTHS, name)
    assert drawn < boxes * 0.8, (drawn, boxes)
    context.close()


def test_a_thai_page_fetches_them_only_for_the_language_menu(request):
    browser = request.getfixturevalue("console_browser")
    console = request.getfixturevalue("live_console")
    errors = request.getfixturevalue("page_errors")
    context = errors.watch_context(browser.new_context())
    page = context.new_page()
    page.goto(f"{console}/report")
    page.evaluate("document.fonts.ready.then(() => true)")
    for family, *_ in SCRIPTS.values():
        assert page.evaluate(LOADED, family) >= 1, f"the menu's name in {family}"
    # The console's own pages never ask for them.
    page.goto(f"{console}/login")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate(LOADED, "Noto Sans Myanmar") == 0
    context.close()
