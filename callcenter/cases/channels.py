"""The intake channels' rules, pure: which contact a channel's opening is, which centres
take walk-ins, what a walk-in must say about where it was taken. No session, no clock.

A case's ``Channel`` is where the report came in (hotline, walk-in, website, app, LINE);
its contacts (``ContactChannel``) are every later touch as well. The hotline's opening
contact is its call, linked with the case (``contacts.link_call``); any other channel's
opening is recorded as a contact of that channel when the case opens.
"""

from __future__ import annotations

from callcenter.cases.models import AgencyType, Channel, ContactChannel
from callcenter.errors import InvalidInput

# The contact each channel's report is (a hotline report is a phone call).
CONTACT_OF = {
    Channel.HOTLINE: ContactChannel.PHONE,
    Channel.WALK_IN: ContactChannel.WALK_IN,
    Channel.WEBSITE: ContactChannel.WEBSITE,
    Channel.APP: ContactChannel.APP,
    Channel.LINE: ContactChannel.LINE,
}
# The directory's agencies that receive people in person: a walk-in is taken at one.
WALK_IN_AGENCY_TYPES = (AgencyType.HOSPITAL_OSCC, AgencyType.PROVINCIAL_OFFICE,
                        AgencyType.SHELTER, AgencyType.NGO)
PLACE_MAX = 200


def opening_contact(channel: Channel) -> ContactChannel | None:
    """The contact to record when a case of this channel opens; None for the hotline,
    whose opening contact is the call linked to it (a case typed without a call has none)."""
    return None if channel is Channel.HOTLINE else CONTACT_OF[channel]


def check_place(channel: Channel, *, agency_id: int | None, place: str | None) -> None:
    """A walk-in says where it was taken (a centre, or the place in words); no other
    channel carries those fields, so a script's mix-up is refused, not stored."""
    given = agency_id is not None or bool((place or "").strip())
    if channel is Channel.WALK_IN and not given:
        raise InvalidInput("a walk-in says where it was taken: a centre or the place",
                           field="walk_in_place")
    if channel is not Channel.WALK_IN and given:
        raise InvalidInput("only a walk-in has a place where it was taken",
                           field="walk_in_place")


def check_call(channel: Channel, call_id: int | None) -> None:
    """Only a hotline report comes from a call."""
    if call_id is not None and channel is not Channel.HOTLINE:
        raise InvalidInput(f"a {channel.value} report has no call", field="call_id")


def takes_walk_ins(agency_type: AgencyType) -> bool:
    return agency_type in WALK_IN_AGENCY_TYPES
