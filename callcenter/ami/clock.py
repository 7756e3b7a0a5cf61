"""Asterisk's clock, as far as the bridge can know it.

Pure. Event times come from a `Timestamp:` header when Asterisk sends one; otherwise the
driver's receive time is moved onto Asterisk's clock by an offset learnt from `EventTV`
(SuccessfulAuth) and from each new channel's Uniqueid, which holds Asterisk's current
second. A call's times then all come from one clock, whatever the bridge host's says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def epoch_of(uniqueid: str) -> datetime | None:
    """The creation time Asterisk encodes in a Uniqueid (`[system-]epoch.sequence`)."""
    seconds = uniqueid.rpartition("-")[2].partition(".")[0]
    if not seconds.isdigit() or len(seconds) < 9:
        return None
    return datetime.fromtimestamp(int(seconds), UTC)


class AsteriskClock:
    """Asterisk's clock minus the driver's, learnt from what Asterisk tells."""

    __slots__ = ("exact", "offset")

    def __init__(self) -> None:
        self.offset = timedelta(0)
        # True once an exact wall time (EventTV) was seen: a Uniqueid only moves it then
        # when it disagrees by more than the slack below.
        self.exact = False

    def hint(self, at: datetime, received_at: datetime) -> None:
        """Asterisk said it was `at` when the driver received the message."""
        self.offset = at - received_at
        self.exact = True

    def calibrate(self, uniqueid: str, received_at: datetime) -> None:
        """A new channel's Uniqueid holds Asterisk's current second; keep the offset in it."""
        created = epoch_of(uniqueid)
        if created is None:
            return
        low = created - received_at
        high = low + timedelta(seconds=1)
        slack = timedelta(seconds=1.5 if self.exact else 0)
        if not (low - slack <= self.offset <= high + slack):
            self.offset = low + timedelta(seconds=0.5)
            self.exact = False

    def asterisk_time(self, received_at: datetime) -> datetime:
        return received_at + self.offset
