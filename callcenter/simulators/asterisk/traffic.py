"""Callers of the SIMULATED Asterisk: arriving, going through the IVR, queued, answered.

Calls are played in the shapes of the recorded transcripts (`call_events`); with the
IVR's FastAGI address a caller goes through the real IVR as Asterisk would send them.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import replace

from callcenter.simulators.asterisk import agi_channel
from callcenter.simulators.asterisk.call_events import (
    Headers,
    SimCall,
    Step,
    arrival_steps,
    call_steps,
    hangup_steps,
    hotline_channel,
    queue_steps,
)
from callcenter.simulators.asterisk.pbx import PbxActions
from callcenter.simulators.asterisk.roster import DEFAULT_AGENTS, IVR_SCRIPTS, PAUSE_WEIGHTS

log = logging.getLogger(__name__)


class Traffic(PbxActions):
    def new_call(self, *, shape: str = "answered", queue: str = "violence",
                 caller: str | None = None, talk: float = 6.0, wait: float = 2.0) -> SimCall:
        """A call to play, its member chosen (and held) now if its shape needs one."""
        return self._assign(self._call(shape=shape, queue=queue, caller=caller, talk=talk,
                                       wait=wait))

    def _call(self, *, shape: str, queue: str, caller: str | None, talk: float,
              wait: float) -> SimCall:
        return SimCall(seq=next(self._seq), epoch=int(time.time()),
                       caller=caller or f"08{random.randrange(10**8):08d}", queue=queue,
                       shape=shape, talk=talk, wait=wait)

    def _assign(self, call: SimCall) -> SimCall:
        """Give an answered call a member the queue may ring and hold that member until
        the call ends; with nobody free the caller waits and gives up (abandoned)."""
        if call.shape not in ("answered", "agent_hangup"):
            return replace(call, agent=None)
        free = [m.agent for (q, i), m in self.members.items()
                if q == call.queue and self.can_ring(q, i)]
        if not free:
            return replace(call, agent=None, shape="abandoned")
        # The lowest penalty first, as app_queue rings them; among equals, anyone.
        best = min(self.members[(call.queue, a.interface)].penalty for a in free)
        agent = random.choice([a for a in free
                               if self.members[(call.queue, a.interface)].penalty == best])
        self.engaged[agent.interface] = call.uniqueid
        return replace(call, agent=agent)

    async def play(self, call: SimCall) -> None:
        """Emit one call's events at its pace (divided by `speed`)."""
        await self._play_steps(call_steps(call))

    async def _play_steps(self, steps: list[Step]) -> None:
        start = time.monotonic()
        for at, headers in steps:
            delay = start + at / self.speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if headers.get("Event") == "QueueMemberStatus":
                # Said by the PBX from the member's own state, in every queue it is in.
                self.member_status(headers["Interface"], status=int(headers["Status"]),
                                   in_call=headers["InCall"] == "1")
            else:
                self.emit(headers)

    async def ivr_call(self, keys: list[str], *, caller: str | None = None,
                       hangup_at: int | None = None, shape: str = "answered",
                       talk: float = 6.0, wait: float = 2.0,
                       pace: float = 0.0) -> tuple[SimCall, agi_channel.SimulatedChannel]:
        """One caller through the real IVR over FastAGI, then the queue it chose.

        ``keys``: one per chance to press (see ``agi_channel.SimulatedChannel``);
        ``shape`` says how the queue part ends (answered, abandoned, queue_timeout…).
        """
        assert self.agi is not None, "no FastAGI address: AmiSimulator(agi=(host, port))"
        call = self._call(shape=shape, queue="operator", caller=caller, talk=talk, wait=wait)
        await self._play_steps(arrival_steps(call))
        up = hotline_channel(call)
        channel = agi_channel.SimulatedChannel(
            keys=list(keys), hangup_at=hangup_at,
            channel_vars={"HOTLINE_CALL_ID": call.uniqueid}, listener=self._ami_listener(up))
        env = agi_channel.environment("ivr", uniqueid=call.uniqueid, callerid=call.caller,
                                        channel=call.channel)
        await self._run_agi(channel, env, pace=pace)
        self.emit({"Event": "AGIExecEnd", "Privilege": "agi,all", **up, "Command": "",
                   "CommandId": "1", "ResultCode": "200", "Result": "Success"})
        if not channel.alive or channel.variables.get("IVR_CALLBACK") == "yes":
            await self._play_steps(hangup_steps(call))  # hung up, or booked a call back
            return call, channel
        # The dialplan's `route`: an empty or unknown IVR_QUEUE means the general queue.
        queue = channel.variables.get("IVR_QUEUE") or "operator"
        if shape not in ("answered", "abandoned", "queue_timeout", "agent_hangup"):
            shape = "answered"  # meant to hang up in the IVR, but the menus were shorter
        call = self._assign(replace(call, queue=queue, shape=shape))
        await self._play_steps(queue_steps(call))
        return call, channel

    async def _run_agi(self, channel: agi_channel.SimulatedChannel, env: bytes,
                       pace: float = 0.0) -> None:
        assert self.agi is not None
        try:
            await agi_channel.call(*self.agi, channel, env, pace=pace)
        except (OSError, TimeoutError):
            # As on Asterisk: AGI fails, the dialplan goes on with what was set (maybe none).
            log.warning("simulator: the IVR at %s:%d did not answer", *self.agi)

    def _ami_listener(self, chan: Headers):
        """What Asterisk announces while the IVR works: VarSet, and UserEvent from EXEC."""
        def hear(kind: str, args: list[str]) -> None:
            if kind == "VarSet":
                self.emit({"Event": "VarSet", "Privilege": "dialplan,all", **chan,
                           "Variable": args[0], "Value": args[1]})
                return
            name, *pairs = (args[0] if args else "").split(",")
            fields = dict(p.partition(":")[::2] for p in pairs)
            self.emit({"Event": "UserEvent", "Privilege": "user,all", **chan,
                       "UserEvent": name,
                       **{k.strip(): v.strip() for k, v in fields.items() if k.strip()}})
        return hear

    async def agent_pauses(self, *, per_hour: float = 6.0, minutes: tuple[float, float] = (
            2.0, 15.0), duration: float | None = None) -> None:
        """Agents pause now and then, for a reason from the console's list, and come back.

        About `per_hour` pauses an hour across the floor, each a few minutes long (at the
        simulator's speed); an agent on a call, in wrap-up or already paused is left alone,
        and so is a phone that a person drives from the console (``staffed``).
        """
        end = None if duration is None else time.monotonic() + duration
        reasons = [r for r, weight in PAUSE_WEIGHTS.items() for _ in range(weight)]
        while end is None or time.monotonic() < end:
            await self._sleep(random.expovariate(per_hour / 3600.0))
            free = sorted({i for (q, i) in self.members
                           if self.can_ring(q, i) and i not in self.staffed})
            if free:
                interface = random.choice(free)
                self.set_paused(interface, paused=True, reason=random.choice(reasons))
                self._spawn(self._unpause_later(interface, 60 * random.uniform(*minutes)))

    async def _unpause_later(self, interface: str, seconds: float) -> None:
        await self._sleep(seconds)
        self.set_paused(interface, paused=False)

    async def traffic(self, *, calls_per_minute: float = 30.0, duration: float | None = None,
                      pauses_per_hour: float = 6.0) -> None:
        """Callers arriving at random, mostly answered, some abandoning or timing out;
        agents pausing now and then (`pauses_per_hour` 0: never)."""
        if pauses_per_hour > 0:
            self._spawn(self.agent_pauses(per_hour=pauses_per_hour, duration=duration))
        shapes = ["answered"] * 7 + ["abandoned", "queue_timeout", "ivr_hangup",
                                     "agent_hangup"]
        queues = sorted({q for q, _ in self.members}) or list(DEFAULT_AGENTS)
        end = None if duration is None else time.monotonic() + duration
        scripts = [keys for keys, weight in IVR_SCRIPTS for _ in range(weight)]
        while end is None or time.monotonic() < end:
            shape = random.choice(shapes)
            talk, wait = random.uniform(20, 240), random.uniform(1, 40)
            if self.agi is not None:
                keys = random.choice(scripts)
                hangup_at = random.randrange(1, 4) if shape == "ivr_hangup" else None
                self._spawn(self.ivr_call(keys, shape=shape, talk=talk, wait=wait,
                                          hangup_at=hangup_at, pace=1.0 / self.speed))
            else:
                call = self.new_call(shape=shape, queue=random.choice(queues), talk=talk,
                                     wait=wait)
                self._spawn(self.play(call))
            await self._sleep(random.expovariate(calls_per_minute / 60.0))


