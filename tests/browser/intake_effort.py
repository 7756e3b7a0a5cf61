"""A small counter around Playwright's actions: what an agent's hand does, counted.

A click is a press of the mouse: on a button, a box, or into a text field before typing
in it; choosing in a list with the mouse is two (one opens the list, one picks).
A keystroke is a key pressed: each character typed, each shortcut, each Tab. Typing
into the field that has the focus already (after Tab or a shortcut) costs no click.
"""

from __future__ import annotations


class Effort:
    def __init__(self, page) -> None:
        self.page = page
        self.clicks = 0
        self.keys = 0

    def click(self, selector: str) -> None:
        self.clicks += 1
        self.page.click(selector)

    def tick(self, selector: str) -> None:
        self.clicks += 1
        self.page.check(selector)

    def choose(self, selector: str, value: str | None = None, *, label: str | None = None) -> None:
        """A selection in a list with the mouse: open it, pick."""
        self.clicks += 2
        if label is not None:
            self.page.select_option(selector, label=label)
        else:
            self.page.select_option(selector, value)

    def fill(self, selector: str, text: str) -> None:
        """Click into a field, then type."""
        self.clicks += 1
        self.keys += len(text)
        self.page.fill(selector, text)

    def choose_by_keys(self, selector: str, value: str, *, keys: int) -> None:
        """A selection in the list that has the focus, by ``keys`` keystrokes (arrows,
        the first letters)."""
        self.keys += keys
        self.page.select_option(selector, value)

    def type(self, text: str) -> None:
        """Type into the field that has the focus."""
        self.keys += len(text)
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.keys += 1
        self.page.keyboard.press(key)

    def report(self, label: str) -> str:
        return f"{label}: clicks={self.clicks} keystrokes={self.keys}"
