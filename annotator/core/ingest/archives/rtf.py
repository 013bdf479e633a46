"""Rich Text Format: LexisNexis exports saved as RTF, or a single article.

striprtf turns RTF into plain text (paragraph marks into line breaks, \\'xx and \\u
escapes into characters): a small, maintained library with no dependencies, where the
alternatives either need a system program (unrtf, LibreOffice) or build a document
model we would throw away. The text is then read like a .txt file, so a LexisNexis
export in RTF is recognised by its "N of M DOCUMENTS" lines as it is in text.
"""

from __future__ import annotations

from annotator.core.errors import InputError

_RTF_MAGIC = b"{\\rtf"


def is_rtf(data: bytes) -> bool:
    """Whether bytes are RTF: they start with {\\rtf (whatever the file is named)."""
    return data.lstrip().startswith(_RTF_MAGIC)


def rtf_text(data: bytes, source: str) -> str:
    """The text of an RTF file; InputError if it is not RTF or holds no text."""
    from striprtf.striprtf import rtf_to_text  # imported here: only needed for .rtf

    if not is_rtf(data):
        raise InputError(source, "not a Rich Text (.rtf) file: it does not start with {\\rtf")
    # RTF is 7-bit text; any byte above that is read as the cp1252 most RTF writers mean.
    try:
        text = rtf_to_text(data.decode("cp1252", errors="replace"), errors="replace")
    except (ValueError, IndexError, RecursionError):
        raise InputError(source, "a damaged Rich Text (.rtf) file") from None
    if not text.strip():
        raise InputError(source, "no text in this Rich Text (.rtf) file")
    return text.replace("\r\n", "\n").replace("\r", "\n")
