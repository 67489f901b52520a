"""Hostile requests to ``briefgen api`` with the real brief maker: pathological documents
(100,000 brackets, 50,000 nested quotes, a 10,000-row table, a huge inline image) are either
made or stopped at ``api.timeout`` (504, the worker killed and replaced) or refused by size
(413); the service stays up and the next ordinary brief is made."""

from __future__ import annotations

import base64
import os
import time

import httpx
import pytest

from test_api import ARTICLE, Running, config_for

from briefgen.publish.api import make_app

FRONT = "---\ntitle: Pathologique\ndate: 2024-03-05\n---\n" + ARTICLE.split("\n", 1)[1] + "\n"

DOCUMENTS = {
    "brackets": FRONT + "[" * 100_000 + "\n",
    "nested quotes": FRONT + ">" * 50_000 + " fond\n",
    "table rows": FRONT + "| a | b |\n|---|---|\n" + "".join(f"| Jean {i} | Rennes {i} |\n" for i in range(10_000)),
    "nested lists": FRONT + "".join("  " * i + "- item\n" for i in range(400)),
    "emphasis": FRONT + "*a **b " * 20_000 + "\n",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    config = config_for(tmp_path_factory.mktemp("api-hostile"), "  max_body_kb: 1024\n  timeout: 5\n")
    running = Running(make_app(config))
    yield running
    running.stop()


def post(service, body: str | bytes, timeout: float = 60):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return httpx.post(f"{service.url}/briefs?format=pdf", content=data,
                      headers={"Content-Type": "text/markdown"}, timeout=timeout)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_pathological_document_is_made_or_stopped_in_time(service, name):
    started = time.monotonic()
    reply = post(service, DOCUMENTS[name])
    elapsed = time.monotonic() - started
    assert reply.status_code in (200, 400, 504), reply.text[:300]
    if reply.status_code == 200:
        assert reply.content.startswith(b"%PDF-")
    else:
        assert "error" in reply.json()
    assert elapsed < 5 + 10  # api.timeout, plus the time to kill and answer
    assert httpx.get(f"{service.url}/healthz").json()["status"] == "ok"
    after = post(service, FRONT)
    assert after.status_code == 200 and after.content.startswith(b"%PDF-")


def test_a_huge_inline_image_is_refused_by_size(service):
    image = "![x](data:image/png;base64," + base64.b64encode(os.urandom(2_000_000)).decode() + ")"
    reply = post(service, FRONT + image + "\n")
    assert reply.status_code == 413 and "api.max_body_kb" in reply.json()["error"]
    assert post(service, FRONT).status_code == 200
