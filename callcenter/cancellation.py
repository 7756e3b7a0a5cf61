"""Stop a task that was asked to stop, even when a library swallowed the request.

redis-py's asyncio reads (a pub/sub read, a blocking pop) can swallow the CancelledError
that stopping a task throws into them (seen with redis-py 8.2): a loop around such reads
then reads on for ever, and the process hangs on shutdown. Such loops call
``raise_if_cancelled()`` after each read, so a task asked to stop does stop.
"""

from __future__ import annotations

import asyncio


def raise_if_cancelled() -> None:
    """Raise CancelledError if this task has a cancellation pending (Python 3.11+)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
