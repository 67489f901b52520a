"""Sending the digest by SMTP, never twice to the same recipient for the same period.

* Host, port, security (``starttls``, ``ssl``, ``none``), user, timeout and retries come from
  :class:`~briefgen.config.SmtpSettings`; the password only from the environment variable named
  by ``password_env``. It is never written, logged, or put in a message or an exception: every
  text that leaves this module goes through a redactor (the password and its base64 forms, as
  AUTH PLAIN/LOGIN send them, are replaced by ``[password]``).
* One SMTP transaction per recipient over one connection (``MAIL FROM``/``RCPT TO``/``DATA``),
  so each recipient has its own outcome and its own line in the state file. The transmitted
  message is a copy without ``Bcc``/``Resent-Bcc``: Bcc recipients get it through the envelope.
* Transient failures (4xx replies, connection errors, timeouts) are retried ``retries`` times,
  waiting ``backoff`` seconds, doubled each time; permanent ones (5xx) are reported for that
  recipient (``refused``) and the others go on.
* A state file (JSON, written atomically after each accepted message) records per period and
  recipient the Message-ID and the time. Sending again sends nothing to those already served;
  ``force=True`` sends to all again.
* If the server answers nothing after the whole message was transmitted (timeout, dropped
  connection), the server may have accepted it: that recipient is reported ``failed`` and not
  retried in this run, rather than risk a duplicate.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from ..atomic import atomic_write
from ..config import SmtpSettings
from ..errors import BriefgenError

STATE_VERSION = 1
Status = Literal["sent", "skipped", "refused", "failed"]


def default_state_path(output: Path) -> Path:
    """Where the sent-state of the digests lives inside the output folder."""
    return Path(output) / "digests" / "sent.json"


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
    def ok(self) -> bool:
        """Every recipient has the digest now (sent in this run or before)."""
        return not self.refused and not self.failed

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
        return f"{self.period}: " + ", ".join(parts)


# --------------------------------------------------------------------------- state


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
               when: datetime | None = None) -> None:
        when = when or datetime.now(UTC)
        entry: dict[str, Any] = {"message_id": message_id, "sent_at": when.isoformat(timespec="seconds")}
        if subject is not None:
            entry["subject"] = subject
        self.periods.setdefault(period, {})[recipient_key(recipient)] = entry
        self.save()

    def save(self) -> None:
        data = {"version": STATE_VERSION, "periods": self.periods}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def recipient_key(address: str) -> str:
    """``Alice <Alice@Example.ORG>`` -> ``Alice@example.org`` (local parts are case-sensitive)."""
    addr = parseaddr(address)[1] or address.strip()
    local, at, domain = addr.rpartition("@")
    return f"{local}@{domain.lower()}" if at else addr


# --------------------------------------------------------------------------- errors


class _Redactor:
    """Replaces the password (and its base64 forms sent by AUTH) in any text."""

    def __init__(self, user: str | None, password: str | None):
        self.secrets: list[str] = []
        if password:
            forms = [password, _b64(password)]
            if user:
                forms.append(_b64(f"\0{user}\0{password}"))
            self.secrets = sorted(set(forms), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[password]")
        return text


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class _Transient(Exception):
    """Worth retrying: 4xx reply, connection error, timeout."""

    def __init__(self, detail: str, *, connection: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.connection = connection  # the connection is unusable: reconnect


class _Permanent(Exception):
    """5xx for this recipient (``sender_level``: for every recipient, e.g. MAIL FROM refused)."""

    def __init__(self, detail: str, *, sender_level: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.sender_level = sender_level


class _Uncertain(Exception):
    """No answer after the whole message was transmitted: it may have been accepted."""


class _Fatal(Exception):
    """Nothing can be sent with these settings (login refused, TLS failure, ...)."""


class _Unreachable(Exception):
    """The server could not be reached (after the retries)."""


def _reply(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {' '.join(text.split())}".strip()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, TimeoutError):
        return f"timed out ({exc})" if str(exc) else "timed out"
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


# --------------------------------------------------------------------------- sending


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
    state = SentState.load(state_path)
    report = SendReport(period)

    def add(delivery: Delivery) -> None:
        report.deliveries.append(delivery)
        if progress is not None:
            progress(delivery)

    todo: list[str] = []
    for addr in addresses:
        entry = state.entry(period, addr)
        if entry is not None and not force:
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
        if status == "sent":
            try:
                state.record(period, rcpt, prepared.message_id, prepared.subject)
            except OSError as exc:
                raise BriefgenError(
                    f"the digest was sent to {rcpt} but recording it failed ({exc}); stopped so that "
                    "nobody gets it twice — add it to the state by hand before a rerun", state.path) from None
            sent_now += 1
            add(Delivery(rcpt, "sent", detail, prepared.message_id))
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
                reply = _transaction(smtp, prepared, rcpt)
                return "sent", f"accepted: {reply}"
            except _Uncertain as exc:
                session.drop()
                return "failed", (f"{exc}; the server may have accepted it, so it is not retried now "
                                  "(a rerun sends it again)")
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


def _where(settings: SmtpSettings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"{host}:{settings.port}"


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


def _password(settings: SmtpSettings, env: Mapping[str, str]) -> str | None:
    if not settings.user:
        return None
    password = env.get(settings.password_env)
    if not password:
        raise BriefgenError(
            f"SMTP user {settings.user!r} is set but the environment variable {settings.password_env} "
            "that must hold the password is not set (or empty); nothing was sent")
    return password


class _Prepared:
    """The message as transmitted: a copy without Bcc, with Message-ID and Date, flattened."""

    def __init__(self, message: EmailMessage, envelope_from: str | None):
        msg = copy.deepcopy(message)
        del msg["Bcc"]
        del msg["Resent-Bcc"]
        sender = envelope_from or parseaddr(str(msg["Sender"] or msg["From"] or ""))[1]
        if not sender or "@" not in sender:
            raise BriefgenError("the digest has no sender: set a From header (digest.sender)")
        self.sender = sender
        if msg["Message-ID"] is None:
            msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        if msg["Date"] is None:
            msg["Date"] = formatdate(localtime=True)
        self.message_id = str(msg["Message-ID"]).strip()
        self.subject = str(msg["Subject"]) if msg["Subject"] is not None else None
        self.msg = msg
        self._flat: dict[bool, bytes] = {}

    def payload(self, utf8: bool) -> bytes:
        """The message bytes, CRLF line ends (``utf8``: SMTPUTF8 headers, as smtplib does)."""
        if utf8 not in self._flat:
            policy = self.msg.policy.clone(linesep="\r\n", utf8=True) if utf8 else \
                self.msg.policy.clone(linesep="\r\n")
            buffer = BytesIO()
            BytesGenerator(buffer, policy=policy).flatten(self.msg, linesep="\r\n")
            self._flat[utf8] = buffer.getvalue()
        return self._flat[utf8]


class _Session:
    """One SMTP connection, opened on demand, reopened after a connection failure."""

    def __init__(self, settings: SmtpSettings, password: str | None, context: ssl.SSLContext | None,
                 redact: _Redactor):
        self.settings = settings
        self.password = password
        self.context = context
        self.redact = redact
        self.where = _where(settings)
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        if self.context is None:
            self.context = ssl.create_default_context()
        return self.context

    def connection(self) -> smtplib.SMTP:
        """The open connection (greeted, TLS, logged in). Raises _Transient or _Fatal."""
        if self.smtp is not None:
            return self.smtp
        s, where = self.settings, self.where
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise _Fatal(f"SMTP server {where} does not offer STARTTLS; check smtp.security "
                                 "('ssl' for a port like 465, 'none' only for a trusted local relay)")
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.user:
                smtp.ehlo_or_helo_if_needed()
                if not smtp.has_extn("auth"):
                    raise _Fatal(f"SMTP server {where} does not offer AUTH on this connection "
                                 f"(security: {s.security}); it may require TLS — check smtp.security")
                smtp.login(s.user, self.password or "")
        except (_Fatal, _Transient):
            _close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _close(smtp)
            if 400 <= exc.smtp_code < 500:
                raise _Transient(f"login: {self.redact(_describe(exc))}", connection=True) from None
            raise _Fatal(f"SMTP server {where} refused the login of user {s.user!r} "
                         f"({self.redact(_describe(exc))}); check smtp.user and the password in "
                         f"${s.password_env}") from None
        except smtplib.SMTPNotSupportedError as exc:
            _close(smtp)
            raise _Fatal(f"SMTP server {where}: {self.redact(_describe(exc))}") from None
        except smtplib.SMTPResponseException as exc:  # greeting, EHLO, STARTTLS refused
            _close(smtp)
            if 400 <= exc.smtp_code < 500:
                raise _Transient(self.redact(_describe(exc)), connection=True) from None
            raise _Fatal(f"SMTP server {where} refused the connection ({self.redact(_describe(exc))})") from None
        except ssl.SSLError as exc:  # before OSError: a TLS failure is not worth retrying
            _close(smtp)
            hint = ("; is smtp.security right for this port? (465 is usually 'ssl', 587 'starttls')"
                    if "WRONG_VERSION_NUMBER" in str(exc) or "wrong version" in str(exc) else "")
            raise _Fatal(f"TLS with SMTP server {where} failed ({self.redact(_describe(exc))}){hint}") from None
        except smtplib.SMTPException as exc:  # e.g. no suitable authentication method
            _close(smtp)
            if isinstance(exc, smtplib.SMTPServerDisconnected):
                raise _Transient(self.redact(_describe(exc)), connection=True) from None
            raise _Fatal(f"SMTP server {where}: {self.redact(_describe(exc))}") from None
        except OSError as exc:  # refused, unreachable, timeout, DNS
            _close(smtp)
            raise _Transient(self.redact(_describe(exc)), connection=True) from None
        self.smtp = smtp
        return smtp

    def drop(self) -> None:
        _close(self.smtp)
        self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.drop()


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass


def _transaction(smtp: smtplib.SMTP, prepared: _Prepared, rcpt: str) -> str:
    """MAIL FROM / RCPT TO / DATA for one recipient; returns the server's final reply.

    Raises _Permanent (5xx), _Transient (4xx, connection lost before the end of the message)
    or _Uncertain (no reply after the whole message was sent).
    """
    utf8 = not (prepared.sender.isascii() and rcpt.isascii())
    try:
        smtp.ehlo_or_helo_if_needed()
        payload = prepared.payload(utf8)
        options: list[str] = []
        if smtp.does_esmtp:
            if smtp.has_extn("size"):
                options.append(f"SIZE={len(payload)}")
            if not payload.isascii() and smtp.has_extn("8bitmime"):
                options.append("BODY=8BITMIME")
        if utf8:
            if not smtp.has_extn("smtputf8"):
                raise _Permanent("the server does not support SMTPUTF8, needed for this non-ASCII address")
            options.append("SMTPUTF8")
        code, resp = smtp.mail(prepared.sender, options)
        if code != 250:
            _fail(smtp, f"MAIL FROM:<{prepared.sender}>", code, resp, sender_level=True)
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            _fail(smtp, f"RCPT TO:<{rcpt}>", code, resp)
        smtp.putcmd("data")
        code, resp = smtp.getreply()
        if code != 354:
            _fail(smtp, "DATA", code, resp)
        smtp.send(_dot_stuff(payload))
    except (_Permanent, _Transient):
        raise
    except smtplib.SMTPResponseException as exc:
        raise _Transient(_describe(exc), connection=True) from None
    except OSError as exc:  # includes SMTPServerDisconnected and timeouts
        raise _Transient(f"connection lost: {_describe(exc)}", connection=True) from None
    try:
        code, resp = smtp.getreply()
    except OSError as exc:
        raise _Uncertain(f"no reply after the message was transmitted ({_describe(exc)})") from None
    if code != 250:
        if 400 <= code < 500:
            raise _Transient(f"message: {_reply(code, resp)}", connection=code == 421)
        raise _Permanent(f"message refused: {_reply(code, resp)}")
    return _reply(code, resp)


def _fail(smtp: smtplib.SMTP, what: str, code: int, resp: bytes, *, sender_level: bool = False) -> None:
    detail = f"{what}: {_reply(code, resp)}"
    if code == 421 or code < 0:
        raise _Transient(detail, connection=True)
    try:
        smtp.rset()
    except OSError:
        raise _Transient(detail, connection=True) from None
    if 400 <= code < 500:
        raise _Transient(detail)
    raise _Permanent(detail, sender_level=sender_level)


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _dot_stuff(payload: bytes) -> bytes:
    """The DATA body: leading dots doubled, ended by CRLF . CRLF."""
    data = _LEADING_DOT.sub(b"..", payload)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
