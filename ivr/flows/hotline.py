"""The 1300 hotline flow: language menu, problem menu, route, callback offer, announce.

The menus themselves are data in ``ivr.flows.menus``; this module only walks them. Nobody is
dropped: every path ends with the routing variables set, including a hang-up (so the bridge
can record where the caller left), a prompt nobody could hear (an IVR error, not a silent
caller) and the flow's own errors (handled by the server with ``fallback``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any

from callcenter.queues.catalog import URGENT
from callcenter.taxonomy import Language
from ivr import flow, ports, routing
from ivr import variables as v
from ivr.agi import exec_app
from ivr.flow import CallerHungUp, Flow, PromptMissing, Step
from ivr.flows import on_channel
from ivr.flows.context import CallContext
from ivr.flows.menus import (
    CALLBACK_KEYS,
    CALLBACK_TIMEOUT_MS,
    LANGUAGE_MENU,
    PROBLEM_MENU,
    Action,
    Menu,
    Option,
)
from ivr.prompts import PromptId
from ivr.routing import Outcome, Route

ALL_KEYS = "0123456789*#"


@dataclass(frozen=True, slots=True)
class Result:
    route: Route
    choice: str  # the valid keys in order, "none", or "hangup"
    callback: bool = False


@dataclass(frozen=True, slots=True)
class MenuAnswer:
    option: Option | None  # None: no valid key after every attempt
    pressed_any: bool  # whether any key at all was pressed (silence tells a silent caller)


@dataclass
class Progress:
    """What is known so far, so that a hang-up still reports the language and the choice."""

    language: Language = Language.THAI
    route: Route | None = None
    callback: bool = False  # a call back is booked (even if the caller left right after)
    error: str = ""  # why the IVR could not do its job, for IVR_ERROR


def run(ctx: CallContext) -> Flow:
    """The flow the dialplan's ``AGI(agi://…/ivr)`` runs for an incoming 1300 call."""
    call_id = (yield from flow.get_var(v.HOTLINE_CALL_ID)) or ctx.call_id
    ctx = replace(ctx, call_id=call_id)
    progress = Progress()
    try:
        route, keys = yield from _choose(ctx, progress)
        progress.route = route
        if route.outcome in (Outcome.CHOSEN, Outcome.NO_CHOICE):
            yield from _offer_callback(ctx, route, progress)
        if not progress.callback:
            urgent = route.silent or route.outcome is Outcome.DANGER
            prompt = PromptId.CONNECTING_URGENT if urgent else PromptId.CONNECTING
            # A prompt the caller cannot interrupt: the route is already decided.
            yield from flow.play(ctx.prompts.files(prompt, route.language), "")
        result = Result(route, keys or "none", progress.callback)
    except CallerHungUp:
        known = progress.route or routing.undecided(progress.language)
        result = Result(replace(known, outcome=Outcome.HANGUP), "hangup", progress.callback)
    except PromptMissing:
        # Nobody heard the menu: not a silent caller but our fault. A person picks up.
        progress.error = "prompt_missing"
        result = Result(routing.general(progress.language, Outcome.ERROR), "error")
    yield from publish(ctx, result, progress.error)
    return result


def _choose(ctx: CallContext, progress: Progress) -> Generator[Step, Any, tuple[Route, str]]:
    answer = yield from ask_menu(ctx, LANGUAGE_MENU, Language.THAI)
    first = answer.option
    if first is None:
        action = LANGUAGE_MENU.on_invalid if answer.pressed_any else LANGUAGE_MENU.on_silence
        return _route_for_action(action, Language.THAI, None), ""
    if first.action is not Action.LANGUAGE:
        return _route_for_action(first.action, Language.THAI, first), first.key
    language = progress.language = first.language or Language.THAI
    # On the channel at once: if the IVR fails from here on, its fallback (a new flow)
    # reads it back and sends the caller to agents who speak the language.
    yield from flow.set_var(v.IVR_LANGUAGE, language.value)
    answer = yield from ask_menu(ctx, PROBLEM_MENU, language)
    second = answer.option
    if second is None:
        action = PROBLEM_MENU.on_invalid if answer.pressed_any else PROBLEM_MENU.on_silence
        return _route_for_action(action, language, None), first.key
    return _route_for_action(second.action, language, second), first.key + second.key


def _route_for_action(action: Action, language: Language, option: Option | None) -> Route:
    if action is Action.DANGER:
        return routing.urgent(language, silent=False)
    if action is Action.SILENT:
        return routing.urgent(language, silent=True)
    if action is Action.ISSUE and option is not None and option.queue is not None:
        return routing.for_issue(option.queue, option.issue, language)
    return routing.general(language)


def ask_menu(ctx: CallContext, menu: Menu, language: Language) -> Generator[Step, Any, MenuAnswer]:
    """Play the menu up to ``menu.attempts`` times; return the chosen option, if any."""
    pressed_any = False
    silent_limit = menu.silent_attempts or menu.attempts
    for attempt in range(menu.attempts):
        if attempt:
            if not pressed_any and attempt >= silent_limit:
                break
            retry = PromptId.INVALID if pressed_any else PromptId.NO_INPUT
            yield from flow.play(ctx.prompts.files(retry, language), "")
        key = yield from _play_menu(ctx, menu, language)
        if key:
            pressed_any = True
            option = menu.option(key)
            if option is not None:
                return MenuAnswer(option, pressed_any)
    return MenuAnswer(None, pressed_any)


def _play_menu(ctx: CallContext, menu: Menu, language: Language) -> Generator[Step, Any, str]:
    # Every prompt of a menu can be interrupted by any key: a caller who knows the menu (or
    # is in danger) need not listen to the end, and a wrong key is answered at once instead
    # of being silently thrown away by Asterisk.
    # Every prompt is required: silence after a menu nobody heard is no answer at all.
    escape = ALL_KEYS
    for prompt, prompt_language in menu.prompts:
        files = ctx.prompts.files(prompt, prompt_language or language)
        key = yield from flow.play(files, escape, required=True)
        if key:
            return key
    return (yield from flow.wait_key(menu.timeout_ms))


def _offer_callback(
    ctx: CallContext, route: Route, progress: Progress
) -> Generator[Step, Any, None]:
    """Offer to keep the caller's place when the wait is long; ``progress.callback`` if booked."""
    if ctx.callback_threshold_s is None or not ctx.number:
        return  # no number to call back, or the offer is switched off
    wait = yield from flow.port(ports.ESTIMATED_WAIT, route.queue)
    if wait is None or wait <= ctx.callback_threshold_s:
        return
    try:
        yield from offer_callback(ctx, route, progress)
    except PromptMissing:
        # No offer heard, so none taken: the caller waits in the queue they chose.
        progress.error = "prompt_missing"


def offer_callback(
    ctx: CallContext, route: Route, progress: Progress | None = None
) -> Generator[Step, Any, bool]:
    """Ask "press 1 to be called back"; store the request; True if it is booked.

    A request that could not be confirmed in time is withdrawn before the caller hears
    "could not book": they then stay in the queue and are never also called back.
    """
    if not ctx.number or route.silent or route.queue == URGENT:
        return False
    key = yield from flow.ask(
        ctx.prompts.files(PromptId.CALLBACK_OFFER, route.language),
        CALLBACK_TIMEOUT_MS,
        "".join(CALLBACK_KEYS),
    )
    if not CALLBACK_KEYS.get(key, False):
        return False
    request = ports.CallbackRequest(
        call_id=ctx.call_id,
        number=ctx.number,
        queue=route.queue,
        priority=route.priority,
        language=route.language,
        issue=route.issue,
    )
    stored = yield from flow.port(ports.STORE_CALLBACK, request)
    if stored is not True:  # False, or None: failed or timed out, and may still commit
        yield from flow.port(ports.CANCEL_CALLBACK, request)
        yield from flow.play(ctx.prompts.files(PromptId.CALLBACK_FAILED, route.language), "")
        return False
    if progress is not None:
        progress.callback = True
    yield from flow.play(ctx.prompts.files(PromptId.CALLBACK_CONFIRMED, route.language), "")
    return True


def publish(ctx: CallContext, result: Result, error: str = "") -> Generator[Step, Any, None]:
    """Set the routing variables and announce them to the bridge in one UserEvent.

    SET VARIABLE and EXEC still run on a hung-up channel, so this also records a hang-up.
    """
    route = result.route
    values = {
        v.IVR_LANGUAGE: route.language.value,
        v.IVR_CHOICE: result.choice,
        # Empty, not "none", when there is no issue: the bridge then takes the queue's own.
        v.IVR_ISSUE: route.issue.value if route.issue else "",
        # Empty with the queue when a caller hung up before choosing one.
        v.IVR_PRIORITY: str(route.priority) if route.queue else "",
        v.IVR_SILENT: "1" if route.silent else "0",
        v.IVR_CALLBACK: "yes" if result.callback else "no",
        v.IVR_ERROR: error,
        # Last: the dialplan treats a set IVR_QUEUE as "the IVR finished".
        v.IVR_QUEUE: route.queue,
    }
    for name, value in values.items():
        yield from flow.set_var(name, value)
    yield from flow.quiet(exec_app("UserEvent", user_event(ctx.call_id, result, error)))


def user_event(call_id: str, result: Result, error: str = "") -> str:
    """``UserEvent`` data: the event name, then ``Header: value`` pairs, comma-separated.

    Values are ids and vocabulary words only (no commas, no personal data).
    """
    route = result.route
    headers = {
        "CallId": call_id,
        "Outcome": route.outcome.value,
        "Language": route.language.value,
        "Choice": result.choice,
        "Priority": str(route.priority) if route.queue else "",
        "Queue": route.queue,
        "Silent": "1" if route.silent else "0",
        "Callback": "yes" if result.callback else "no",
    }
    if route.issue:
        headers["Issue"] = route.issue.value
    if error:
        headers["Error"] = error
    body = ",".join(f"{k}: {_clean(val)}" for k, val in headers.items())
    return f"{v.EVENT_IVR_RESULT},{body}"


def _clean(value: str) -> str:
    # A comma would split the UserEvent's arguments; a pipe is the old separator.
    return "".join(ch for ch in value if ch not in ",|\r\n")[:80]


def fallback(ctx: CallContext, reason: str) -> Flow:
    """The IVR failed: send the caller to people who speak their language, and say why.

    Run by the server on a new flow, so the language comes back from the channel (the
    hotline flow sets IVR_LANGUAGE as soon as it is chosen); Thai when it never was.
    """
    language = yield from on_channel.language()
    result = Result(routing.general(language, Outcome.ERROR), "error")
    yield from publish(ctx, result, error=reason)
    return result
