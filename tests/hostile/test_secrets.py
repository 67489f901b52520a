"""Secrets: the SMTP password never appears in what briefgen prints (stdout, stderr, its log
records at DEBUG), in the exceptions it raises, in the state file or any other file under out/,
nor in ``check`` output, whatever happens: a sent digest, a login refused by a server that
echoes the password back, a server that is down. A password written into the configuration is
refused without being repeated."""

from __future__ import annotations

import base64
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import make_project, run_cli

PASSWORD = "Zk-8r!unique-digest-secret"
USER = "digest"
ARTICLE = """---
title: Fermeture de la route
date: 2024-03-05
---
Jean Morel, préfet d'Ille-et-Vilaine, a annoncé mardi à Rennes la fermeture de la route. « Elle rouvrira demain », a déclaré Jean Morel.
"""


class Handler:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"


def echoing_authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode():
        return AuthResult(success=True)
    given = auth_data.password.decode() if isinstance(auth_data, LoginPassword) else "?"
    return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad credentials ({given})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def forms(password: str) -> list[str]:
    return [password, base64.b64encode(password.encode()).decode(),
            base64.b64encode(f"\0{USER}\0{password}".encode()).decode()]


@pytest.fixture
def server():
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=echoing_authenticator,
                            auth_require_tls=False, ready_timeout=5.0)
    controller.start()
    yield handler, controller
    controller.stop()


def project_for(tmp_path, port: int):
    return make_project(tmp_path, texts={"route.md": ARTICLE}, replace={
        "    port: 587": f"    port: {port}",
        "    security: starttls ": "    security: none     ",
        "    user: null": f"    user: {USER}",
        "    retries: 3": "    retries: 0",
    })


def everything_said(project, results, caplog) -> list[str]:
    texts = [text for result in results for text in (result.out, result.err)]
    texts += [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]  # not the server's own
    texts += [p.read_bytes().decode("utf-8", "replace") for p in project.output.rglob("*") if p.is_file()]
    return texts


@pytest.mark.parametrize("case", ["sent", "login refused, password echoed", "server down"])
def test_the_password_never_leaves(tmp_path, server, monkeypatch, caplog, case):
    handler, controller = server
    caplog.set_level(logging.DEBUG)
    given = PASSWORD + "-wrong" if case.startswith("login") else PASSWORD
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", given)
    port = free_port() if case == "server down" else controller.port
    project = project_for(tmp_path, port)
    config = project.config_path.read_text(encoding="utf-8")
    assert f"port: {port}" in config and "security: none" in config and f"user: {USER}" in config
    results = [run_cli("check", "-c", project.config_path),
               run_cli("digest", "-c", project.config_path, "--week", "2024-W10", "--send")]
    if case == "sent":
        assert results[1].code == 0, results[1].err
        assert len(handler.received) == 1 and (project.output / "digests" / "sent.json").is_file()
    else:
        assert results[1].code != 0 and not handler.received
        assert ("[password]" in results[1].err) == case.startswith("login")  # redacted, not dropped
    for text in everything_said(project, results, caplog):
        for form in forms(given):
            assert form not in text


def test_a_password_in_the_configuration_is_refused_without_repeating_it(tmp_path):
    project = make_project(tmp_path, texts={"route.md": ARTICLE},
                           replace={"    user: null": f"    user: {USER}\n    password: \"{PASSWORD}\""})
    result = run_cli("check", "-c", project.config_path)
    assert result.code != 0
    assert "digest.smtp.password: a password is never read from the configuration" in result.err
    assert PASSWORD not in result.out + result.err
