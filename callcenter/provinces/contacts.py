"""Whether a contact's address suits its channel, and the one form it is stored in. Pure.

Phones (SMS and voice) are Thai numbers as people write them (``081 234 5678``,
``02-123-4567``, ``+66 81 234 5678``), checked with ``phonenumbers`` for region TH and
stored in E.164 (``+66812345678``): the dialplan's ``rru`` context and SMS gateways take
that form. E-mail addresses are checked for syntax with ``email-validator`` (no DNS look-up:
the console may have no resolver) and stored normalised. A LINE contact is the id the
Messaging API pushes to: a user, group or room id (``U``, ``C`` or ``R`` then 32 hex
digits), not the name people search LINE with. The console is the unit's web page: it
has no address.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from callcenter.errors import InvalidInput
from callcenter.provinces.models import AlertChannel

LINE_ID = re.compile(r"^[UCR][0-9a-f]{32}$")
PHONE_CHANNELS = (AlertChannel.SMS, AlertChannel.VOICE)


def normalised_address(channel: AlertChannel, address: str) -> str:
    """The address as stored, or ``InvalidInput`` on field ``address`` saying why."""
    address = address.strip()
    if channel is AlertChannel.CONSOLE:
        if address:
            raise InvalidInput("a console contact has no address", field="address")
        return ""
    if not address:
        raise InvalidInput("this channel needs an address", field="address")
    if channel in PHONE_CHANNELS:
        return thai_phone(address)
    if channel is AlertChannel.EMAIL:
        try:
            return validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise InvalidInput("not an e-mail address", field="address") from exc
    if not LINE_ID.match(address):
        raise InvalidInput("not a LINE user, group or room id", field="address")
    return address


def thai_phone(text: str) -> str:
    """A Thai phone number in E.164, or ``InvalidInput`` (field ``address``)."""
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("not a phone number", field="address") from exc
    if number.country_code != 66 or not phonenumbers.is_valid_number(number):
        raise InvalidInput("not a valid Thai phone number", field="address")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
