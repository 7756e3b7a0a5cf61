"""The board's rows, each rendered once per change of what it shows.

A busy floor's board lists hundreds of waiting callers and tens of agents and is drawn
many times a second, while a row changes about once a second (its clock). Profiling
showed rendering those rows as the largest part of a drawing. So each row's HTML is
kept, keyed by everything the row shows (its values, the words and labels it prints,
the page's language and view): a drawing renders only the rows that changed, and every
drawing of every view shares the rest. The keys hold the row's values, so a row is
never shown with another's data; the process keeps a bounded number of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from markupsafe import Markup

from agent_console.templating import templates
from callcenter.queues import stats

TEMPLATE = "wallboard/rows.html"
# Rows of about two screens' worth of floors: enough that a drawing finds every row
# that did not change.
KEPT_ROWS = 4096


class RowCache:
    """Rendered rows by key, least recently used first out; drawings run in threads."""

    def __init__(self, size: int = KEPT_ROWS) -> None:
        self.size = size
        self._rows: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()
        self.rendered = 0  # rows rendered (not found kept), for the tests

    def get(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        with self._lock:
            found = self._rows.get(key)
            if found is not None:
                self._rows.move_to_end(key)
                return found
        row = render()  # outside the lock: another drawing may render the same row
        with self._lock:
            self.rendered += 1
            self._rows[key] = row
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return row


CACHE = RowCache()


class Rows:
    """One drawing's rows: its language, view and labels, and the process's kept rows."""

    def __init__(self, lang: str, big: bool, gettext: Callable[..., str],
                 queue_labels: Mapping[str, str], reason_label: Mapping[str, str],
                 alarm_after: Mapping[str, int], cache: RowCache = CACHE) -> None:
        self.lang, self.big, self._ = lang, big, gettext
        self.queue_labels, self.reason_label = queue_labels, reason_label
        self.alarm_after = alarm_after
        self.cache = cache
        self._macros: Any = None

    @property
    def macros(self) -> Any:
        if self._macros is None:
            self._macros = templates.env.get_template(TEMPLATE).module
        return self._macros

    def agent(self, a: stats.AgentView) -> Markup:
        reason = self.reason_label.get(a.reason, a.reason) if a.reason else None
        key = ("agent", self.lang, self.big, a.interface, a.node, a.name, a.state, reason,
               a.on_hold, a.muted, a.seconds, a.band)
        return self.cache.get(key, lambda: self.macros.agent(a, reason, self.big, self._))

    def legend(self) -> Markup:
        """The colours' rules: the same for every drawing of a language."""
        return self.cache.get(("legend", self.lang),
                              lambda: self.macros.legend(stats.BANDS, self._))

    def waiting(self, w: stats.WaitingCaller) -> Markup:
        label = self.queue_labels.get(w.queue, w.queue)
        alarm = w.seconds > self.alarm_after.get(w.queue, 60)
        key = ("waiting", self.lang, self.big, w.uniqueid, w.node, label, w.issue_area,
               w.ivr_choice, w.language, w.silent, w.priority, w.seconds, alarm)
        return self.cache.get(key, lambda: self.macros.waiting(w, label, alarm, self.big,
                                                              self._))
