"""The warm service as a daemon: its port file, starting and stopping it, and the CLI's fast path.

In: the configuration. Out: ``out/api.json`` (``{"port", "pid", "config"}``) while a
``briefgen api`` runs for this project; :func:`start_background` and :func:`stop` for
``briefgen api --background`` / ``--stop``; :func:`brief_via_service`, which sends one
article to a running service for ``briefgen brief`` (like ``dmypy`` or the Gradle daemon)
and gives ``None`` when no service answers, so that the CLI makes the brief itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..atomic import atomic_write
from ..config import Config
from ..errors import BriefgenError


def port_file(config: Config) -> Path:
    return config.output / "api.json"


def write_port_file(config: Config, port: int) -> None:
    info = {"port": port, "pid": os.getpid(), "config": str(config.path.resolve()) if config.path else None}
    atomic_write(port_file(config), json.dumps(info) + "\n")


def remove_port_file(config: Config) -> None:
    path = port_file(config)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def running(config: Config, warm: bool = False) -> dict | None:
    """The port file of a live service of this project that answers /healthz (and, with
    ``warm``, whose render workers have loaded everything), else None."""
    info = _port_info(config)
    if info is None:
        return None
    try:
        status, body = _request(info["port"], "GET", "/healthz", timeout=0.5)
        ready = not warm or json.loads(body).get("warm") is True
    except (OSError, ValueError, AttributeError):
        return None
    return info if status == 200 and ready else None


def brief_via_service(config: Config, article: Path, fmt: str) -> bytes | None:
    """The brief of ``article`` made by a running service, or None when none answers. An
    article with a corrections file beside it is left to the CLI (the service makes raw briefs)."""
    from urllib.parse import urlencode

    from ..facts import overrides_path
    from ..ingest import article_id

    info = _port_info(config)
    if info is None or not article.is_file() or overrides_path(article).exists():
        return None
    kind = "text/markdown" if article.suffix.lower() == ".md" else "text/plain"
    query = urlencode({"format": fmt, "id": article_id(article)})
    try:
        status, body = _request(info["port"], "POST", f"/briefs?{query}", article.read_bytes(),
                                {"content-type": kind}, timeout=config.api.timeout + 5, connect_timeout=0.5)
    except _NotListening:
        return None  # a port file left by a service that is gone: make the brief here
    except OSError as exc:
        raise BriefgenError(f"briefgen api on port {info['port']}: {exc}", article) from None
    if status != 200:
        try:
            message = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            message = body[:200].decode("utf-8", "replace")
        raise BriefgenError(f"briefgen api: {message}", article)
    return body


def _port_info(config: Config) -> dict | None:
    """The port file of this project's service if its process lives, else None."""
    try:
        info = json.loads(port_file(config).read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
        int(info["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if info.get("config") != (str(config.path.resolve()) if config.path else None):
        return None  # a service of another configuration
    return info


class _NotListening(OSError):
    """Nothing accepts connections on the service's port."""


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             timeout: float = 5.0, connect_timeout: float | None = None) -> tuple[int, bytes]:
    """One HTTP request to the local service: (status, body). The standard library's client,
    not httpx: a plain request to 127.0.0.1 needs no TLS, redirects or pool, and importing
    httpx would add a tenth of a second to every ``briefgen brief``."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=connect_timeout or timeout)
    try:
        try:
            conn.connect()
        except OSError as exc:
            raise _NotListening(str(exc)) from None
        conn.sock.settimeout(timeout)
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def start_background(config: Config) -> dict:
    """Start ``briefgen api`` detached for this project; wait until it answers."""
    if running(config):
        raise BriefgenError(f"a service already runs for this project ({port_file(config)})")
    config.output.mkdir(parents=True, exist_ok=True)
    log = open(config.output / "api.log", "ab")
    argv = [sys.executable, "-m", "briefgen", "api"] + (["-c", str(config.path)] if config.path else [])
    process = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info = running(config, warm=True)  # back to the user once the first brief is fast
        if info is not None:
            return info
        if process.poll() is not None:
            raise BriefgenError(f"briefgen api stopped at once (exit {process.returncode}); see {config.output / 'api.log'}")
        time.sleep(0.2)
    process.terminate()
    raise BriefgenError(f"briefgen api was not ready within 60 s; see {config.output / 'api.log'}")


def stop(config: Config) -> bool:
    """Stop this project's service (SIGTERM, then wait for its port file to go). False: none ran."""
    try:
        info = json.loads(port_file(config).read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), signal.SIGTERM)
    except (OSError, ValueError, KeyError, TypeError):
        port_file(config).unlink(missing_ok=True)  # a stale file: the service is gone
        return False
    deadline = time.monotonic() + 15
    while port_file(config).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return True
