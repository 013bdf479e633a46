"""Turn a file's bytes into text, or say in one line why they are not text.

Order of attempts: a byte-order mark (UTF-32, UTF-16, UTF-8) decides outright; then UTF-8,
strictly, because any other encoding that happens to decode UTF-8 bytes gives mojibake;
then cp1252 before Latin-1, because cp1252 is what Windows news exports are and it agrees
with Latin-1 on every printable Latin-1 character. charset-normalizer judges whether a
single-byte reading is plausible text, so that, say, Shift-JIS bytes are refused instead
of being stored as Western mojibake.

Whatever the encoding, the decoded text passes the same test for binary content (a NUL,
or more than one character in ten a control character), so UTF-16 or UTF-32 with a
byte-order mark cannot carry a NUL past it: PostgreSQL cannot store one.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from annotator.core.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SINGLE_BYTE = ("cp1252", "latin_1")  # in order of preference
_TEXT_CONTROLS = b"\t\n\r\f\v\x1a"  # \x1a: DOS end-of-file marker
_BINARY_CONTROLS = bytes(b for b in [*range(0x20), 0x7F] if b not in _TEXT_CONTROLS)
_BINARY_CHARACTERS = dict.fromkeys(_BINARY_CONTROLS)  # str.translate table deleting them
_MAX_CONTROL_SHARE = 0.1


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a text file's bytes; newlines become "\\n" and a byte-order mark is dropped.

    Raises InputError ("empty file", "binary file, not text" or "cannot decode text
    (tried ...)") naming `source`.
    """
    text = _decode(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    if not text.strip():
        raise InputError(source, "empty file")
    return text


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise InputError(source, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode_with_bom(data, encoding, source)
            if _looks_binary_text(text):
                raise InputError(source, "binary file, not text")
            return text
    if _looks_binary(data):
        raise InputError(source, "binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    plausible = {match.encoding for match in from_bytes(data, cp_isolation=list(_SINGLE_BYTE))}
    for encoding in _SINGLE_BYTE:
        if encoding in plausible:
            return data.decode(encoding)
    raise InputError(source, "cannot decode text (tried utf-8, cp1252, latin-1)")


def _decode_with_bom(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        name = encoding.removesuffix("-sig")
        raise InputError(
            source, f"cannot decode text (tried {name} from its byte-order mark: {error.reason})"
        ) from None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16/32, handled by their BOM) or many control bytes mean binary."""
    if b"\x00" in data:
        return True
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _looks_binary_text(text: str) -> bool:
    """`_looks_binary` for text decoded from UTF-16 or UTF-32: the same NUL and the same
    control characters in the same share, so every encoding is held to one rule."""
    if "\x00" in text:
        return True
    sample = text[:65536]
    controls = len(sample) - len(sample.translate(_BINARY_CHARACTERS))
    return controls > _MAX_CONTROL_SHARE * len(sample)
