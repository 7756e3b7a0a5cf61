"""Which sections of the intake form are open when it is drawn (pure).

The form is long because a report can need all of it; most calls need a part. A section
opens when the call needs it: the risk questions and the alleged perpetrator for the
problems where someone may be hurt, the safe-contact choices once one is set, the
referral once the province has a unit. Anything holding a value or a problem to fix is
open, so nothing entered is hidden. The page's script opens the same sections as the
agent chooses (``data-risk-areas``), without the server.
"""

from __future__ import annotations

from collections.abc import Mapping

from callcenter.taxonomy import IssueArea

# Problems where someone may be hurt or held: the risk questions and the perpetrator.
RISK_AREAS = frozenset({
    IssueArea.FAMILY_VIOLENCE, IssueArea.HUMAN_TRAFFICKING, IssueArea.CHILD_LABOUR,
    IssueArea.CHILDREN_YOUTH, IssueArea.MISSING_PERSONS, IssueArea.OLDER_PERSONS,
    IssueArea.DISABILITY,
})
PERPETRATOR_PREFIX = "persons.2."
SAFE_FIELDS = ("do_not_call_back", "withhold_caller_id", "call_window")


def _any(data: Mapping[str, str], names) -> bool:
    return any((data.get(name) or "").strip() for name in names)


def open_sections(data: Mapping[str, str], problems: Mapping[str, str], *,
                  has_unit: bool) -> dict[str, bool]:
    risky = (data.get("issue_area") or "") in RISK_AREAS
    held = set(data) | set(problems)
    return {
        "place": True,  # every report is somewhere; the unit follows the province
        "risk": risky or _any(data, [n for n in data if n.startswith("risk.")]),
        "perpetrator": risky or _any(data, [n for n in held if n.startswith(PERPETRATOR_PREFIX)])
        or any(n.startswith(PERPETRATOR_PREFIX) for n in problems),
        "safe": _any(data, SAFE_FIELDS) or any(n in problems for n in SAFE_FIELDS),
        "referral": has_unit or _any(data, ["unit_brief"]) or "unit_brief" in problems,
    }
