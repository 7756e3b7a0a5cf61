"""The actions the SIMULATED Asterisk answers, as Asterisk 22 answers them.

Ping, Logoff, QueueStatus, CoreShowChannels and PJSIPShowEndpoints (event lists),
QueueAdd/Remove/Pause (with the QueueMember* events they cause), Hangup and Redirect;
`lines.py` answers Originate, `call_controls.py` the transfers. Replies copy the recorded
ones (`Unable to add interface: Already there` …).
"""

from __future__ import annotations

import time

from callcenter.simulators.asterisk.call_controls import CallControls
from callcenter.simulators.asterisk.call_events import Headers, SimAgent, member_headers
from callcenter.simulators.asterisk.roster import SimMember
from callcenter.simulators.asterisk.server import SimServer


class PbxActions(CallControls, SimServer):
    def _do_ping(self, session, msg, reply) -> None:
        reply(Ping="Pong", Timestamp=f"{time.time():.6f}")

    def _do_logoff(self, session, msg, reply) -> None:
        reply("Goodbye", Message="Thanks for all the fish.")
        session.writer.close()

    def _list(self, session, aid: str, start: str, items: list[Headers], done: str) -> None:
        self.send(session, {"Response": "Success", "ActionID": aid, "EventList": "start",
                             "Message": start})
        for item in items:
            self.send(session, {**item, "ActionID": aid})
        self.send(session, {"Event": done, "ActionID": aid, "EventList": "Complete",
                             "ListItems": str(len(items))})

    def _do_queuestatus(self, session, msg, reply) -> None:
        items: list[Headers] = []
        queues = sorted(set(self.queues) | {e[0] for e in self.entries.values()})
        for queue in queues:
            items.append({"Event": "QueueParams", "Queue": queue, "Max": "0",
                          "Strategy": "rrmemory", "Calls": "0", "Holdtime": "0",
                          "TalkTime": "0", "Completed": "0", "Abandoned": "0",
                          "ServiceLevel": "30", "ServicelevelPerf": "0.0", "Weight": "0"})
            for (q, _), m in sorted(self.members.items()):
                if q != queue:
                    continue
                h = self._member_headers(q, m)
                items.append({"Event": "QueueMember", "Queue": q, "Name": m.agent.name,
                              "Location": m.agent.interface,
                              **{k: v for k, v in h.items()
                                 if k not in ("Queue", "MemberName", "Interface")}})
            position = 0
            for uid, (q, since, chan) in self.entries.items():
                if q != queue:
                    continue
                position += 1
                items.append({"Event": "QueueEntry", "Queue": q, "Position": str(position),
                              "Channel": chan["Channel"], "Uniqueid": uid,
                              "CallerIDNum": chan["CallerIDNum"], "CallerIDName": "unknown",
                              "Wait": str(int(time.monotonic() - since)), "Priority": "0"})
        self._list(session, msg.get("ActionID"), "Queue status will follow", items,
                   "QueueStatusComplete")

    def _do_coreshowchannels(self, session, msg, reply) -> None:
        items = [{"Event": "CoreShowChannel", **h, "Application": "AppQueue",
                  "ApplicationData": "", "Duration": "00:00:01", "BridgeId": ""}
                 for h in self.channels.values()]
        self._list(session, msg.get("ActionID"), "Channels will follow", items,
                   "CoreShowChannelsComplete")

    def _do_pjsipshowendpoints(self, session, msg, reply) -> None:
        # As res_pjsip lists them (pjsip_configuration.c, ami_show_endpoints): realtime
        # endpoints included, read from the database when asked.
        items: list[Headers] = []
        for endpoint in self.phones.endpoints():
            interface = f"PJSIP/{endpoint.name}"
            in_use = interface in self.engaged
            items.append({"Event": "EndpointList", "ObjectType": "endpoint",
                          "ObjectName": endpoint.name, "Transport": endpoint.transport,
                          "Aor": endpoint.name, "Auths": endpoint.name, "OutboundAuths": "",
                          "Contacts": "", "DeviceState": "In use" if in_use else "Not in use",
                          "ActiveChannels": ""})
        self._list(session, msg.get("ActionID"),
                   "A listing of Endpoints follows, presented as EndpointList events", items,
                   "EndpointListComplete")

    def _member_headers(self, queue: str, m: SimMember) -> Headers:
        return member_headers(queue, m.agent, status=m.status, paused=m.paused,
                              reason=m.reason, in_call=m.in_call, dynamic=m.dynamic,
                              login_time=m.login_time, penalty=m.penalty,
                              last_pause=m.last_pause)

    def _member_event(self, name: str, queue: str, m: SimMember) -> None:
        self.emit({"Event": name, "Privilege": "agent,all", **self._member_headers(queue, m)})

    def _pause_device(self, queue: str, m: SimMember) -> None:
        # app_queue's per-member pause device (usable as a BLF hint), before the event.
        self.emit({"Event": "DeviceStateChange", "Privilege": "call,all",
                   "Device": f"Queue:{queue}_pause_{m.agent.interface}",
                   "State": "INUSE" if m.paused else "NOT_INUSE"})

    def member_status(self, interface: str, *, status: int, in_call: bool) -> None:
        """The member's phone changed state: one QueueMemberStatus per queue it is in."""
        for (q, i), m in sorted(self.members.items()):
            if i == interface:
                m.status, m.in_call = status, in_call
                self._member_event("QueueMemberStatus", q, m)

    def _do_queueadd(self, session, msg, reply) -> None:
        queue, interface = msg.get("Queue"), msg.get("Interface")
        if interface:
            self.staffed.add(interface)
        if not queue or not interface:
            reply("Error", Message="'Queue' and 'Interface' not specified.")
            return
        if queue not in self.queues:
            reply("Error", Message="Unable to add interface to queue: No such queue")
            return
        if (queue, interface) in self.members:
            reply("Error", Message="Unable to add interface: Already there")
            return
        agent = SimAgent(interface, msg.get("MemberName") or interface, dynamic=True)
        # Asterisk adds a phone it does not know all the same, with the device state
        # chan_pjsip gives it (4, invalid), and app_queue never rings it.
        m = self.members[(queue, interface)] = SimMember(
            agent, dynamic=True, paused=msg.get("Paused").lower() == "true",
            penalty=int(msg.get("Penalty") or 0),
            status=1 if self.device_known(interface) else 4)
        reply(Message="Added interface to queue")
        self._pause_device(queue, m)
        self._member_event("QueueMemberAdded", queue, m)
        self.emit({"Event": "DeviceStateChange", "Privilege": "call,all",
                   "Device": f"Queue:{queue}_avail", "State": "NOT_INUSE"})

    def _do_queueremove(self, session, msg, reply) -> None:
        queue, interface = msg.get("Queue"), msg.get("Interface")
        if interface:
            self.staffed.add(interface)
        if not queue or not interface:
            reply("Error", Message="Need 'Queue' and 'Interface' parameters.")
            return
        m = self.members.get((queue, interface))
        if queue not in self.queues:
            reply("Error", Message="Unable to remove interface from queue: No such queue")
        elif m is None:
            reply("Error", Message="Unable to remove interface: Not there")
        elif not m.dynamic:
            reply("Error", Message="Member not dynamic")
        else:
            del self.members[(queue, interface)]
            reply(Message="Removed interface from queue")
            self._member_event("QueueMemberRemoved", queue, m)

    def _do_queuepause(self, session, msg, reply) -> None:
        queue, interface = msg.get("Queue"), msg.get("Interface")
        if interface:
            self.staffed.add(interface)
        if not interface or not msg.get("Paused"):
            reply("Error", Message="Need 'Interface' and 'Paused' parameters.")
            return
        paused = msg.get("Paused").lower() in ("true", "yes", "1")
        # A phone in no queue (not signed in, or signed out) is not found, as in a
        # queue it is not in: Asterisk pauses members, not phones.
        if not self.set_paused(interface, paused=paused, reason=msg.get("Reason"), queue=queue,
                               before=lambda: reply(
                                   Message="Interface paused successfully" if paused
                                   else "Interface unpaused successfully")):
            reply("Error", Message="Interface not found")

    def set_paused(self, interface: str, *, paused: bool, reason: str = "",
                   queue: str | None = None, before=None) -> bool:
        """Pause or unpause a member in one queue or all (one QueueMemberPause each)."""
        found = [(q, m) for (q, i), m in sorted(self.members.items())
                 if i == interface and (not queue or q == queue)]
        if not found:
            return False
        if before is not None:
            before()  # Asterisk answers the action before the events it causes
        for q, m in found:
            m.paused, m.reason = paused, (reason if paused else "")
            if paused:
                m.last_pause = int(time.time())
            self._pause_device(q, m)
            self._member_event("QueueMemberPause", q, m)
        return True

    def _find_channel(self, name: str) -> str | None:
        for uid, h in self.channels.items():
            if h["Channel"] == name:
                return uid
        return None

    def _do_hangup(self, session, msg, reply) -> None:
        uid = self._find_channel(msg.get("Channel")) or self.agent_leg(msg.get("Channel"))
        if uid is None:
            reply("Error", Message="No such channel")
            return
        reply(Message="Channel Hungup")
        # The transferring agent leaving a consultation completes the transfer.
        if not self.complete_consultation(msg.get("Channel")):
            self.hang_up(uid)

    def _do_redirect(self, session, msg, reply) -> None:
        if self._find_channel(msg.get("Channel")) is None:
            reply("Error", Message="Channel specified does not exist")
            return
        extra = msg.get("ExtraChannel")
        if extra and self._find_channel(extra) is None and self.agent_leg(extra) is None:
            reply("Error", Message="Channel specified does not exist")
            return
        reply(Message="Dual Redirect successful" if extra else "Redirect successful")
        if msg.get("Context") == "conference":
            self.conference_redirected(msg)
