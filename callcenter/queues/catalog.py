"""The hotline's Asterisk queues, as data.

`asterisk_conf/queues.conf`, the IVR's routes and the seed all name these queues; a check
in the test suite keeps them in step. Priority is Asterisk's queue priority: a higher
number is answered first when one agent serves several queues.
"""

from dataclasses import dataclass

from callcenter.taxonomy import IssueArea, Language

# The wallboard's defaults for a queue, until an admin sets its own (/admin/queues):
# the share of calls to answer within the queue's seconds (NENA: 90 %), the share below
# which its row turns amber, the counted calls a day needs before its service level may
# flag it (one late call of two is 50 %: too noisy to raise an alarm on), and the waits
# after which its longest wait turns amber and red.
SERVICE_LEVEL_TARGET = 90
SERVICE_LEVEL_WARN = 90
SERVICE_LEVEL_MIN_CALLS = 5
WAIT_WARN_SECONDS = 60
WAIT_ALARM_SECONDS = 60


@dataclass(frozen=True, slots=True)
class QueueSpec:
    name: str
    label_th: str
    label_en: str
    issue_area: IssueArea | None
    language: Language
    priority: int
    service_level_seconds: int


URGENT = "urgent"
GENERAL = "operator"

QUEUES: tuple[QueueSpec, ...] = (
    # Immediate danger and callers who cannot speak safely go ahead of everyone.
    QueueSpec(URGENT, "เหตุด่วน/ผู้โทรพูดไม่ได้", "Immediate danger / silent caller",
              None, Language.THAI, 10, 10),
    QueueSpec("violence", "ความรุนแรง", "Violence",
              IssueArea.FAMILY_VIOLENCE, Language.THAI, 5, 20),
    QueueSpec("trafficking", "การค้ามนุษย์/แรงงานเด็ก", "Human trafficking / child labour",
              IssueArea.HUMAN_TRAFFICKING, Language.THAI, 5, 20),
    QueueSpec("pregnancy", "ตั้งครรภ์ไม่พร้อม", "Unplanned pregnancy",
              IssueArea.TEENAGE_PREGNANCY, Language.THAI, 3, 30),
    QueueSpec("missing", "คนหาย", "Missing persons",
              IssueArea.MISSING_PERSONS, Language.THAI, 4, 30),
    QueueSpec("homeless", "คนไร้ที่พึ่ง/ขอทาน", "Homeless, destitute, begging",
              IssueArea.HOMELESS, Language.THAI, 2, 30),
    QueueSpec("welfare", "สวัสดิการและคำปรึกษา", "Welfare and counselling",
              IssueArea.WELFARE, Language.THAI, 1, 30),
    QueueSpec(GENERAL, "ทั่วไป", "General",
              None, Language.THAI, 1, 30),
    QueueSpec("english", "ภาษาอังกฤษ", "English",
              None, Language.ENGLISH, 3, 30),
    QueueSpec("burmese", "ภาษาเมียนมา", "Burmese",
              None, Language.BURMESE, 3, 30),
    QueueSpec("khmer", "ภาษาเขมร", "Khmer",
              None, Language.KHMER, 3, 30),
    QueueSpec("lao", "ภาษาลาว", "Lao",
              None, Language.LAO, 3, 30),
)

BY_NAME: dict[str, QueueSpec] = {q.name: q for q in QUEUES}
