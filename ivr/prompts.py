"""Every prompt the IVR plays: an id, its text in each language, and its sound file.

The texts are the script for the studio recordings; `asterisk_conf/sounds/generate.py` turns
them into placeholder files with espeak-ng. Thai and English are the hotline's wording; the
Burmese, Khmer and Lao texts are draft translations that a native speaker must check before
recording. Files live at ``<sounds>/1300/<language>/<prompt id>.<ext>`` on the Asterisk host,
so STREAM FILE names them ``1300/<language>/<prompt id>``. When a language has no file for a
prompt the Thai file is played instead: a caller hears Thai rather than silence. The IVR's
own copy of the folder (``CALLCENTER_IVR_SOUNDS_DIR``) only tells it which files to try; what
is played is what the Asterisk host has.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from callcenter.taxonomy import Language

SOUND_FOLDER = "1300"
FALLBACK = Language.THAI
# File name extensions of the audio formats Asterisk plays (its format modules), so a studio
# recording in any of them counts: .wav16 and .sln16 are the 16 kHz ones for G.722 phones.
SOUND_EXTENSIONS = (
    ".gsm", ".wav", ".wav16", ".WAV", ".ulaw", ".ul", ".alaw", ".al", ".sln", ".sln16",
    ".sln48", ".g722", ".g729", ".ilbc", ".siren7", ".siren14", ".ogg", ".opus",
)


class PromptId(StrEnum):
    WELCOME = "welcome"
    LANGUAGE_OFFER = "language_offer"
    DANGER_HINT = "danger_hint"
    PROBLEM_MENU = "problem_menu"
    INVALID = "invalid"
    NO_INPUT = "no_input"
    CONNECTING = "connecting"
    CONNECTING_URGENT = "connecting_urgent"
    CALLBACK_OFFER = "callback_offer"
    CALLBACK_CONFIRMED = "callback_confirmed"
    CALLBACK_FAILED = "callback_failed"
    CALLBACK_GREETING = "callback_greeting"
    QUEUE_HOLD = "queue_hold"
    DISPATCH_ALERT = "dispatch_alert"
    DISPATCH_PRESS = "dispatch_press"
    DISPATCH_ACCEPTED = "dispatch_accepted"
    DISPATCH_DECLINED = "dispatch_declined"


P = PromptId
L = Language

TEXTS: dict[PromptId, dict[Language, str]] = {
    P.WELCOME: {
        L.THAI: "ศูนย์ช่วยเหลือสังคม สายด่วน หนึ่ง สาม ศูนย์ ศูนย์ ยินดีให้บริการ",
        L.ENGLISH: "Social Assistance Center, hotline 1300.",
        L.BURMESE: "လူမှုအကူအညီစင်တာ ၁၃၀၀ ဖုန်းလိုင်း။",
        L.KHMER: "មជ្ឈមណ្ឌលជំនួយសង្គម ខ្សែទូរស័ព្ទ ១៣០០។",
        L.LAO: "ສູນຊ່ວຍເຫຼືອສັງຄົມ ສາຍດ່ວນ 1300.",
    },
    # Each language offers itself in its own words, so one file per language is played
    # in the language menu.
    P.LANGUAGE_OFFER: {
        L.THAI: "ภาษาไทย กด หนึ่ง",
        L.ENGLISH: "For English, press 2.",
        L.BURMESE: "မြန်မာဘာသာအတွက် ၃ ကိုနှိပ်ပါ။",
        L.KHMER: "សម្រាប់ភាសាខ្មែរ សូមចុចលេខ ៤។",
        L.LAO: "ພາສາລາວ ກົດ 5.",
    },
    P.DANGER_HINT: {
        L.THAI: "หากตกอยู่ในอันตรายตอนนี้ กด เก้า หากพูดไม่ได้ กด แปด หรือถือสายรอไว้",
        L.ENGLISH: "If you are in danger now, press 9. If you cannot speak, press 8 "
        "or stay on the line.",
        L.BURMESE: "ယခု အန္တရာယ်ရှိပါက ၉ ကိုနှိပ်ပါ။ စကားမပြောနိုင်ပါက ၈ ကိုနှိပ်ပါ "
        "သို့မဟုတ် ဖုန်းကိုင်ထားပါ။",
        L.KHMER: "ប្រសិនបើអ្នកកំពុងមានគ្រោះថ្នាក់ សូមចុចលេខ ៩។ ប្រសិនបើអ្នកមិនអាចនិយាយបាន "
        "សូមចុចលេខ ៨ ឬរង់ចាំនៅលើខ្សែ។",
        L.LAO: "ຖ້າທ່ານຕົກຢູ່ໃນອັນຕະລາຍ ກົດ 9. ຖ້າທ່ານເວົ້າບໍ່ໄດ້ ກົດ 8 ຫຼື ຖືສາຍລໍຖ້າ.",
    },
    P.PROBLEM_MENU: {
        L.THAI: "ความรุนแรงในครอบครัว ต่อเด็ก สตรี ผู้สูงอายุ หรือคนพิการ กด หนึ่ง. "
        "การค้ามนุษย์ หรือการบังคับใช้แรงงาน กด สอง. แรงงานเด็ก กด สาม. "
        "ตั้งครรภ์ไม่พร้อม กด สี่. คนหาย กด ห้า. คนไร้ที่พึ่ง คนเร่ร่อน ขอทาน กด หก. "
        "สวัสดิการ และเรื่องอื่น ๆ กด เจ็ด. ติดต่อเจ้าหน้าที่ กด ศูนย์. "
        "หากตกอยู่ในอันตราย กด เก้า.",
        L.ENGLISH: "Violence in the family, or against a child, woman, older or disabled "
        "person, press 1. Human trafficking or forced labour, press 2. Child labour, press 3. "
        "Unplanned pregnancy, press 4. Missing persons, press 5. Homeless, destitute or "
        "begging, press 6. Welfare and other questions, press 7. To speak to an officer, "
        "press 0. If you are in danger now, press 9.",
        L.BURMESE: "အိမ်တွင်းအကြမ်းဖက်မှု ၁။ လူကုန်ကူးမှု သို့မဟုတ် အတင်းအကျပ်အလုပ်ခိုင်းမှု ၂။ "
        "ကလေးလုပ်သား ၃။ မရည်ရွယ်ဘဲ ကိုယ်ဝန်ရှိခြင်း ၄။ လူပျောက် ၅။ "
        "အိုးမဲ့အိမ်မဲ့ ၆။ လူမှုဖူလုံရေးနှင့် အခြားမေးခွန်းများ ၇။ ဝန်ထမ်းနှင့်စကားပြောရန် ၀။ "
        "အန္တရာယ်ရှိပါက ၉။",
        L.KHMER: "អំពើហិង្សាក្នុងគ្រួសារ ចុច ១។ ការជួញដូរមនុស្ស ឬពលកម្មដោយបង្ខំ ចុច ២។ "
        "ពលកម្មកុមារ ចុច ៣។ ការមានផ្ទៃពោះមិនបានគ្រោងទុក ចុច ៤។ មនុស្សបាត់ខ្លួន ចុច ៥។ "
        "អ្នកគ្មានទីជម្រក ឬសុំទាន ចុច ៦។ សុខុមាលភាព និងសំណួរផ្សេងៗ ចុច ៧។ "
        "និយាយជាមួយមន្ត្រី ចុច ០។ ប្រសិនបើមានគ្រោះថ្នាក់ ចុច ៩។",
        L.LAO: "ຄວາມຮຸນແຮງໃນຄອບຄົວ ກົດ 1. ການຄ້າມະນຸດ ຫຼື ບັງຄັບອອກແຮງງານ ກົດ 2. "
        "ແຮງງານເດັກ ກົດ 3. ຖືພາບໍ່ພ້ອມ ກົດ 4. ຄົນເສຍ ກົດ 5. ຄົນບໍ່ມີທີ່ເພິ່ງ ຫຼື ຂໍທານ ກົດ 6. "
        "ສະຫວັດດີການ ແລະ ເລື່ອງອື່ນໆ ກົດ 7. ລົມກັບເຈົ້າໜ້າທີ່ ກົດ 0. ຖ້າມີອັນຕະລາຍ ກົດ 9.",
    },
    P.INVALID: {
        L.THAI: "ขออภัย ไม่มีหมายเลขที่ท่านเลือก",
        L.ENGLISH: "Sorry, that is not one of the choices.",
        L.BURMESE: "ဝမ်းနည်းပါသည်၊ ထိုနံပါတ် မရှိပါ။",
        L.KHMER: "សូមអភ័យទោស ជម្រើសនោះមិនមានទេ។",
        L.LAO: "ຂໍອະໄພ ບໍ່ມີຕົວເລືອກນັ້ນ.",
    },
    P.NO_INPUT: {
        L.THAI: "กรุณาเลือกอีกครั้ง",
        L.ENGLISH: "Please choose again.",
        L.BURMESE: "ကျေးဇူးပြု၍ ထပ်မံရွေးချယ်ပါ။",
        L.KHMER: "សូមជ្រើសរើសម្តងទៀត។",
        L.LAO: "ກະລຸນາເລືອກອີກຄັ້ງ.",
    },
    P.CONNECTING: {
        L.THAI: "กรุณาถือสายรอ เพื่อติดต่อเจ้าหน้าที่",
        L.ENGLISH: "Please hold, we are connecting you to an officer.",
        L.BURMESE: "ကျေးဇူးပြု၍ စောင့်ပါ၊ ဝန်ထမ်းနှင့် ဆက်သွယ်ပေးနေပါသည်။",
        L.KHMER: "សូមរង់ចាំ យើងកំពុងភ្ជាប់អ្នកទៅកាន់មន្ត្រី។",
        L.LAO: "ກະລຸນາຖືສາຍລໍຖ້າ ເພື່ອຕິດຕໍ່ເຈົ້າໜ້າທີ່.",
    },
    P.CONNECTING_URGENT: {
        L.THAI: "เจ้าหน้าที่จะรับสายโดยเร็วที่สุด กรุณาอย่าวางสาย",
        L.ENGLISH: "An officer will answer as soon as possible. Please stay on the line.",
        L.BURMESE: "ဝန်ထမ်းတစ်ဦး အမြန်ဆုံး ဖြေကြားပါမည်။ ဖုန်းမချပါနှင့်။",
        L.KHMER: "មន្ត្រីនឹងឆ្លើយឆាប់ៗ។ សូមកុំដាក់ទូរស័ព្ទ។",
        L.LAO: "ເຈົ້າໜ້າທີ່ຈະຮັບສາຍໄວທີ່ສຸດ ກະລຸນາຢ່າວາງສາຍ.",
    },
    P.CALLBACK_OFFER: {
        L.THAI: "ขณะนี้มีผู้โทรเข้าจำนวนมาก หากต้องการให้เจ้าหน้าที่โทรกลับ กด หนึ่ง "
        "หากต้องการถือสายรอ กด สอง",
        L.ENGLISH: "All officers are busy. To keep your place and be called back, press 1. "
        "To keep waiting, press 2.",
        L.BURMESE: "ဝန်ထမ်းများ အလုပ်များနေပါသည်။ ပြန်ခေါ်စေလိုပါက ၁ ကိုနှိပ်ပါ။ "
        "ဆက်စောင့်လိုပါက ၂ ကိုနှိပ်ပါ။",
        L.KHMER: "មន្ត្រីទាំងអស់កំពុងរវល់។ ដើម្បីឱ្យយើងហៅត្រឡប់មកវិញ ចុច ១។ "
        "ដើម្បីបន្តរង់ចាំ ចុច ២។",
        L.LAO: "ເຈົ້າໜ້າທີ່ທຸກຄົນກຳລັງບໍ່ຫວ່າງ. ຖ້າຕ້ອງການໃຫ້ໂທກັບ ກົດ 1. ຖ້າຈະລໍຖ້າ ກົດ 2.",
    },
    P.CALLBACK_CONFIRMED: {
        L.THAI: "เราจะโทรกลับหาท่านโดยเร็วที่สุด ขอบคุณค่ะ",
        L.ENGLISH: "We will call you back as soon as an officer is free. Thank you.",
        L.BURMESE: "ဝန်ထမ်းအားလပ်သည်နှင့် ပြန်ခေါ်ပါမည်။ ကျေးဇူးတင်ပါသည်။",
        L.KHMER: "យើងនឹងហៅត្រឡប់ទៅអ្នកវិញ ពេលមន្ត្រីទំនេរ។ អរគុណ។",
        L.LAO: "ພວກເຮົາຈະໂທກັບຫາທ່ານໄວທີ່ສຸດ. ຂອບໃຈ.",
    },
    P.CALLBACK_FAILED: {
        L.THAI: "ขออภัย ไม่สามารถบันทึกการโทรกลับได้ กรุณาถือสายรอ",
        L.ENGLISH: "Sorry, we could not book the call back. Please hold.",
        L.BURMESE: "ဝမ်းနည်းပါသည်၊ ပြန်ခေါ်ရန် မှတ်တမ်းမတင်နိုင်ပါ။ ကျေးဇူးပြု၍ စောင့်ပါ။",
        L.KHMER: "សូមអភ័យទោស យើងមិនអាចកក់ការហៅត្រឡប់បានទេ។ សូមរង់ចាំ។",
        L.LAO: "ຂໍອະໄພ ບໍ່ສາມາດບັນທຶກການໂທກັບໄດ້. ກະລຸນາຖືສາຍລໍຖ້າ.",
    },
    # The first thing a called-back person hears; only the key press connects them (an
    # answering machine never presses 1).
    P.CALLBACK_GREETING: {
        L.THAI: "สายด่วน หนึ่ง สาม ศูนย์ ศูนย์ โทรกลับตามที่ท่านขอไว้ กด หนึ่ง เพื่อคุยกับเจ้าหน้าที่",
        L.ENGLISH: "This is the 1300 hotline returning your call. Press 1 to be connected to "
        "an officer.",
        L.BURMESE: "၁၃၀၀ ဖုန်းလိုင်းမှ ပြန်ခေါ်ခြင်းဖြစ်ပါသည်။ ဝန်ထမ်းနှင့် ဆက်သွယ်ရန် ၁ ကိုနှိပ်ပါ။",
        L.KHMER: "នេះជាខ្សែទូរស័ព្ទ ១៣០០ ហៅត្រឡប់មកអ្នកវិញ។ ចុចលេខ ១ ដើម្បីភ្ជាប់ទៅមន្ត្រី។",
        L.LAO: "ນີ້ແມ່ນສາຍດ່ວນ 1300 ໂທກັບຫາທ່ານ. ກົດ 1 ເພື່ອລົມກັບເຈົ້າໜ້າທີ່.",
    },
    # Played by app_queue itself (queues.conf periodic-announce), not by the IVR: Asterisk
    # has no Thai, Burmese, Khmer or Lao queue sounds, so its own announcements are off.
    P.QUEUE_HOLD: {
        L.THAI: "ขอบคุณที่รอสาย เจ้าหน้าที่กำลังให้บริการผู้โทรท่านอื่น กรุณาถือสายรอ "
        "เจ้าหน้าที่จะรับสายโดยเร็วที่สุด",
        L.ENGLISH: "Thank you for waiting. All officers are busy. Please stay on the line; "
        "an officer will answer as soon as possible.",
        L.BURMESE: "စောင့်ဆိုင်းပေးသည့်အတွက် ကျေးဇူးတင်ပါသည်။ ဝန်ထမ်းများ အလုပ်များနေပါသည်။ "
        "ဖုန်းကိုင်ထားပါ။",
        L.KHMER: "សូមអរគុណសម្រាប់ការរង់ចាំ។ មន្ត្រីទាំងអស់កំពុងរវល់។ សូមរង់ចាំនៅលើខ្សែ។",
        L.LAO: "ຂອບໃຈທີ່ລໍຖ້າ. ເຈົ້າໜ້າທີ່ທຸກຄົນກຳລັງບໍ່ຫວ່າງ. ກະລຸນາຖືສາຍລໍຖ້າ.",
    },
    P.DISPATCH_ALERT: {
        L.THAI: "แจ้งเหตุจากศูนย์ช่วยเหลือสังคม หนึ่ง สาม ศูนย์ ศูนย์ มีเคสเร่งด่วนส่งถึงหน่วยของท่าน",
        L.ENGLISH: "Alert from the 1300 Social Assistance Center: an urgent case has been "
        "sent to your unit.",
    },
    P.DISPATCH_PRESS: {
        L.THAI: "รับเคส กด หนึ่ง ปฏิเสธ กด สอง",
        L.ENGLISH: "To accept the case, press 1. To decline, press 2.",
    },
    P.DISPATCH_ACCEPTED: {
        L.THAI: "บันทึกการรับเคสแล้ว รายละเอียดอยู่ในระบบ ขอบคุณค่ะ",
        L.ENGLISH: "Accepted. The case details are on the dispatch board. Thank you.",
    },
    P.DISPATCH_DECLINED: {
        L.THAI: "บันทึกการปฏิเสธแล้ว ศูนย์จะส่งเคสต่อให้หน่วยอื่น",
        L.ENGLISH: "Declined. The center will send the case to another unit.",
    },
}


def file_name(prompt: PromptId, language: Language) -> str:
    """What STREAM FILE is given: no extension, Asterisk picks the best format."""
    return f"{SOUND_FOLDER}/{language.value}/{prompt.value}"


@dataclass(frozen=True)
class PromptCatalog:
    """Which prompt files exist; ``None`` means unknown, so every file is tried."""

    available: frozenset[tuple[Language, PromptId]] | None = None

    def files(self, prompt: PromptId, language: Language) -> list[str]:
        """Files to try for this prompt, best first; never empty (Thai is the last resort)."""
        wanted = [language] if language == FALLBACK else [language, FALLBACK]
        found = [
            file_name(prompt, lang)
            for lang in wanted
            if self.available is None or (lang, prompt) in self.available
        ]
        return found or [file_name(prompt, FALLBACK)]

    @classmethod
    def from_directory(cls, root: Path) -> PromptCatalog:
        """Scan ``root/<language>/<prompt>.<ext>`` (the layout of asterisk_conf/sounds)."""
        available = set()
        for language in Language:
            folder = root / language.value
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.suffix in SOUND_EXTENSIONS and path.stem in PromptId._value2member_map_:
                    available.add((language, PromptId(path.stem)))
        return cls(frozenset(available))
