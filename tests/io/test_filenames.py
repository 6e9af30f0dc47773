"""File names made from segment names: safe on every file system, distinct, bounded."""

from customer_segmentation.io.filenames import MAX_STEM, safe_stem


def test_a_segment_name_becomes_a_plain_file_name():
    assert safe_stem("High income, high spend (older)") == "high_income_high_spend_older"
    assert safe_stem("Café / Öl: 50% <off>") == "cafe_ol_50_off"
    assert safe_stem("../../etc/passwd") == "etc_passwd"
    assert safe_stem("¿?") == "unnamed"


def test_long_names_are_cut_at_a_word_and_stay_distinct():
    first, second = safe_stem("word " * 60 + "one"), safe_stem("word " * 60 + "two")
    assert len(first) <= MAX_STEM and len(second) <= MAX_STEM and first != second
    assert first.startswith("word_word_")
