"""The retries: what is retried, how long to wait, and each recipient's delivery result.

In: an open :class:`~.smtp_session._Session`, the :class:`~.smtp_session._Prepared` message,
the recipients still to serve, the :class:`~.sent_state.SentState` and the settings. Out: one
:class:`Delivery` per recipient, handed to a callback as it happens (``sent`` ones recorded in
the state first); :class:`SendReport` collects them.

* Transient failures (4xx replies, connection errors, timeouts) are retried ``retries`` times,
  waiting ``backoff`` seconds, doubled each time; permanent ones (5xx) are reported for that
  recipient (``refused``) and the others go on.
* If the server answers nothing after the whole message was transmitted (within
  ``data_timeout``, or the connection dropped), it may have accepted it: that recipient is
  ``unconfirmed``, recorded so in the state and never sent to again for the period without
  ``force`` (a rerun reports it again), rather than risk a duplicate.
* A server that cannot be reached, or refuses the login or TLS, before anything was sent is a
  :class:`BriefgenError`; after something was sent, the rest are reported ``failed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..config import SmtpSettings
from ..errors import BriefgenError
from .sent_state import SentState
from .smtp_session import (
    _Fatal,
    _Permanent,
    _Prepared,
    _Redactor,
    _Session,
    _transaction,
    _Transient,
    _Uncertain,
)

Status = Literal["sent", "skipped", "refused", "failed", "unconfirmed"]


# --------------------------------------------------------------------------- report


@dataclass
class Delivery:
    """What happened to one recipient."""

    recipient: str
    status: Status
    detail: str
    message_id: str | None = None


@dataclass
class SendReport:
    """What one :func:`send_digest` call did, recipient by recipient."""

    period: str
    deliveries: list[Delivery] = field(default_factory=list)

    def _with(self, status: Status) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == status]

    @property
    def sent(self) -> list[Delivery]:
        return self._with("sent")

    @property
    def skipped(self) -> list[Delivery]:
        """Already sent for this period by an earlier run (nothing was done)."""
        return self._with("skipped")

    @property
    def refused(self) -> list[Delivery]:
        """Permanently rejected by the server (5xx)."""
        return self._with("refused")

    @property
    def failed(self) -> list[Delivery]:
        """Transient failures that outlasted the retries, or not attempted (server lost)."""
        return self._with("failed")

    @property
    def unconfirmed(self) -> list[Delivery]:
        """The whole message went out but the server never answered: it may have arrived."""
        return self._with("unconfirmed")

    @property
    def ok(self) -> bool:
        """Every recipient has the digest now (sent in this run or before)."""
        return not self.refused and not self.failed and not self.unconfirmed

    def summary(self) -> str:
        """One line for the user, e.g. ``2012-W27: sent to 2, refused for 1``."""
        if self.deliveries and len(self.skipped) == len(self.deliveries):
            n = len(self.deliveries)
            return (f"{self.period}: nothing sent: the digest was already sent to "
                    f"{'its recipient' if n == 1 else f'all {n} recipients'}")
        parts = [f"sent to {len(self.sent)}"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} already served before (skipped)")
        if self.refused:
            parts.append(f"refused for {len(self.refused)}")
        if self.failed:
            parts.append(f"failed for {len(self.failed)} (a rerun sends to them only)")
        if self.unconfirmed:
            parts.append(f"unconfirmed for {len(self.unconfirmed)} (not sent again: check their mailboxes, "
                         "then --force if it never arrived)")
        return f"{self.period}: " + ", ".join(parts)


# --------------------------------------------------------------------------- retries


class _Unreachable(Exception):
    """The server could not be reached (after the retries)."""


def _deliver_all(session: _Session, prepared: _Prepared, todo: list[str], state: SentState, period: str,
                 settings: SmtpSettings, sleep: Callable[[float], None], add: Callable[[Delivery], None],
                 redact: _Redactor) -> None:
    sent_now = 0
    for index, rcpt in enumerate(todo):
        try:
            status, detail = _deliver_one(session, prepared, rcpt, settings, sleep)
        except (_Unreachable, _Fatal) as exc:
            reason = redact(str(exc))
            if not sent_now:
                raise BriefgenError(f"{reason}; nothing was sent, state unchanged") from None
            for rest in todo[index:]:
                add(Delivery(rest, "failed", f"not sent: {reason}"))
            return
        except _Permanent as exc:  # the sender itself is refused: same answer for everyone
            for rest in todo[index:]:
                add(Delivery(rest, "refused", redact(exc.detail)))
            return
        detail = redact(detail)
        if status in ("sent", "unconfirmed"):
            try:
                state.record(period, rcpt, prepared.message_id, prepared.subject, confirmed=status == "sent")
            except OSError as exc:
                raise BriefgenError(
                    f"the digest was sent to {rcpt} but recording it failed ({exc}); stopped so that "
                    "nobody gets it twice — add it to the state by hand before a rerun", state.path) from None
            sent_now += 1
            add(Delivery(rcpt, status, detail, prepared.message_id))
        else:
            add(Delivery(rcpt, status, detail, None))


def _deliver_one(session: _Session, prepared: _Prepared, rcpt: str, settings: SmtpSettings,
                 sleep: Callable[[float], None]) -> tuple[Status, str]:
    """(status, detail) for one recipient, retrying transient failures."""
    delay = settings.backoff
    attempts = max(0, settings.retries) + 1
    for attempt in range(1, attempts + 1):
        try:
            smtp = session.connection()
        except _Transient as exc:
            if attempt == attempts:
                tries = f" after {attempts} attempts" if attempts > 1 else ""
                raise _Unreachable(f"cannot reach SMTP server {session.where} ({exc.detail}){tries}") from None
        else:
            try:
                reply = _transaction(smtp, prepared, rcpt, settings.data_timeout)
                return "sent", f"accepted: {reply}"
            except _Uncertain as exc:
                session.drop()
                return "unconfirmed", (f"{exc}; the server may have accepted it, so it is never sent again "
                                       "for this period without --force")
            except _Permanent as exc:
                if exc.sender_level:
                    raise
                return "refused", exc.detail
            except _Transient as exc:
                if exc.connection:
                    session.drop()
                if attempt == attempts:
                    tries = f" after {attempts} attempts" if attempts > 1 else ""
                    return "failed", f"{exc.detail}{tries}"
        sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover
