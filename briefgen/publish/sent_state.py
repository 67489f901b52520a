"""The record of who already received which period's digest, so that nothing is sent twice.

In: the path of the state file (:func:`default_state_path` inside the output folder). Out:
:class:`SentState`, which says whether a recipient was served for a period and records each
accepted message; :func:`recipient_key`, the key a recipient is recorded under.

* The state file (JSON, written atomically after each accepted message) records per period and
  recipient the Message-ID and the time, and ``"confirmed": false`` when the server never
  answered the message (it may have arrived: it is not sent again either). Sending again sends nothing to those already served;
  ``force=True`` (in :func:`~briefgen.publish.mailer.send_digest`) sends to all again.
* A state file that cannot be read, is not JSON or has no valid ``periods`` mapping is a
  :class:`BriefgenError` naming it, never silently reset.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..errors import BriefgenError

STATE_VERSION = 1


def default_state_path(output: Path) -> Path:
    """Where the sent-state of the digests lives inside the output folder."""
    return Path(output) / "digests" / "sent.json"


class SentState:
    """The JSON record of what was sent, per period and recipient.

    ``{"version": 1, "periods": {"2012-W27": {"alice@example.org":
    {"message_id": "<…>", "sent_at": "2012-07-09T07:00:03+00:00", "subject": "…"}}}}``

    Recipients are keyed by their bare address with the domain in lower case.
    Every :meth:`record` rewrites the file atomically.
    """

    def __init__(self, path: Path, periods: dict[str, dict[str, dict[str, Any]]] | None = None):
        self.path = Path(path)
        self.periods: dict[str, dict[str, dict[str, Any]]] = periods or {}

    @classmethod
    def load(cls, path: str | Path) -> SentState:
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise BriefgenError(f"cannot read the digest sent-state: {exc}", path) from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BriefgenError(f"the digest sent-state is not valid JSON ({exc.msg}); fix it or, "
                                "if nothing should count as sent, delete it", path, exc.lineno) from None
        periods = data.get("periods") if isinstance(data, dict) else None
        if not isinstance(periods, dict) or not all(
            isinstance(v, dict) and all(isinstance(e, dict) for e in v.values()) for v in periods.values()
        ):
            raise BriefgenError('the digest sent-state has no valid "periods" mapping; fix it or, '
                                "if nothing should count as sent, delete it", path)
        return cls(path, periods)

    def entry(self, period: str, recipient: str) -> dict[str, Any] | None:
        return self.periods.get(period, {}).get(recipient_key(recipient))

    def is_sent(self, period: str, recipient: str) -> bool:
        return self.entry(period, recipient) is not None

    def record(self, period: str, recipient: str, message_id: str | None, subject: str | None = None,
               when: datetime | None = None, *, confirmed: bool = True) -> None:
        """``confirmed=False``: the whole message went out, the server never answered."""
        when = when or datetime.now(UTC)
        entry: dict[str, Any] = {"message_id": message_id, "sent_at": when.isoformat(timespec="seconds")}
        if not confirmed:
            entry["confirmed"] = False
        if subject is not None:
            entry["subject"] = subject
        self.periods.setdefault(period, {})[recipient_key(recipient)] = entry
        self.save()

    def save(self) -> None:
        data = {"version": STATE_VERSION, "periods": self.periods}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


@contextmanager
def sending_lock(state_path: str | Path) -> Iterator[None]:
    """Held while a run sends: a second run at the same time (an overlapping cron job) stops
    with an error instead of reading the same state and sending everything again. The lock
    file is removed when the run ends."""
    lock = Path(state_path).with_name(Path(state_path).name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BriefgenError("another digest run is sending right now (it holds this lock); nothing was "
                                "sent — wait for it to finish, then run again", lock) from None
        if _same_file(fd, lock):
            break
        os.close(fd)  # the run before removed it between our open and our lock: take the new one
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def recipient_key(address: str) -> str:
    """``Alice <Alice@Example.ORG>`` -> ``Alice@example.org`` (local parts are case-sensitive)."""
    addr = parseaddr(address)[1] or address.strip()
    local, at, domain = addr.rpartition("@")
    return f"{local}@{domain.lower()}" if at else addr
