"""Sending the digest (briefgen.publish.mailer) against a real SMTP server.

aiosmtpd runs on 127.0.0.1 (a free port) inside the tests, with a test certificate from
trustme: STARTTLS required and AUTH only over TLS, or implicit TLS (``ssl``), or plain
(``none``). Its handler stores what it receives and can refuse a recipient (550), answer 451
a number of times, or be slow to answer after the message. The backoff sleep is injected, so
retries cost no time.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import json
import logging
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefgen.config import SmtpSettings
from briefgen.errors import BriefgenError
from briefgen.publish.mailer import Delivery, SentState, default_state_path, recipient_key, send_digest

PASSWORD = "hunter2-Zq9!xV"
PASSWORD_ENV = "BRIEFGEN_TEST_SMTP_PASSWORD"
ENV = {PASSWORD_ENV: PASSWORD}
USER = "digest"
PERIOD = "2012-W27"
ALICE, BOB, CAROL = "alice@example.org", "bob@example.net", "carol@example.com"


# --------------------------------------------------------------------------- the server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    authenticated: bool
    tls: bool

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class Handler:
    """Stores every accepted message; misbehaves on demand."""

    received: list[Received] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)  # 550 at RCPT
    rcpt_tempfail: int = 0  # answer 451 to that many RCPT commands
    data_tempfail: int = 0  # answer 451 after that many messages
    data_delay: float = 0.0  # seconds before answering the next message (once)
    rcpt_seen: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_seen.append(address)
        if address in self.reject:
            return f"550 5.1.1 <{address}>: recipient unknown"
        if self.rcpt_tempfail > 0:
            self.rcpt_tempfail -= 1
            return "451 4.3.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            delay, self.data_delay = self.data_delay, 0.0
            await asyncio.sleep(delay)
        if self.data_tempfail > 0:
            self.data_tempfail -= 1
            return "451 4.3.0 queue full, try again later"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                      bool(session.authenticated), session.ssl is not None))
        return "250 2.0.0 Ok: queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    if ok:
        return AuthResult(success=True)
    # a careless server that echoes what it was given: briefgen must not repeat it
    given = auth_data.password.decode() if isinstance(auth_data, LoginPassword) else "?"
    return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad credentials ({given})")


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server_tls(ca) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def client_tls(ca) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(handler: Handler, security: str, server_tls: ssl.SSLContext | None = None, *,
                auth: bool = True, port: int | None = None):
    kwargs: dict = {"hostname": "127.0.0.1", "port": port or free_port(), "server_hostname": "mx.test",
                    "ready_timeout": 5.0}
    if security == "starttls":
        kwargs.update(tls_context=server_tls, require_starttls=True)
    elif security == "ssl":
        kwargs.update(ssl_context=server_tls)
    if auth:
        # AUTH only over TLS; with implicit TLS aiosmtpd does not know the socket is encrypted
        kwargs.update(authenticator=authenticator, auth_require_tls=security == "starttls")
    controller = Controller(handler, **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        if controller._thread is not None:
            controller.stop()


def smtp_settings(port: int, security: str = "starttls", user: str | None = USER, **kw) -> SmtpSettings:
    values = {"host": "127.0.0.1", "port": port, "security": security, "user": user,
              "password_env": PASSWORD_ENV, "timeout": 5.0, "retries": 2, "backoff": 0.5}
    values.update(kw)
    return SmtpSettings(**values)


def digest_message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "briefgen <briefs@example.org>"
    msg["To"] = f"Alice <{ALICE}>, {BOB}"
    msg["Bcc"] = CAROL
    msg["Subject"] = "Digest hebdomadaire — semaine 27, 2012 — 3 notes"
    msg["Message-ID"] = "<digest-2012-W27@example.org>"
    msg["List-Unsubscribe"] = "<mailto:unsubscribe@example.org>"
    msg.set_content("Bonjour,\n\nTrois notes cette semaine : Côte d'Ivoire, Mali, Corée du Nord.\n"
                    ".a line starting with a dot\n")
    msg.add_alternative("<p>Trois notes cette semaine&nbsp;: Côte d'Ivoire</p>", subtype="html")
    return msg


class Sleeps(list):
    """The injected sleep: records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def state_path(tmp_path) -> Path:
    return default_state_path(tmp_path / "out")


@pytest.fixture
def starttls(server_tls):
    handler = Handler()
    with smtp_server(handler, "starttls", server_tls) as controller:
        yield handler, controller


def send(controller, state_path, client_tls, recipients=(f"Alice <{ALICE}>", BOB, CAROL), *,
         message=None, period=PERIOD, sleep=None, **kw):
    settings_kw = {k: kw.pop(k) for k in list(kw) if k in SmtpSettings.__dataclass_fields__}
    settings = smtp_settings(controller.port, **settings_kw)
    return send_digest(message or digest_message(), list(recipients), settings, state_path, period,
                       ssl_context=client_tls, sleep=sleep if sleep is not None else Sleeps(),
                       env=kw.pop("env", ENV), **kw)


def state_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- delivery


def test_starttls_auth_delivers_one_transaction_per_recipient_without_bcc(starttls, state_path, client_tls):
    handler, controller = starttls
    message = digest_message()
    seen: list[Delivery] = []
    report = send(controller, state_path, client_tls, message=message, progress=seen.append)

    assert report.ok and [d.status for d in report.deliveries] == ["sent"] * 3
    assert seen == report.deliveries
    assert [d.recipient for d in report.sent] == [ALICE, BOB, CAROL]
    assert {d.message_id for d in report.sent} == {"<digest-2012-W27@example.org>"}
    assert report.summary() == f"{PERIOD}: sent to 3"

    # one transaction per recipient, over TLS, logged in; the envelope carries the Bcc
    assert [r.rcpt_tos for r in handler.received] == [[ALICE], [BOB], [CAROL]]
    for got in handler.received:
        assert got.mail_from == "briefs@example.org"
        assert got.tls and got.authenticated
        assert b"Bcc" not in got.raw and CAROL.encode() not in got.raw
        parsed = got.message
        assert parsed["Bcc"] is None
        assert parsed["To"] == f"Alice <{ALICE}>, {BOB}"
        assert parsed["From"] == "briefgen <briefs@example.org>"
        assert parsed["Subject"] == "Digest hebdomadaire — semaine 27, 2012 — 3 notes"
        assert parsed["Message-ID"] == "<digest-2012-W27@example.org>"
        assert parsed["List-Unsubscribe"] == "<mailto:unsubscribe@example.org>"
        assert parsed["Date"] is not None  # added when the composer left it out
        plain = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "Côte d'Ivoire" in plain and "\n.a line starting with a dot\n" in plain  # dot-stuffing undone
        assert "Côte d'Ivoire" in parsed.get_body(("html",)).get_content()
    # the caller's message is left as it was
    assert message["Bcc"] == CAROL and message["Date"] is None

    state = state_json(state_path)
    assert state["version"] == 1
    entries = state["periods"][PERIOD]
    assert sorted(entries) == sorted([ALICE, BOB, CAROL])
    for entry in entries.values():
        assert entry["message_id"] == "<digest-2012-W27@example.org>"
        assert entry["subject"] == "Digest hebdomadaire — semaine 27, 2012 — 3 notes"
        assert entry["sent_at"].endswith("+00:00")
    assert SentState.load(state_path).is_sent(PERIOD, "Bob <bob@EXAMPLE.net>")


def test_second_run_sends_nothing_and_says_so(starttls, state_path, client_tls):
    handler, controller = starttls
    send(controller, state_path, client_tls)
    before = state_path.read_bytes()

    # the password is not even needed when there is nothing to send
    again = send(controller, state_path, client_tls, env={})
    assert [d.status for d in again.deliveries] == ["skipped"] * 3 and again.ok
    assert all(d.detail.startswith("already sent on ") and d.message_id for d in again.deliveries)
    assert again.summary() == f"{PERIOD}: nothing sent: the digest was already sent to all 3 recipients"
    assert len(handler.received) == 3 and len(handler.rcpt_seen) == 3
    assert state_path.read_bytes() == before

    # another week is another digest
    next_week = send(controller, state_path, client_tls, recipients=[ALICE], period="2012-W28")
    assert [d.status for d in next_week.deliveries] == ["sent"]
    assert sorted(state_json(state_path)["periods"]) == ["2012-W27", "2012-W28"]


def test_force_resends_to_everyone(starttls, state_path, client_tls):
    handler, controller = starttls
    send(controller, state_path, client_tls)
    first = state_json(state_path)["periods"][PERIOD]
    message = digest_message()
    message.replace_header("Message-ID", "<digest-2012-W27-again@example.org>")
    report = send(controller, state_path, client_tls, message=message, force=True)
    assert [d.status for d in report.deliveries] == ["sent"] * 3
    assert len(handler.received) == 6
    entries = state_json(state_path)["periods"][PERIOD]
    assert sorted(entries) == sorted(first)
    assert {e["message_id"] for e in entries.values()} == {"<digest-2012-W27-again@example.org>"}


def test_duplicate_and_invalid_recipients(starttls, state_path, client_tls):
    handler, controller = starttls
    report = send(controller, state_path, client_tls, recipients=[ALICE, "Alice <alice@EXAMPLE.org>", BOB])
    assert [d.recipient for d in report.deliveries] == [ALICE, BOB]
    assert len(handler.received) == 2
    assert recipient_key("Alice <Alice@EXAMPLE.Org>") == "Alice@example.org"
    with pytest.raises(BriefgenError, match="'not an address' is not an email address"):
        send(controller, state_path, client_tls, recipients=[ALICE, "not an address"])
    with pytest.raises(BriefgenError, match="no recipients"):
        send(controller, state_path, client_tls, recipients=[])


# --------------------------------------------------------------------------- failures


def test_permanent_refusal_is_per_recipient_and_a_rerun_serves_only_the_rest(starttls, state_path, client_tls):
    handler, controller = starttls
    handler.reject.add(BOB)
    sleeps = Sleeps()
    report = send(controller, state_path, client_tls, sleep=sleeps)
    assert [(d.recipient, d.status) for d in report.deliveries] == [
        (ALICE, "sent"), (BOB, "refused"), (CAROL, "sent")]
    refused = report.refused[0]
    assert refused.detail.startswith(f"RCPT TO:<{BOB}>: 550 5.1.1") and refused.message_id is None
    assert not report.ok and sleeps == []  # a 5xx is not retried
    assert "refused for 1" in report.summary()
    assert sorted(state_json(state_path)["periods"][PERIOD]) == sorted([ALICE, CAROL])
    assert [r.rcpt_tos for r in handler.received] == [[ALICE], [CAROL]]

    handler.reject.clear()
    rerun = send(controller, state_path, client_tls)
    assert [(d.recipient, d.status) for d in rerun.deliveries] == [
        (ALICE, "skipped"), (BOB, "sent"), (CAROL, "skipped")]
    assert [r.rcpt_tos for r in handler.received] == [[ALICE], [CAROL], [BOB]]
    assert sorted(state_json(state_path)["periods"][PERIOD]) == sorted([ALICE, BOB, CAROL])


def test_transient_451_is_retried_with_doubling_backoff(starttls, state_path, client_tls):
    handler, controller = starttls
    handler.rcpt_tempfail = 2  # greylisting: the first two RCPT get 451
    sleeps = Sleeps()
    report = send(controller, state_path, client_tls, recipients=[ALICE, BOB], sleep=sleeps, retries=3,
                  backoff=1.5)
    assert [d.status for d in report.deliveries] == ["sent", "sent"]
    assert sleeps == [1.5, 3.0]
    assert handler.rcpt_seen == [ALICE, ALICE, ALICE, BOB]
    assert [r.rcpt_tos for r in handler.received] == [[ALICE], [BOB]]

    # a 451 after the message itself: retried too, and delivered once
    handler.data_tempfail = 1
    sleeps.clear()
    report = send(controller, state_path, client_tls, recipients=[CAROL], sleep=sleeps)
    assert [d.status for d in report.deliveries] == ["sent"] and sleeps == [0.5]
    assert [r.rcpt_tos for r in handler.received].count([CAROL]) == 1


def test_transient_failure_that_outlasts_the_retries(starttls, state_path, client_tls):
    handler, controller = starttls
    handler.rcpt_tempfail = 3  # retries=2: three attempts, all 451
    sleeps = Sleeps()
    report = send(controller, state_path, client_tls, recipients=[ALICE, BOB], sleep=sleeps)
    assert [(d.recipient, d.status) for d in report.deliveries] == [(ALICE, "failed"), (BOB, "sent")]
    assert report.failed[0].detail == f"RCPT TO:<{ALICE}>: 451 4.3.0 greylisted, try again later after 3 attempts"
    assert sleeps == [0.5, 1.0]
    assert "failed for 1" in report.summary()
    assert list(state_json(state_path)["periods"][PERIOD]) == [BOB]


def test_server_down_is_a_clear_error_and_the_state_is_unchanged(tmp_path, state_path, client_tls):
    SentState(state_path).record("2012-W26", ALICE, "<earlier@example.org>")
    before = state_path.read_bytes()
    port = free_port()  # nothing listens there
    sleeps = Sleeps()
    with pytest.raises(BriefgenError) as caught:
        send_digest(digest_message(), [ALICE, BOB], smtp_settings(port), state_path, PERIOD,
                    ssl_context=client_tls, sleep=sleeps, env=ENV)
    message = str(caught.value)
    assert message.startswith(f"cannot reach SMTP server 127.0.0.1:{port} (")
    assert "after 3 attempts" in message
    assert message.endswith("; nothing was sent, state unchanged")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert sleeps == [0.5, 1.0]
    assert state_path.read_bytes() == before
    assert list(tmp_path.joinpath("out", "digests").iterdir()) == [state_path]  # no temporary left behind


def test_server_lost_halfway_then_a_rerun_serves_only_the_rest(server_tls, state_path, client_tls):
    handler = Handler()
    port = free_port()
    with smtp_server(handler, "starttls", server_tls, port=port) as controller:
        def stop_after_first(delivery: Delivery) -> None:
            if delivery.status == "sent":
                controller.stop()

        sleeps = Sleeps()
        report = send(controller, state_path, client_tls, sleep=sleeps, progress=stop_after_first)
    assert [(d.recipient, d.status) for d in report.deliveries] == [
        (ALICE, "sent"), (BOB, "failed"), (CAROL, "failed")]
    assert report.failed[0].detail.startswith(f"not sent: cannot reach SMTP server 127.0.0.1:{port}")
    assert len(sleeps) == 2  # the server's loss retried for Bob, then the rest given up at once
    assert list(state_json(state_path)["periods"][PERIOD]) == [ALICE]

    with smtp_server(handler, "starttls", server_tls, port=port) as controller:
        rerun = send(controller, state_path, client_tls)
    assert [d.status for d in rerun.deliveries] == ["skipped", "sent", "sent"]
    assert [r.rcpt_tos for r in handler.received] == [[ALICE], [BOB], [CAROL]]


def test_no_reply_after_the_message_is_unconfirmed_and_never_resent(starttls, state_path, client_tls):
    """The server may have taken it: better a rerun by decision (--force) than a duplicate."""
    handler, controller = starttls
    handler.data_delay = 1.0
    sleeps = Sleeps()
    report = send(controller, state_path, client_tls, recipients=[ALICE, BOB], sleep=sleeps, timeout=0.3,
                  data_timeout=0.3)
    assert [(d.recipient, d.status) for d in report.deliveries] == [(ALICE, "unconfirmed"), (BOB, "sent")]
    assert report.unconfirmed[0].detail.startswith("no reply after the message was transmitted")
    assert "never sent again" in report.unconfirmed[0].detail and not report.ok
    assert "unconfirmed for 1" in report.summary()
    assert sleeps == [] and handler.rcpt_seen == [ALICE, BOB]
    assert state_json(state_path)["periods"][PERIOD][ALICE]["confirmed"] is False

    forced = send(controller, state_path, client_tls, recipients=[ALICE], force=True)
    assert [d.status for d in forced.deliveries] == ["sent"]
    assert "confirmed" not in state_json(state_path)["periods"][PERIOD][ALICE]


def test_untrusted_certificate_is_not_retried(starttls, state_path):
    _, controller = starttls
    sleeps = Sleeps()
    with pytest.raises(BriefgenError, match=r"TLS with SMTP server 127\.0\.0\.1:\d+ failed \(.*certificate verify "
                                            r"failed.*\); nothing was sent, state unchanged"):
        send(controller, state_path, ssl.create_default_context(), sleep=sleeps)
    assert sleeps == [] and not state_path.exists()


def test_corrupt_state_file_stops_before_sending(starttls, state_path, client_tls):
    handler, controller = starttls
    state_path.parent.mkdir(parents=True)
    state_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BriefgenError, match="sent-state is not valid JSON"):
        send(controller, state_path, client_tls)
    assert handler.rcpt_seen == []


# --------------------------------------------------------------------------- login and password


def test_login_refused_is_a_clear_error(starttls, state_path, client_tls):
    handler, controller = starttls
    with pytest.raises(BriefgenError) as caught:
        send(controller, state_path, client_tls, env={PASSWORD_ENV: "wrong-" + PASSWORD})
    message = str(caught.value)
    assert f"refused the login of user '{USER}' (535 5.7.8 bad credentials ([password]))" in message
    assert f"${PASSWORD_ENV}" in message and message.endswith("nothing was sent, state unchanged")
    assert PASSWORD not in message
    assert handler.rcpt_seen == [] and not state_path.exists()


def test_missing_password_variable_is_named_before_connecting(state_path):
    port = free_port()  # nothing listens: the error must come before any connection
    with pytest.raises(BriefgenError, match=f"environment variable {PASSWORD_ENV} that must hold the password "
                                            "is not set"):
        send_digest(digest_message(), [ALICE], smtp_settings(port), state_path, PERIOD, env={})
    assert not state_path.exists()


def test_the_password_never_appears_anywhere(starttls, server_tls, state_path, client_tls, capsys, caplog):
    handler, controller = starttls
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    handler.reject.add(BOB)
    handler.rcpt_tempfail = 1
    report = send(controller, state_path, client_tls)
    texts += [repr(report), report.summary(), *(d.detail for d in report.deliveries)]
    for env, port, context in (({PASSWORD_ENV: PASSWORD + "x"}, controller.port, client_tls),  # login refused
                               (ENV, free_port(), client_tls),  # server down
                               (ENV, controller.port, ssl.create_default_context())):  # untrusted cert
        with pytest.raises(BriefgenError) as caught:
            send_digest(digest_message(), [CAROL], smtp_settings(port), state_path, "2012-W30",
                        ssl_context=context, sleep=Sleeps(), env=env)
        texts += [str(caught.value), repr(caught.value), repr(caught.value.args)]
        assert caught.value.__cause__ is None
    # a server that offers no AUTH without TLS, with security: none
    with pytest.raises(BriefgenError, match="does not offer AUTH") as caught:
        send_digest(digest_message(), [CAROL], smtp_settings(controller.port, "none"), state_path, "2012-W30",
                    sleep=Sleeps(), env=ENV)
    texts.append(str(caught.value))
    out, err = capsys.readouterr()
    texts += [out, err, state_path.read_text(encoding="utf-8")]
    texts += [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]  # the server's own log
    forms = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
             base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()]
    for text in texts:
        for form in forms:
            assert form not in text
    assert any("[password]" in t for t in texts)  # the echoing server's reply was redacted, not dropped


# --------------------------------------------------------------------------- ssl and none


def test_implicit_tls_mode(server_tls, state_path, client_tls):
    handler = Handler()
    with smtp_server(handler, "ssl", server_tls) as controller:
        report = send(controller, state_path, client_tls, security="ssl")
    assert [d.status for d in report.deliveries] == ["sent"] * 3
    assert all(r.authenticated for r in handler.received) and len(handler.received) == 3

    # talking implicit TLS to a STARTTLS port: a clear hint, no retries
    with smtp_server(Handler(), "starttls", server_tls) as controller:
        sleeps = Sleeps()
        with pytest.raises(BriefgenError, match=r"TLS with SMTP server .* is smtp.security right for this port"):
            send(controller, state_path, client_tls, security="ssl", period="2012-W28", sleep=sleeps)
    assert sleeps == []


def test_plain_mode_without_login(state_path):
    handler = Handler()
    with smtp_server(handler, "none", auth=False) as controller:
        report = send(controller, state_path, None, security="none", user=None, env={})
    assert [d.status for d in report.deliveries] == ["sent"] * 3
    assert not any(r.tls or r.authenticated for r in handler.received)
    assert [r.rcpt_tos for r in handler.received] == [[ALICE], [BOB], [CAROL]]


def test_starttls_required_but_not_offered(state_path, client_tls):
    with (smtp_server(Handler(), "none", auth=False) as controller,
          pytest.raises(BriefgenError, match="does not offer STARTTLS; check smtp.security")):
        send(controller, state_path, client_tls)
