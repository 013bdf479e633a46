"""Old Word binary files (.doc): refused in one line that says what to do, in a folder
too, while a .doc that is really RTF is read as the RTF it is."""

from __future__ import annotations

import shutil

import pytest

from annotator.core.coding.lookups import list_articles
from annotator.core.errors import InputError
from annotator.core.ingest.into_project import import_paths
from annotator.core.ingest.readers import read_bytes, read_file
from tests.core.test_archives import ARCHIVES

# the start of an OLE2 compound file, as every Word 97-2003 .doc begins
OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
SAVE_AS = "an old Word (.doc) file, which is not read: save it as .docx or .rtf from Word"


def test_a_word_binary_is_one_line_saying_to_save_it_as_docx_or_rtf(tmp_path):
    path = tmp_path / "export.doc"
    path.write_bytes(OLE_HEADER)
    with pytest.raises(InputError) as error:
        read_file(path)
    assert str(error.value) == f"{path}: {SAVE_AS}"
    with pytest.raises(InputError) as error:
        read_bytes(OLE_HEADER, "<stdin>", "doc")
    assert str(error.value) == f"<stdin>: {SAVE_AS}"


def test_a_doc_in_a_folder_is_its_own_line_and_the_rest_go_in(empty_project, tmp_path):
    (tmp_path / "old.doc").write_bytes(OLE_HEADER)
    shutil.copy(ARCHIVES / "factiva-de.rtf", tmp_path / "factiva.rtf")
    report = import_paths(empty_project, [tmp_path])
    assert report.failures == [f"{tmp_path / 'old.doc'}: {SAVE_AS}"]
    assert len(list_articles(empty_project)) == 2


def test_a_doc_that_is_rtf_is_read_as_rtf(tmp_path):
    path = tmp_path / "download.doc"
    shutil.copy(ARCHIVES / "lexisnexis-academic.rtf", path)
    as_doc = read_file(path)
    as_rtf = read_file(ARCHIVES / "lexisnexis-academic.rtf")
    assert as_doc.problems == []
    assert [a.text for a in as_doc.articles] == [a.text for a in as_rtf.articles]
    assert len(as_doc.articles) == 4
