"""Sending the digest by SMTP, never twice to the same recipient for the same period.

:func:`send_digest` ties the parts, in this order:

1. the recipients are checked and deduplicated, and the state is read
   (:mod:`.sent_state`: :class:`SentState`); those already served for the period are
   ``skipped`` unless ``force=True``;
2. the password is read from the environment and the redactor set up, the message prepared
   (without Bcc, with Message-ID and Date) and the SMTP session opened on demand
   (:mod:`.smtp_session`);
3. each remaining recipient gets its own transaction, retried on transient failures
   (:mod:`.retries`), and each accepted message is recorded in the state at once;
4. the :class:`SendReport` (:mod:`.retries`) lists a :class:`Delivery` per recipient, in the
   order given. Every text that leaves goes through the redactor: the password never does.
"""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from ..config import SmtpSettings
from ..errors import BriefgenError
from .retries import Delivery, SendReport, Status, _deliver_all
from .sent_state import STATE_VERSION, SentState, default_state_path, recipient_key, sending_lock
from .smtp_session import _password, _Prepared, _Redactor, _Session

__all__ = ["STATE_VERSION", "Delivery", "SendReport", "SentState", "Status", "default_state_path",
           "recipient_key", "send_digest"]


def send_digest(
    message: EmailMessage,
    recipients: list[str],
    settings: SmtpSettings,
    state_path: str | Path,
    period: str,
    *,
    force: bool = False,
    envelope_from: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    sleep: Callable[[float], None] = time.sleep,
    env: Mapping[str, str] = os.environ,
    progress: Callable[[Delivery], None] | None = None,
) -> SendReport:
    """Send ``message`` to each of ``recipients`` not yet served for ``period``.

    ``recipients`` are the envelope recipients (To and Bcc); the message's headers are sent as
    they are, except ``Bcc``/``Resent-Bcc``, which are removed. The envelope sender is
    ``envelope_from``, else the address of the message's ``Sender`` or ``From``. A missing
    ``Message-ID`` or ``Date`` is added (one Message-ID for every recipient of this call).
    ``ssl_context`` verifies the server's certificate (default: the system's CAs).
    ``progress`` is called with each :class:`Delivery` as it happens.

    Raises :class:`BriefgenError` when nothing could be sent at all (server unreachable, login
    or TLS refused, no password): the state file is then untouched. Otherwise returns the
    report, recipient by recipient.
    """
    if not period or not isinstance(period, str):
        raise BriefgenError("a digest period (e.g. '2012-W27') is required")
    addresses = _recipients(recipients)
    with sending_lock(state_path):
        return _send_unsent(message, addresses, settings, SentState.load(state_path), period, force,
                            envelope_from, ssl_context, sleep, env, progress)


def _send_unsent(message: EmailMessage, addresses: list[str], settings: SmtpSettings, state: SentState,
                 period: str, force: bool, envelope_from: str | None, ssl_context: ssl.SSLContext | None,
                 sleep: Callable[[float], None], env: Mapping[str, str],
                 progress: Callable[[Delivery], None] | None) -> SendReport:
    report = SendReport(period)

    def add(delivery: Delivery) -> None:
        report.deliveries.append(delivery)
        if progress is not None:
            progress(delivery)

    todo: list[str] = []
    for addr in addresses:
        entry = state.entry(period, addr)
        if entry is not None and not force and entry.get("confirmed") is False:
            add(Delivery(addr, "unconfirmed", f"not sent again: sent on {entry.get('sent_at', '?')} but the "
                         "server never confirmed it; check the mailbox, then --force if it never arrived",
                         entry.get("message_id")))
        elif entry is not None and not force:
            add(Delivery(addr, "skipped", f"already sent on {entry.get('sent_at', '?')}",
                         entry.get("message_id")))
        else:
            todo.append(addr)
    if not todo:
        return report
    try:
        _send(message, todo, settings, state, period, envelope_from, ssl_context, sleep, env, add)
    finally:  # the report lists the recipients in the order they were given
        order = {addr: i for i, addr in enumerate(addresses)}
        report.deliveries.sort(key=lambda d: order[d.recipient])
    return report


def _send(message: EmailMessage, todo: list[str], settings: SmtpSettings, state: SentState, period: str,
          envelope_from: str | None, ssl_context: ssl.SSLContext | None, sleep: Callable[[float], None],
          env: Mapping[str, str], add: Callable[[Delivery], None]) -> None:
    password = _password(settings, env)
    redact = _Redactor(settings.user, password)
    try:
        prepared = _Prepared(message, envelope_from)
        session = _Session(settings, password, ssl_context, redact)
        try:
            _deliver_all(session, prepared, todo, state, period, settings, sleep, add, redact)
        finally:
            session.close()
    except BriefgenError as exc:
        # never show the password, whatever a server echoed back
        raise BriefgenError(redact(exc.message), exc.path, exc.line) from None
    except Exception as exc:  # an unexpected failure: keep it, without the secret
        if redact.secrets and redact(str(exc)) != str(exc):
            raise BriefgenError(f"sending failed: {redact(str(exc))}") from None
        raise


def _recipients(recipients: list[str]) -> list[str]:
    """Bare addresses, validated, duplicates (same key) removed, order kept."""
    if isinstance(recipients, str):
        recipients = [recipients]
    out: dict[str, str] = {}
    for raw in recipients:
        pairs = getaddresses([raw])
        addr = pairs[0][1] if len(pairs) == 1 else ""
        if not addr or "@" not in addr or any(c.isspace() for c in addr):
            raise BriefgenError(f"recipient {raw!r} is not an email address")
        out.setdefault(recipient_key(addr), addr)
    if not out:
        raise BriefgenError("no recipients: nobody to send the digest to")
    return list(out.values())
