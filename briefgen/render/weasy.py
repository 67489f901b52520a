"""Importing WeasyPrint without the subprocesses of its library search.

WeasyPrint 70 opens Pango, HarfBuzz, fontconfig and GObject by trying, for each, a list of
names meant for every platform (``libgobject-2.0-0``, ``gobject-2.0-0``, …, then the Linux
soname ``libgobject-2.0.so.0``). cffi passes each name that is not a file to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and ``gcc`` (22 and 16 of
them per process were seen): a fraction of a second at every import, and a fork of a worker
of 600 MB each time, which doubled a build's peak RSS for that moment. Every name WeasyPrint
can really be opened by is in its own list, so during its import on Linux
:func:`load` answers "not found" at once and lets the dynamic loader open the soname.
"""

from __future__ import annotations

import sys
from types import ModuleType


def load() -> ModuleType:
    """The ``weasyprint`` module, imported (once) without ``find_library``'s subprocesses."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = original
    return weasyprint
