"""Say which system libraries Qt's Linux (xcb) platform needs before Qt fails on its own.

Qt's message for a missing libxcb-cursor0 is a crash with "could not load the Qt
platform plugin"; a fresh desktop often lacks a few of these libraries. The list
below is what PySide6 6.12's libqxcb.so and libQt6XcbQpa.so.6 link against (ldd),
less what every desktop has (libX11, libxcb itself, libc). libxcb-xinerama0 is no
longer linked by Qt 6.12 and so is not asked for.
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping

XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def installed_sonames() -> set[str] | None:
    """Sonames the dynamic linker knows (`ldconfig -p`), or None when ldconfig is unavailable."""
    for ldconfig in ("ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            output = subprocess.run(
                [ldconfig, "-p"], capture_output=True, text=True, check=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        return {line.split()[0] for line in output.splitlines()[1:] if line.strip()}
    return None


def _found_by_ctypes(soname: str) -> bool:
    """Fallback lookup: ctypes knows the library by its short name (xcb-cursor)."""
    short = soname.removeprefix("lib").split(".so")[0]
    found = ctypes.util.find_library(short)
    return found is not None and found.startswith(soname.split(".so")[0] + ".so")


def missing_packages(
    libraries: Mapping[str, str] = XCB_LIBRARIES,
    sonames: Callable[[], set[str] | None] = installed_sonames,
    find: Callable[[str], bool] = _found_by_ctypes,
) -> list[str]:
    """Debian/Ubuntu package names of the libraries the xcb platform cannot find."""
    known = sonames()
    missing = []
    for soname, package in libraries.items():
        present = soname in known if known is not None else find(soname)
        if not present:
            missing.append(package)
    return missing


def install_hint(packages: Iterable[str]) -> str:
    return "sudo apt-get install " + " ".join(packages)


def check_platform(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    missing: Callable[[], list[str]] = missing_packages,
) -> str | None:
    """A message saying what to fix before Qt can open a window, or None when all is well."""
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return None
    qpa = environ.get("QT_QPA_PLATFORM", "")
    if qpa not in ("", "xcb"):
        return None
    if qpa == "" and environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY"):
        return None  # Qt picks its Wayland platform, which needs none of the xcb libraries
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return (
            "annotator: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); run it in a "
            "desktop session, or set QT_QPA_PLATFORM=offscreen for a headless run"
        )
    packages = missing()
    if not packages:
        return None
    return (
        "annotator: the Qt window needs system libraries that are missing "
        f"({', '.join(packages)}). Install them with:\n  {install_hint(packages)}"
    )
