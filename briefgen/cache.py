"""Where briefgen keeps what it can rebuild: the per-user cache folder.

``$BRIEFGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/briefgen``, else ``~/.cache/briefgen``.
It holds the geocoder's city tables and the compiled templates; deleting it only makes
the next start slower.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    folder = os.environ.get("BRIEFGEN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "briefgen")
    return Path(folder)
