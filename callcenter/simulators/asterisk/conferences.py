"""ConfBridge as the SIMULATED Asterisk plays it, in the shapes of the Asterisk 22
recording `pjsip-confbridge` (tests/fixtures/asterisk/pjsip/): a dual Redirect into the
`conference` context starts room `hotline-<call>` and joins the caller and the agent; a
guest originated into it joins once answered; ConfbridgeKick and any hang-up make a
ConfbridgeLeave, the last one out a ConfbridgeEnd. Nobody is marked, so the room lasts
while anyone is in it (asterisk_conf/confbridge.conf).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from callcenter.simulators.asterisk.call_events import Headers

CONTEXT = "conference"
PREFIXES = ("caller-", "host-", "guest-")


def room_of_exten(exten: str) -> str:
    """`hotline-<call>` of `caller-<call>`, `host-<call>` or `guest-<call>`."""
    for prefix in PREFIXES:
        if exten.startswith(prefix):
            return "hotline-" + exten.removeprefix(prefix)
    return ""


class Conferences:
    """Mixed into the simulated PBX, which has channels and emit."""

    channels: dict[str, dict[str, str]]
    emit: Any
    _find_channel: Any

    def _rooms(self) -> dict[str, dict[str, Any]]:
        return self.__dict__.setdefault("_conference_rooms", {})

    def _agent_legs(self) -> dict[str, Headers]:
        """The agents' channels of answered calls (the scripted calls announce them only
        in AgentConnect's Dest* headers), by Uniqueid, so a Redirect or a Hangup finds them."""
        return self.__dict__.setdefault("_agent_leg_headers", {})

    def agent_leg(self, name: str) -> str | None:
        for uid, h in self._agent_legs().items():
            if h["Channel"] == name:
                return uid
        return None

    def _headers(self, uid: str) -> Headers | None:
        return self.channels.get(uid) or self._agent_legs().get(uid)

    def _any_channel(self, name: str) -> str | None:
        return self._find_channel(name) or self.agent_leg(name)

    def _bridge_headers(self, room: str, count: int) -> Headers:
        state = self._rooms()[room]
        return {"Privilege": "call,all", "Timestamp": f"{time.time():.6f}", "Conference": room,
                "BridgeUniqueid": state["bridge"], "BridgeType": "base",
                "BridgeTechnology": "softmix", "BridgeCreator": "ConfBridge",
                "BridgeName": room, "BridgeNumChannels": str(count),
                "BridgeVideoSourceMode": "none"}

    def conference_join(self, room: str, uid: str, exten: str) -> None:
        rooms = self._rooms()
        if room not in rooms:
            rooms[room] = {"bridge": str(uuid.uuid4()), "members": [], "guests": set()}
            self.emit({"Event": "ConfbridgeStart", **self._bridge_headers(room, 0)})
        members = rooms[room]["members"]
        headers = self._headers(uid)
        if uid in members or headers is None:
            return
        members.append(uid)
        if exten.startswith("guest-"):
            rooms[room]["guests"].add(uid)
        channel = {**headers, "Context": CONTEXT, "Exten": exten,
                   "ChannelState": "6", "ChannelStateDesc": "Up"}
        self.emit({"Event": "ConfbridgeJoin", **self._bridge_headers(room, len(members)),
                   **{k: v for k, v in channel.items() if k != "Privilege"},
                   "Admin": "No", "Muted": "No"})

    def conference_leave(self, uid: str) -> None:
        for room, state in list(self._rooms().items()):
            if uid not in state["members"]:
                continue
            state["members"].remove(uid)
            channel = self._headers(uid) or {}
            self.emit({"Event": "ConfbridgeLeave",
                       **self._bridge_headers(room, len(state["members"])),
                       **{k: v for k, v in channel.items() if k != "Privilege"},
                       "Admin": "No"})
            if not state["members"]:
                del self._rooms()[room]
                self.emit({"Event": "ConfbridgeEnd", **self._bridge_headers(room, 0)})
            elif set(state["members"]) <= state["guests"]:
                # Only those dialled in are left: they hang up, as people do.
                for guest in list(state["members"]):
                    self.hang_up(guest)

    def conference_redirected(self, msg: Any) -> None:
        """After a Redirect's reply: the channels it moved into a room join it."""
        pairs = [(msg.get("Channel"), msg.get("Exten"))]
        if msg.get("ExtraChannel"):
            pairs.append((msg.get("ExtraChannel"), msg.get("ExtraExten") or msg.get("Exten")))
        for name, exten in pairs:
            uid = self._any_channel(name)
            room = room_of_exten(exten or "")
            if uid is not None and room:
                self.conference_join(room, uid, exten)

    def hang_up(self, uid: str) -> None:
        headers = self._headers(uid)
        if headers is not None:
            self.emit({"Event": "Hangup", **headers, "Cause": "16",
                       "Cause-txt": "Normal Clearing"})

    def in_room(self, room: str, channel: str) -> str | None:
        uid = self._any_channel(channel)
        members = self._rooms().get(room, {}).get("members", [])
        return uid if uid in members else None

    def _do_confbridgekick(self, session, msg, reply) -> None:
        room = msg.get("Conference") or ""
        if room not in self._rooms():
            reply("Error", Message="No Conference by that name found.")
            return
        uid = self.in_room(room, msg.get("Channel") or "")
        if uid is None:
            reply("Error", Message="No Channel by that name found in Conference.")
            return
        reply(Message="User kicked")
        # The kicked guest's dialplan ends after ConfBridge: the channel hangs up.
        self.hang_up(uid)

    def _track(self, h: Headers) -> None:
        """Anyone who hangs up leaves their room first (as ConfBridge reports it)."""
        event, uid = h.get("Event"), h.get("Uniqueid", "")
        if event == "AgentConnect" and h.get("DestUniqueid"):
            self._agent_legs()[h["DestUniqueid"]] = {
                k.removeprefix("Dest"): v for k, v in h.items() if k.startswith("Dest")}
        elif event == "Hangup" and self._headers(uid) is not None:
            self.conference_leave(uid)
            self._agent_legs().pop(uid, None)
        elif event == "AgentComplete":
            self._agent_legs().pop(h.get("DestUniqueid", ""), None)
        super()._track(h)  # type: ignore[misc]
