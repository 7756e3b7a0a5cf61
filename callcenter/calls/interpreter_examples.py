"""The demo's interpreters: made-up people and numbers, marked as examples, so that the
three-way call can be tried at once (``callcenter demo``; ``seed_all`` with demo users)."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.calls.guest_models import Interpreter
from callcenter.calls.interpreter_schemas import InterpreterIn

MARK = "(ตัวอย่าง) "
# language, name, number, days, from, until: Burmese around the clock (the most asked
# for), Khmer and Lao in office hours.
EXAMPLES = (
    ("my", "ล่ามภาษาพม่า เวรตลอด 24 ชม.", "080-000-1001", "0123456", time(0), time(0)),
    ("km", "ล่ามภาษาเขมร", "080-000-1002", "012345", time(8), time(20)),
    ("lo", "ล่ามภาษาลาว", "080-000-1003", "01234", time(8), time(17)),
)


def seed_examples(session: Session) -> None:
    present = set(session.scalars(select(Interpreter.name)))
    for language, name, phone, days, start, end in EXAMPLES:
        if MARK + name in present:
            continue
        # Reference data of the demo, as the seed's other rows: checked by the same schema
        # as an admin's entry, but not audited (nobody made them; the audit trail is for
        # what people do, and the supervision tests expect it to hold only that).
        data = InterpreterIn(language=language, name=MARK + name, phone=phone, days=days,
                             from_time=start, until_time=end)
        session.add(Interpreter(**data.values(), version=1))
