from agent_console.event_notes import dispatch_note, unit_outcome
from agent_console.i18n import translator

TH, EN = translator("th"), translator("en")


def test_the_systems_notes_are_named_in_the_pages_language():
    assert dispatch_note("acknowledged via voice", EN) == \
        "Acknowledged · Phone call"
    assert dispatch_note("acknowledged via voice", TH).startswith("หน่วยตอบรับทาง")
    assert dispatch_note("alert delivered by line", EN) == "Alert delivered · LINE"


def test_a_supervisors_acknowledgement_keeps_their_words():
    note = "acknowledged via a hotline supervisor for the unit: โทรยืนยันแล้ว"
    assert dispatch_note(note, TH) == "หัวหน้าเวร 1300 ตอบรับแทนหน่วย: โทรยืนยันแล้ว"


def test_an_outcome_code_is_named_and_typed_words_are_kept():
    assert dispatch_note("helped_on_site", TH) == "ช่วยเหลือ ณ ที่เกิดเหตุ"
    assert unit_outcome("helped_on_site", EN) == "Helped on site"
    assert unit_outcome("ส่งต่อโรงพยาบาล", EN) == "ส่งต่อโรงพยาบาล"
    assert dispatch_note("ติดต่อญาติแล้ว", EN) == "ติดต่อญาติแล้ว"
    assert dispatch_note(None, EN) == ""
