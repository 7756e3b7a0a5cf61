"""What a case-work report may be narrowed to besides its range: a province, an urgency,
an agency type, the channel the case came by. A report names the filters it reads
(``ReportSpec.filters``); the others are ignored by it. Parsed here so the page and a
test refuse the same values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from callcenter.cases.models import AgencyType, Channel
from callcenter.errors import InvalidInput
from callcenter.provinces import catalog
from callcenter.taxonomy import Urgency

NAMES = ("province", "urgency", "agency_type", "channel")
_E = TypeVar("_E", Urgency, AgencyType, Channel)


@dataclass(frozen=True, slots=True)
class Filters:
    province: str | None = None
    urgency: Urgency | None = None
    agency_type: AgencyType | None = None
    channel: Channel | None = None

    def query(self, names: tuple[str, ...] = NAMES) -> dict[str, str]:
        """The filters set among ``names``, as a link's query string carries them."""
        values = {"province": self.province, "urgency": self.urgency,
                  "agency_type": self.agency_type, "channel": self.channel}
        return {name: str(values[name]) for name in names if values[name]}


NONE = Filters()


def parse_filters(province: str | None = None, urgency: str | None = None,
                  agency_type: str | None = None, channel: str | None = None) -> Filters:
    """Read the form's filters (empty means all); an InvalidInput names the bad field."""
    province = (province or "").strip() or None
    if province is not None and province not in catalog.codes():
        raise InvalidInput("province: no province has this code", field="province")
    return Filters(province, _member(Urgency, urgency, "urgency"),
                   _member(AgencyType, agency_type, "agency_type"),
                   _member(Channel, channel, "channel"))


def _member(kind: type[_E], text: str | None, field: str) -> _E | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput(f"{field}: not one of the list", field=field) from None


def conditions(filters: Filters, *, province: Any = None, urgency: Any = None,
               agency_type: Any = None, channel: Any = None) -> list[Any]:
    """The WHERE terms of the filters set, on the columns a report gives for each."""
    pairs = ((province, filters.province), (urgency, filters.urgency),
             (agency_type, filters.agency_type), (channel, filters.channel))
    return [column == value for column, value in pairs
            if column is not None and value is not None]
