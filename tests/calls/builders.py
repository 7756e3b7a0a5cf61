"""Rows of the three-way features, built the way the services build them."""

from datetime import time

from callcenter.calls import guests, interpreters
from callcenter.calls.guest_models import CallGuest, GuestRole, Interpreter
from callcenter.calls.interpreter_schemas import InterpreterIn
from callcenter.db import utcnow


def an_interpreter(session, *, language: str = "my", name: str = "ล่ามทดสอบ",
                   phone: str = "081-234-5678", days: str = "0123456",
                   from_time: time = time(0, 0), until_time: time = time(0, 0),
                   active: bool = True) -> Interpreter:
    """Someone on the roster; by default on duty every day, all day."""
    return interpreters.create(session, InterpreterIn(
        language=language, name=name, phone=phone, days=days, from_time=from_time,
        until_time=until_time, active=active), actor_id=None)


def a_guest(session, call, interpreter: Interpreter) -> CallGuest:
    """The interpreter dialled into the call, not yet seen to join."""
    return guests.invite(session, call, role=GuestRole.INTERPRETER, number=interpreter.phone,
                         language=interpreter.language, interpreter_id=interpreter.id,
                         actor_id=None, now=utcnow())
