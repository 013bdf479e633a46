"""Bytes to text: encodings found, binary and empty input refused with one clear line."""

from __future__ import annotations

import codecs

import pytest

from annotator.core.errors import InputError
from annotator.core.ingest.decode import decode_bytes

SAMPLE = "Café — naïve “quoted” text, it’s fine.\nSecond line."


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("utf-16"),  # Python writes its own BOM
        SAMPLE.encode("utf-32"),
        SAMPLE.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16", "utf32", "cp1252"],
)
def test_encodings_decode_to_the_same_text(data: bytes) -> None:
    assert decode_bytes(data, "a.txt") == SAMPLE


def test_cp1252_punctuation_is_not_read_as_latin1_control_characters() -> None:
    """0x97 and 0x93 are an em dash and a quote in cp1252 but C1 controls in Latin-1."""
    assert decode_bytes(b"Caf\xe9 \x97 na\xefve \x93yes\x94", "a.txt") == "Café — naïve “yes”"


def test_latin1_text_decodes() -> None:
    text = "Señor Müller paid 5 £ for the crème brûlée; ¿qué?"
    assert decode_bytes(text.encode("latin-1"), "a.txt") == text


def test_latin1_is_used_where_cp1252_cannot_decode() -> None:
    """0x81 is undefined in cp1252; in a long Latin-1 text one stray control is tolerated."""
    text = "Le café était plein, et la soirée très animée. " * 20 + "\x81"
    assert decode_bytes(text.encode("latin-1"), "a.txt") == text.replace("\r", "")


def test_utf8_is_tried_first_and_strictly() -> None:
    """UTF-8 bytes for "é" also decode in cp1252, as "Ã©"; UTF-8 must win."""
    assert decode_bytes("déjà vu".encode(), "a.txt") == "déjà vu"


def test_newlines_are_normalised_and_bom_dropped() -> None:
    data = codecs.BOM_UTF8 + b"one\r\ntwo\rthree\n"
    assert decode_bytes(data, "a.txt") == "one\ntwo\nthree\n"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, "  \n".encode("utf-16")])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "notes.txt")
    assert str(caught.value) == "notes.txt: empty file"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4,  # a zip, say a .docx
        b"%PDF-1.7\n" + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50,  # controls, no NUL
        b"plain words\x00and a NUL",
    ],
    ids=["zip", "controls", "nul"],
)
def test_binary_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "photo.txt")
    assert str(caught.value) == "photo.txt: binary file, not text"


def test_undecodable_bytes_are_refused_naming_what_was_tried() -> None:
    """Shift-JIS is not one of the encodings we read; it must not become mojibake."""
    data = "これは日本語のニュース記事です。市場は上昇した。".encode("shift_jis")
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "tokyo.txt")
    assert str(caught.value) == "tokyo.txt: cannot decode text (tried utf-8, cp1252, latin-1)"
    assert "\n" not in str(caught.value)


def test_broken_utf16_after_its_bom_is_refused() -> None:
    with pytest.raises(InputError, match=r"^a\.txt: cannot decode text \(tried utf-16"):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00b", "a.txt")


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
    ids=["utf16le", "utf16be", "utf32le", "utf8"],
)
@pytest.mark.parametrize(
    "text",
    ["Officials said\x00 talks resume.", "%PDF" + "\x01\x02\x03\x04\x05\x06\x07\x08" * 20],
    ids=["nul", "controls"],
)
def test_a_byte_order_mark_does_not_let_binary_text_through(bom, encoding, text) -> None:
    """Issue 14: UTF-16 with a BOM carried a NUL into the project (and broke `push`); the
    decoded text is held to the rule bytes without a BOM are, in every encoding."""
    data = bom + text.encode(encoding)
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "memo.txt")
    assert str(caught.value) == "memo.txt: binary file, not text"
    with pytest.raises(InputError, match=r"^memo\.txt: binary file, not text$"):
        decode_bytes(text.encode("utf-8"), "memo.txt")  # the same text without a BOM


def test_one_stray_control_character_is_tolerated_in_utf16_as_in_utf8() -> None:
    text = "Le café était plein, et la soirée très animée. " * 20 + "\x07"
    assert decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "a.txt") == text
    assert decode_bytes(text.encode("utf-8"), "a.txt") == text
