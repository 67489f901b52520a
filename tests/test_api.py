"""``briefgen api`` (briefgen/publish/api.py): real HTTP on 127.0.0.1 (uvicorn in a thread),
real briefs (PDF read back with pypdf), and its limits (413, 429, 504, 400) with a slow stand-in
for the brief maker so that they take no time."""

from __future__ import annotations

import io
import os
import threading
import time

import httpx
import pytest

from briefgen.config import load_config
from briefgen.publish.api import make_app
from conftest import write_config

ARTICLE = (
    "date 2024-03-05\n"
    "Le gouvernement portugais a annoncé mardi à Lisbonne un plan de soutien aux pêcheurs. "
    "« Nous ne laisserons pas tomber la filière », a déclaré la ministre Ana Ribeiro.\n"
)


class Running:
    """A uvicorn server on a free loopback port, in a daemon thread."""

    def __init__(self, app):
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


def config_for(tmp_path, api: str = ""):
    extra = f"\napi:\n{api}" if api else ""
    text = write_config(tmp_path / "config.yaml", output=tmp_path / "out").read_text(encoding="utf-8")
    if api:  # replace the shipped api: section by the test's
        head, _, tail = text.partition("\napi:\n")
        tail = tail.split("\n\n", 1)[1] if "\n\n" in tail else ""
        text = head + extra + "\n\n" + tail
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path / "config.yaml")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    running = Running(make_app(config_for(tmp_path_factory.mktemp("api"))))
    yield running
    running.stop()


def test_healthz(service):
    reply = httpx.get(f"{service.url}/healthz")
    assert reply.status_code == 200 and reply.json()["status"] == "ok"


def test_a_seed_format_article_becomes_a_pdf_brief(service):
    from pypdf import PdfReader

    reply = httpx.post(f"{service.url}/briefs", content=ARTICLE.encode(), timeout=120,
                       headers={"content-type": "text/plain"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.content)).pages)
    assert "Ribeiro" in text


def test_json_in_facts_out_and_html_by_accept(service):
    body = {"text": ARTICLE.split("\n", 1)[1], "date": "2024-03-05", "title": "Plan pour la pêche",
            "language": "fr"}
    facts = httpx.post(f"{service.url}/briefs?format=json", json=body, timeout=120)
    assert facts.status_code == 200, facts.text
    data = facts.json()
    assert data["article"]["title"] == "Plan pour la pêche" and data["article"]["date"] == "2024-03-05"
    assert "Ana Ribeiro" in [a["name"] for a in data["actors"]]
    html = httpx.post(f"{service.url}/briefs", json=body, headers={"accept": "text/html"}, timeout=120)
    assert html.headers["content-type"].startswith("text/html") and "Plan pour la pêche" in html.text


@pytest.mark.parametrize("kwargs, words", [
    ({"json": {"text": "x", "colour": "red"}}, "unknown JSON field(s): colour"),
    ({"json": {"title": "no text"}}, '"text"'),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, "invalid JSON"),
    ({"content": b"\xff\xfe", "headers": {"content-type": "text/plain"}}, "not UTF-8"),
])
def test_a_bad_request_is_a_400_that_says_why(service, kwargs, words):
    reply = httpx.post(f"{service.url}/briefs", **kwargs)
    assert reply.status_code == 400 and words in reply.json()["error"]


def test_an_unknown_format_is_a_400(service):
    reply = httpx.post(f"{service.url}/briefs?format=docx", content=b"texte")
    assert reply.status_code == 400 and "docx" in reply.json()["error"]


class SlowMaker:
    """Stands in for the brief maker: takes ``seconds``, then gives a tiny PDF-like body."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def make(self, job, fmt):
        time.sleep(self.seconds)
        return b"%PDF-stand-in"


def test_limits_413_429_504_and_the_service_stays_up(tmp_path):
    config = config_for(tmp_path, "  max_body_kb: 1\n  timeout: 0.5\n  concurrency: 1\n  queue: 0\n")
    running = Running(make_app(config, maker=SlowMaker(1.5)))
    try:
        big = httpx.post(f"{running.url}/briefs", content=b"x" * 2048)
        assert big.status_code == 413 and "max_body_kb" in big.json()["error"]
        results = {}

        def first():
            results["slow"] = httpx.post(f"{running.url}/briefs", content=b"article", timeout=10)

        thread = threading.Thread(target=first)
        thread.start()
        time.sleep(0.2)  # the first request holds the only slot
        busy = httpx.post(f"{running.url}/briefs", content=b"article", timeout=10)
        assert busy.status_code == 429 and "busy" in busy.json()["error"]
        thread.join()
        assert results["slow"].status_code == 504 and "api.timeout" in results["slow"].json()["error"]
        assert httpx.get(f"{running.url}/healthz").status_code == 200
        # its worker was killed and replaced at once: the next request gets the slot, not 429
        quick = httpx.post(f"{running.url}/briefs", content=b"article", timeout=10)
        assert quick.status_code == 504
    finally:
        running.stop()


class GreedyMaker:
    """Stands in for the brief maker: holds 300 MB for a while."""

    def make(self, job, fmt):
        hog = bytearray(300 * 1024 * 1024)
        time.sleep(2)
        return bytes(hog[:1])


class FragileMaker:
    """Stands in for the brief maker: its process dies on the article "die"."""

    def make(self, job, fmt):
        if job.text == "die":
            os._exit(9)
        return b"%PDF-stand-in"


def test_a_brief_over_the_memory_limit_is_killed_and_the_service_goes_on(tmp_path):
    config = config_for(tmp_path, "  max_memory_mb: 200\n  timeout: 20\n")
    running = Running(make_app(config, maker=GreedyMaker()))
    try:
        reply = httpx.post(f"{running.url}/briefs", content=b"article", timeout=30)
        assert reply.status_code == 503 and "api.max_memory_mb (200 MB)" in reply.json()["error"]
        assert httpx.get(f"{running.url}/healthz").json()["status"] == "ok"
    finally:
        running.stop()


def test_a_worker_that_dies_is_replaced(tmp_path):
    running = Running(make_app(config_for(tmp_path), maker=FragileMaker()))
    try:
        died = httpx.post(f"{running.url}/briefs", content=b"die", timeout=30)
        assert died.status_code == 503 and "died" in died.json()["error"]
        assert httpx.post(f"{running.url}/briefs", content=b"a", timeout=30).status_code == 200
    finally:
        running.stop()


def test_api_settings_are_checked_with_their_line(tmp_path):
    from briefgen.errors import BriefgenError

    with pytest.raises(BriefgenError, match=r"api\.port: must be between 1 and 65535") as info:
        config_for(tmp_path, "  port: 70000\n")
    assert "config.yaml" in str(info.value)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_brief_goes_through_a_background_service_and_back_in_process_after_stop(tmp_path, cli):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    article = seeds / "peche.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    config_for(tmp_path, f"  port: {free_port()}\n  timeout: 120\n")
    path = tmp_path / "config.yaml"
    started = cli("api", "-c", path, "--background")
    try:
        assert started.code == 0, started.err
        assert (tmp_path / "out" / "api.json").is_file()
        via = cli("brief", "-c", path, article, "-o", tmp_path / "via.html")
        assert via.code == 0 and "(briefgen api)" in via.err, via.err
        local = cli("brief", "-c", path, article, "-o", tmp_path / "local.html", "--no-daemon")
        assert local.code == 0 and "(briefgen api)" not in local.err
        assert (tmp_path / "via.html").read_text() == (tmp_path / "local.html").read_text()
        pdf = cli("brief", "-c", path, article)
        assert pdf.code == 0 and (tmp_path / "out" / "briefs" / "peche.pdf").read_bytes().startswith(b"%PDF")
    finally:
        stopped = cli("api", "-c", path, "--stop")
    assert stopped.code == 0 and "stopped" in stopped.err
    assert not (tmp_path / "out" / "api.json").exists()
    after = cli("brief", "-c", path, article, "-o", tmp_path / "after.html")
    assert after.code == 0 and "(briefgen api)" not in after.err
    assert cli("api", "-c", path, "--stop").err.strip().endswith("none was running")
