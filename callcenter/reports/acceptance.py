"""Referral acceptance by agency type (by agency when one type is chosen): what became of
the referrals sent in the range, the acceptance rate and the time agencies took to accept.

A referral's row keeps only its status now, with the moment the agency answered
(``responded_at``, set on acceptance or rejection) and the moment its work ended
(``closed_at``, set on the service given, a rejection or a revocation, else on closing).
A closed referral was therefore accepted when its work ended after the answer, and
declined when both came at once (a rejection sets both to the same moment).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, case, func, literal_column, or_, select

from callcenter.cases.models import Case, Referral, ReferralStatus
from callcenter.reports import labels
from callcenter.reports.filters import conditions
from callcenter.reports.ranks import nearest_ranks, same_keys
from callcenter.reports.spec import Column, Context, ReportSpec, hours, number
from callcenter.reports.sql import instant, seconds_between

STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.REJECTED,
            ReferralStatus.DONE, ReferralStatus.CLOSED, ReferralStatus.REVOKED)

DEFINITION = {
    "en": (
        "Referrals sent in the range, by agency type (by agency when a type is chosen), "
        "with their status now: waiting (sent, no answer yet), accepted, declined, service "
        "given, closed, withdrawn. Accepted in all counts those accepted now, with the "
        "service given, or closed after being accepted; declined in all those declined now "
        "or closed after a refusal. Acceptance rate: accepted in all over the referrals "
        "answered (accepted or declined in all), in per cent. Time to accept runs from "
        "sending to the agency's acceptance, in hours; median and 90th percentile are "
        "nearest-rank values."
    ),
    "th": (
        "การส่งต่อที่ส่งในช่วงวันที่ แยกตามประเภทหน่วยงาน (แยกตามหน่วยงานเมื่อเลือกประเภท) ตามสถานะ"
        "ปัจจุบัน: รอตอบ (ส่งแล้ว ยังไม่ตอบ) ตอบรับ ปฏิเสธ ให้บริการแล้ว ปิดแล้ว ถอนการส่งต่อ "
        "ตอบรับทั้งหมดนับที่ตอบรับอยู่ ให้บริการแล้ว หรือปิดหลังจากตอบรับ ปฏิเสธทั้งหมดนับที่ปฏิเสธอยู่หรือ"
        "ปิดหลังจากปฏิเสธ อัตราการตอบรับ: ตอบรับทั้งหมดต่อการส่งต่อที่ได้รับคำตอบ (ตอบรับหรือปฏิเสธ) "
        "เป็นร้อยละ เวลาถึงตอบรับนับจากเวลาที่ส่งถึงเวลาที่หน่วยงานตอบรับ เป็นชั่วโมง มัธยฐานและ"
        "เปอร์เซ็นไทล์ที่ 90 เป็นค่าตามอันดับ"
    ),
}


def _accepted() -> Any:
    closed_after_yes = and_(Referral.status == ReferralStatus.CLOSED,
                            Referral.responded_at.is_not(None),
                            Referral.closed_at > Referral.responded_at)
    return or_(Referral.status.in_((ReferralStatus.ACCEPTED, ReferralStatus.DONE)),
               closed_after_yes)


def _declined() -> Any:
    closed_after_no = and_(Referral.status == ReferralStatus.CLOSED,
                           Referral.responded_at.is_not(None),
                           Referral.closed_at == Referral.responded_at)
    return or_(Referral.status == ReferralStatus.REJECTED, closed_after_no)


def query(ctx: Context) -> Select[Any]:
    by_agency = ctx.filters.agency_type is not None
    accepted = _accepted()
    each = (
        select(
            Referral.agency_type.label("agency_type"),
            (Referral.agency_name if by_agency else literal_column("''")).label("agency"),
            Referral.status.label("status"),
            case((accepted, 1), else_=0).label("accepted"),
            case((_declined(), 1), else_=0).label("declined"),
            case((accepted & Referral.responded_at.is_not(None),
                  seconds_between(Referral.sent_at, Referral.responded_at)),
                 else_=None).label("to_accept"))
        .join(Case, Case.id == Referral.case_id)
        .where(Referral.sent_at >= instant(ctx.range.start),
               Referral.sent_at < instant(ctx.range.end),
               *conditions(ctx.filters, province=Case.province_code, urgency=Case.urgency,
                           agency_type=Referral.agency_type, channel=Case.channel))
        .subquery("each"))
    keys = ("agency_type", "agency")
    ranks = nearest_ranks(each, keys, "to_accept", ctx.dialect)
    c = each.c
    counts = (
        select(c.agency_type, c.agency, func.count().label("referred"),
               *(func.count().filter(c.status == s).label(s.value) for s in STATUSES),
               func.sum(c.accepted).label("accepted_all"),
               func.sum(c.declined).label("declined_all"))
        .group_by(c.agency_type, c.agency).subquery("counts"))
    return (
        select(counts, ranks.c.median, ranks.c.p90)
        .select_from(counts)
        .outerjoin(ranks, same_keys(counts, ranks, keys))
        .order_by(labels.in_order(counts.c.agency_type, labels.AGENCY_TYPES), counts.c.agency))


def _shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    kind, agency, referred, *by_status, accepted, declined, median, p90 = row
    accepted, declined = int(accepted or 0), int(declined or 0)
    answered = accepted + declined
    rate = number(100.0 * accepted / answered, 1) if answered else None
    return (str(kind), labels.name(labels.AGENCY_TYPES, kind, ctx.lang), agency, referred,
            *by_status, accepted, declined, rate, hours(median), hours(p90))



STATUS_COLUMNS = {
    ReferralStatus.SENT: ("Waiting", "รอตอบ"),
    ReferralStatus.ACCEPTED: ("Accepted", "ตอบรับ"),
    ReferralStatus.REJECTED: ("Declined", "ปฏิเสธ"),
    ReferralStatus.DONE: ("Service given", "ให้บริการแล้ว"),
    ReferralStatus.CLOSED: ("Closed", "ปิดแล้ว"),
    ReferralStatus.REVOKED: ("Withdrawn", "ถอนการส่งต่อ"),
}

REPORTS = (
    ReportSpec(
        "referral_acceptance", "Referral acceptance by agency type",
        "การตอบรับการส่งต่อตามประเภทหน่วยงาน",
        (Column("agency_type", "Agency type code", "รหัสประเภทหน่วยงาน"),
         Column("agency_type_name", "Agency type", "ประเภทหน่วยงาน"),
         Column("agency", "Agency (when a type is chosen)", "หน่วยงาน (เมื่อเลือกประเภท)"),
         Column("referred", "Referred", "ส่งต่อ"),
         *(Column(s.value, *STATUS_COLUMNS[s]) for s in STATUSES),
         Column("accepted_all", "Accepted in all", "ตอบรับทั้งหมด"),
         Column("declined_all", "Declined in all", "ปฏิเสธทั้งหมด"),
         Column("acceptance_rate", "Acceptance rate (%)", "อัตราการตอบรับ (ร้อยละ)"),
         Column("median_hours_to_accept", "Median hours to accept",
                "มัธยฐานชั่วโมงถึงตอบรับ"),
         Column("p90_hours_to_accept", "90th percentile hours to accept",
                "เปอร์เซ็นไทล์ 90 ชั่วโมงถึงตอบรับ")),
        query, _shape, DEFINITION, filters=("province", "urgency", "agency_type", "channel"),
    ),
)
