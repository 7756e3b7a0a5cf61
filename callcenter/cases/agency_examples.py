"""The demo's example directory of partner agencies, clearly marked as such.

Every name starts with "(ตัวอย่าง)" / "(Example)" and every phone number is a made-up
02-000-xxxx number that belongs to nobody; the national hotlines 1387 and 1669 are real
public services, so they are listed without a number. Safe to run any number of times:
an example already present (by its Thai name) is left as an admin may have edited it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.cases import agencies
from callcenter.cases.agency_schemas import AgencyIn
from callcenter.cases.models import Agency, AgencyType

T = AgencyType
TH_MARK, EN_MARK = "(ตัวอย่าง) ", "(Example) "
# (Thai name, English name, type, province or None for national, phone, services, hours)
EXAMPLES = (
    ("ศูนย์พึ่งได้ โรงพยาบาลกลางเมือง", "OSCC, City Hospital", T.HOSPITAL_OSCC, "TH-10",
     "02-000-1001", "ตรวจรักษา เก็บหลักฐาน ให้คำปรึกษา", "ตลอด 24 ชั่วโมง"),
    ("บ้านพักเด็กและครอบครัวกรุงเทพฯ", "Bangkok Children and Family Shelter", T.SHELTER,
     "TH-10", "02-000-1002", "ที่พักชั่วคราว ดูแลเด็กและผู้หญิง", "ตลอด 24 ชั่วโมง"),
    ("สถานีตำรวจนครบาลตัวอย่าง", "Example Metropolitan Police Station", T.POLICE, "TH-10",
     "02-000-1003", "รับแจ้งความ คุ้มครองผู้เสียหาย", "ตลอด 24 ชั่วโมง"),
    ("สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่",
     "Chiang Mai Provincial Social Development Office", T.PROVINCIAL_OFFICE, "TH-50",
     "02-000-2001", "ประเมินความต้องการ สงเคราะห์ ติดตามเคส", "จันทร์–ศุกร์ 08:30–16:30"),
    ("ศูนย์พึ่งได้ โรงพยาบาลเชียงใหม่ตัวอย่าง", "OSCC, Example Chiang Mai Hospital",
     T.HOSPITAL_OSCC, "TH-50", "02-000-2002", "ตรวจรักษา ให้คำปรึกษา", "ตลอด 24 ชั่วโมง"),
    ("สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดขอนแก่น",
     "Khon Kaen Labour Protection and Welfare Office", T.LABOUR_OFFICE, "TH-40",
     "02-000-3001", "ค่าจ้างค้างจ่าย การคุ้มครองแรงงาน", "จันทร์–ศุกร์ 08:30–16:30"),
    ("ศูนย์ช่วยเหลือทางกฎหมายสงขลา", "Songkhla Legal Aid Centre", T.LEGAL_AID, "TH-90",
     "02-000-4001", "คำปรึกษากฎหมาย ทนายความ", "จันทร์–ศุกร์ 09:00–16:00"),
    ("มูลนิธิช่วยเหลือผู้หญิงและเด็ก", "Women and Children Help Foundation", T.NGO, None,
     "02-000-5001", "ให้คำปรึกษา ที่พัก ช่วยเหลือทางกฎหมาย", "จันทร์–เสาร์ 09:00–18:00"),
    ("สายด่วนช่วยเหลือเด็ก 1387", "Childline 1387",
     T.CHILDLINE, None, "", "รับเรื่องเด็กถูกละเมิด ให้คำปรึกษาเด็ก", "ตลอด 24 ชั่วโมง"),
    ("สายด่วนการแพทย์ฉุกเฉิน 1669", "Emergency Medical Service 1669", T.EMS, None, "",
     "รถพยาบาลฉุกเฉิน", "ตลอด 24 ชั่วโมง"),
)


def seed_examples(session: Session) -> None:
    present = set(session.scalars(select(Agency.name_th)))
    for name_th, name_en, kind, province, phone, services, hours in EXAMPLES:
        if TH_MARK + name_th in present:
            continue
        agencies.add_reference(session, AgencyIn(
            name_th=TH_MARK + name_th, name_en=EN_MARK + name_en, agency_type=kind,
            province_code=province, phone=phone, services=services, hours=hours))
