"""The Linux platform check, with the library lookups replaced by fixed answers."""

from __future__ import annotations

from annotator.ui import platform_check
from annotator.ui.platform_check import XCB_LIBRARIES, check_platform, missing_packages

DESKTOP = {"DISPLAY": ":0"}


def test_missing_libraries_are_named_with_one_install_line():
    present = set(XCB_LIBRARIES) - {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    message = check_platform(DESKTOP, "linux", lambda: missing_packages(sonames=lambda: present))
    assert message is not None
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in message
    assert message.count("sudo apt-get install") == 1


def test_nothing_to_say_when_every_library_is_there():
    assert (
        check_platform(
            DESKTOP, "linux", lambda: missing_packages(sonames=lambda: set(XCB_LIBRARIES))
        )
        is None
    )


def test_without_ldconfig_ctypes_is_asked(monkeypatch):
    found = {"xcb-cursor": "libxcb-cursor.so.0"}
    monkeypatch.setattr(platform_check.ctypes.util, "find_library", found.get)
    missing = missing_packages(sonames=lambda: None)
    assert "libxcb-cursor0" not in missing
    assert "libxcb-icccm4" in missing


def test_no_display_is_said_in_one_line():
    message = check_platform({}, "linux", lambda: [])
    assert message is not None and "\n" not in message
    assert "DISPLAY" in message


def test_other_platforms_and_offscreen_are_not_checked():
    def fail():
        raise AssertionError("should not look")

    assert check_platform({}, "darwin", fail) is None
    assert check_platform({"QT_QPA_PLATFORM": "offscreen"}, "linux", fail) is None
    assert check_platform({"WAYLAND_DISPLAY": "wayland-0"}, "linux", fail) is None


def test_run_functions_stop_with_exit_2_before_qt(monkeypatch, capsys):
    from annotator.ui import app

    monkeypatch.setattr(app, "check_platform", lambda: "annotator: no display")
    assert app.run_start_screen() == 2
    assert app.run_demo() == 2
    assert app.run_project("whatever.annotator") == 2
    assert "no display" in capsys.readouterr().err
