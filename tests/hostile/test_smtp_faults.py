"""Hostile SMTP servers: down, slow, dropping mid-DATA, 4xx then 2xx, 5xx, and two runs at once.

Whatever the server does, the sent-state never records as sent a message the server did not
take, and no recipient ever gets the digest twice (a slow server once got it twice: the run
gave up waiting, said "a rerun sends it again", and the rerun did).

The server is a small scripted SMTP server on 127.0.0.1 (a thread, raw sockets), so that it can
misbehave at any byte: it counts as delivered only a message whose final dot it read and
then accepted.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest

from briefgen.config import SmtpSettings
from briefgen.errors import BriefgenError
from briefgen.publish.mailer import send_digest
from briefgen.publish.sent_state import sending_lock

PERIOD = "2030-W01"
ALICE, BOB = "alice@example.org", "bob@example.net"


@dataclass
class Script:
    """How the server behaves, transaction by transaction (0 is the first DATA it gets)."""

    data_reply: dict[int, str] = field(default_factory=dict)  # transaction -> reply after the dot
    slow: dict[int, float] = field(default_factory=dict)  # transaction -> seconds before replying
    drop_mid_data: set[int] = field(default_factory=set)  # close after half the message
    drop_after_rcpt: set[int] = field(default_factory=set)  # close instead of answering DATA
    delivered: list[str] = field(default_factory=list)  # recipients of accepted messages
    transactions: int = 0


class FakeSmtp:
    """A line-by-line SMTP server following a :class:`Script`."""

    def __init__(self, script: Script):
        self.script = script
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as rfile:
            send = lambda line: conn.sendall(line.encode() + b"\r\n")  # noqa: E731
            send("220 fake ESMTP")
            rcpt: list[str] = []
            for raw in rfile:
                verb = raw.decode("ascii", "replace").strip().split(" ")[0].upper()
                if verb == "EHLO":
                    send("250-fake")
                    send("250 8BITMIME")
                elif verb in ("HELO", "RSET", "NOOP"):
                    rcpt = []
                    send("250 ok")
                elif verb == "MAIL":
                    send("250 ok")
                elif verb == "RCPT":
                    rcpt.append(raw.decode().split("<", 1)[1].split(">", 1)[0])
                    send("250 ok")
                elif verb == "DATA":
                    if not self._data(conn, rfile, send, rcpt):
                        return
                    rcpt = []
                elif verb == "QUIT":
                    send("221 bye")
                    return
                else:
                    send("500 what?")

    def _data(self, conn, rfile, send, rcpt: list[str]) -> bool:
        n = self.script.transactions
        self.script.transactions += 1
        if n in self.script.drop_after_rcpt:
            return False
        send("354 go ahead")
        lines = 0
        for raw in rfile:
            lines += 1
            if n in self.script.drop_mid_data and lines > 5:
                conn.shutdown(socket.SHUT_RDWR)
                return False
            if raw == b".\r\n":
                break
        else:
            return False
        time.sleep(self.script.slow.get(n, 0.0))
        reply = self.script.data_reply.get(n, "250 queued")
        if reply.startswith("250"):
            self.script.delivered.extend(rcpt)
        try:
            send(reply)
        except OSError:
            return False
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server():
    servers: list[FakeSmtp] = []

    def start(**script) -> FakeSmtp:
        servers.append(FakeSmtp(Script(**script)))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "briefgen <briefs@example.org>", ALICE, "Digest"
    msg.set_content("\n".join(f"line {i}" for i in range(200)))
    return msg


def send(port: int, state_path, recipients=(ALICE, BOB), **settings):
    options = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 2.0,
               "retries": 2, "backoff": 0.0, **settings}
    return send_digest(message(), list(recipients), SmtpSettings(**options), state_path, PERIOD,
                       sleep=lambda s: None, env={})


def recorded(state_path) -> dict:
    if not state_path.exists():
        return {}
    return json.loads(state_path.read_text(encoding="utf-8"))["periods"].get(PERIOD, {})


def statuses(report) -> list[tuple[str, str]]:
    return [(d.recipient, d.status) for d in report.deliveries]


def test_server_down_sends_nothing_and_records_nothing(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once it is closed
    state = tmp_path / "sent.json"
    with pytest.raises(BriefgenError, match="cannot reach SMTP server .*nothing was sent, state unchanged"):
        send(port, state)
    assert recorded(state) == {}


def test_a_slow_server_never_gets_the_digest_twice(server, tmp_path):
    """It answers after the client stopped waiting: that recipient is unconfirmed, and a rerun
    sends it nothing (the server had in fact accepted it)."""
    smtp = server(slow={0: 1.5})
    state = tmp_path / "sent.json"
    first = send(smtp.port, state, data_timeout=0.3)
    assert statuses(first) == [(ALICE, "unconfirmed"), (BOB, "sent")]
    assert not first.ok
    assert recorded(state)[ALICE]["confirmed"] is False and "confirmed" not in recorded(state)[BOB]
    time.sleep(1.5)  # the server finishes: it did accept Alice's copy
    rerun = send(smtp.port, state, data_timeout=0.3)
    assert statuses(rerun) == [(ALICE, "unconfirmed"), (BOB, "skipped")]
    assert "never confirmed" in rerun.deliveries[0].detail and "--force" in rerun.deliveries[0].detail
    assert sorted(smtp.script.delivered) == [ALICE, BOB]


def test_a_slow_server_within_the_data_timeout_is_waited_for(server, tmp_path):
    smtp = server(slow={0: 0.6})
    state = tmp_path / "sent.json"
    report = send(smtp.port, state, timeout=0.3, data_timeout=5.0)
    assert statuses(report) == [(ALICE, "sent"), (BOB, "sent")]
    assert smtp.script.delivered == [ALICE, BOB]


def test_dropped_mid_data_is_never_recorded_as_sent(server, tmp_path):
    """The server closed during the message: it did not take it. The client cannot tell that
    from a loss after the final dot, so it is unconfirmed, never "sent", and not resent."""
    smtp = server(drop_mid_data={0})
    state = tmp_path / "sent.json"
    report = send(smtp.port, state, recipients=[ALICE])
    assert smtp.script.delivered == []
    assert statuses(report) == [(ALICE, "unconfirmed")]
    assert recorded(state)[ALICE]["confirmed"] is False


def test_dropped_before_the_message_is_retried_once(server, tmp_path):
    smtp = server(drop_after_rcpt={0})
    state = tmp_path / "sent.json"
    report = send(smtp.port, state, recipients=[ALICE])
    assert statuses(report) == [(ALICE, "sent")]
    assert smtp.script.delivered == [ALICE]


def test_4xx_then_2xx_delivers_once(server, tmp_path):
    smtp = server(data_reply={0: "451 4.3.0 try again later"})
    state = tmp_path / "sent.json"
    report = send(smtp.port, state)
    assert statuses(report) == [(ALICE, "sent"), (BOB, "sent")]
    assert sorted(smtp.script.delivered) == [ALICE, BOB]
    assert sorted(recorded(state)) == [ALICE, BOB]


def test_5xx_is_refused_and_not_recorded(server, tmp_path):
    smtp = server(data_reply={0: "554 5.7.1 rejected as spam"})
    state = tmp_path / "sent.json"
    report = send(smtp.port, state)
    assert statuses(report) == [(ALICE, "refused"), (BOB, "sent")]
    assert sorted(recorded(state)) == [BOB]
    assert send(smtp.port, state).deliveries[0].status in ("sent", "refused")  # tried again, never twice
    assert smtp.script.delivered.count(ALICE) <= 1 and smtp.script.delivered.count(BOB) == 1


def test_two_runs_at_once_cannot_both_send(server, tmp_path):
    smtp = server()
    state = tmp_path / "sent.json"
    with sending_lock(state):  # an overlapping run is sending
        with pytest.raises(BriefgenError, match="another digest run is sending right now"):
            send(smtp.port, state)
    assert smtp.script.delivered == []
    assert statuses(send(smtp.port, state)) == [(ALICE, "sent"), (BOB, "sent")]
