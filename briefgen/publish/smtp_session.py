"""The SMTP session: connecting, logging in, one transaction per recipient, secrets redacted.

In: :class:`~briefgen.config.SmtpSettings`, the environment (for the password), the message.
Out: :func:`_password` and :class:`_Redactor`; :class:`_Prepared`, the message as transmitted;
:class:`_Session`, the connection, opened on demand; :func:`_transaction`, one recipient's
``MAIL FROM``/``RCPT TO``/``DATA``. Failures are raised as :class:`_Transient` (worth
retrying), :class:`_Permanent` (5xx), :class:`_Uncertain` (no answer after the whole message)
or :class:`_Fatal` (nothing can be sent with these settings); what to do with them is
:mod:`.retries`' business.

* Host, port, security (``starttls``, ``ssl``, ``none``), user, timeout and retries come from
  :class:`~briefgen.config.SmtpSettings`; the password only from the environment variable named
  by ``password_env``. It is never written, logged, or put in a message or an exception: every
  text that leaves the mailer goes through a redactor (the password and its base64 forms, as
  AUTH PLAIN/LOGIN send them, are replaced by ``[password]``).
* One SMTP transaction per recipient over one connection (``MAIL FROM``/``RCPT TO``/``DATA``),
  so each recipient has its own outcome and its own line in the state file. The transmitted
  message is a copy without ``Bcc``/``Resent-Bcc``: Bcc recipients get it through the envelope.
"""

from __future__ import annotations

import base64
import copy
import re
import smtplib
import ssl
from collections.abc import Mapping
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from io import BytesIO

from ..config import SmtpSettings
from ..errors import BriefgenError

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


# --------------------------------------------------------------------------- session


def _where(settings: SmtpSettings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"{host}:{settings.port}"


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


def _transaction(smtp: smtplib.SMTP, prepared: _Prepared, rcpt: str, data_timeout: float) -> str:
    """MAIL FROM / RCPT TO / DATA for one recipient; returns the server's final reply.

    The final reply is awaited ``data_timeout`` seconds (servers may scan the message first).
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
        if smtp.sock is not None:
            smtp.sock.settimeout(data_timeout)
        code, resp = smtp.getreply()
        if smtp.sock is not None:
            smtp.sock.settimeout(smtp.timeout)
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
