from dataclasses import dataclass

from callcenter.collation import by_display_name, in_name_order, thai_order


@dataclass
class Place:
    name_th: str
    name_en: str


def test_words_with_a_leading_vowel_sort_by_their_first_consonant():
    # Code-point order puts เชียงใหม่, แพร่ and เลย after every other province.
    names = ["เลย", "แพร่", "กระบี่", "เชียงใหม่", "ลำปาง", "ชัยนาท", "กรุงเทพมหานคร"]
    assert thai_order(names) == [
        "กระบี่", "กรุงเทพมหานคร", "ชัยนาท", "เชียงใหม่", "แพร่", "ลำปาง", "เลย"]


def test_leading_vowels_follow_their_consonant_in_dictionary_order():
    assert thai_order(["ไก่", "เกิด", "กาล", "โกน", "แก"]) == ["กาล", "เกิด", "แก", "โกน", "ไก่"]


def test_english_pages_sort_by_the_english_name_alphabetically():
    places = [Place("เชียงใหม่", "Chiang Mai"), Place("กระบี่", "Krabi"),
              Place("แพร่", "Phrae"), Place("กรุงเทพมหานคร", "Bangkok")]
    assert [p.name_en for p in by_display_name(places, "en")] == [
        "Bangkok", "Chiang Mai", "Krabi", "Phrae"]
    assert [p.name_th for p in by_display_name(places, "th")] == [
        "กระบี่", "กรุงเทพมหานคร", "เชียงใหม่", "แพร่"]


def test_a_record_without_an_english_name_is_sorted_by_its_thai_one():
    agencies = [Place("มูลนิธิ", ""), Place("ตำรวจ", "Police")]
    assert [a.name_th for a in by_display_name(agencies, "en")] == ["ตำรวจ", "มูลนิธิ"]


def test_items_with_the_same_name_keep_their_order():
    rows = [("ลำพูน", 2), ("ลำพูน", 1), ("กาฬสินธุ์", 3)]
    assert in_name_order(rows, lambda row: row[0]) == [("กาฬสินธุ์", 3), ("ลำพูน", 2), ("ลำพูน", 1)]
