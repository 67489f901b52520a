"""Atomic file writes: a crash never leaves a half-written file behind.

In: a path and its bytes. Out: the file, written through a temporary file in the same folder
(``.NAME.PID.RANDOM.tmp``) and renamed over it. A process killed between the two leaves its
temporary file; :func:`sweep` removes those of processes that are gone (build, site and digest
run it on the output folder first).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_TEMP = re.compile(r"\..+\.(\d+)\.[a-z0-9_]{8}\.tmp")
_TEMP_DIR = re.compile(r"\..+-(\d+)-[a-z0-9_]{8}")  # folders from temp_dir()


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def temp_dir(parent: Path, name: str) -> Path:
    """A new folder ``parent/.NAME-PID-RANDOM`` that :func:`sweep` removes once this process is gone."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}-{os.getpid()}-"))


def temp_name(parent: Path, name: str) -> Path:
    """A path ``parent/.NAME-PID-RANDOM`` (not made) to move something aside to: :func:`sweep`
    removes it if this process dies before it does."""
    return parent / f".{name}-{os.getpid()}-{os.urandom(4).hex()}"


def sweep(folder: str | Path) -> list[Path]:
    """Remove the temporary files and folders under ``folder`` left by processes that are no
    longer running (killed between writing and renaming); return what was removed."""
    import shutil

    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for path in folder.rglob(".*"):
        match = (_TEMP.fullmatch(path.name) if path.is_file() else
                 _TEMP_DIR.fullmatch(path.name) if path.is_dir() else None)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        except FileNotFoundError:
            continue
        except OSError:  # a read-only output folder: nothing can be removed, nothing is lost
            continue
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
