"""Server URLs: a bad one is one line that never shows its password (issue 14)."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.core.errors import ProjectError
from annotator.core.store.location import display_location, server_url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://u:sekrit@db.example.org/", "names no database"),
        ("postgresql://u:sekrit@db.example.org:abc/study", "port must be a number"),
    ],
)
def test_a_bad_url_is_refused_without_its_password(url, reason, capsys):
    with pytest.raises(ProjectError, match=reason) as refused:
        server_url(url)
    assert "sekrit" not in str(refused.value) and "u:***@" in str(refused.value)
    assert main(["units", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err and "sekrit" not in err


def test_display_never_shows_a_password_even_of_an_unparsable_url():
    assert "sekrit" not in display_location("postgresql://u:sekrit@h:abc/x")
    assert display_location("postgresql://u:sekrit@h/x") == "postgresql://u:***@h/x"
