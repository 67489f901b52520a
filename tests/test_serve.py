"""``briefgen serve``: the loopback HTTP server, the watcher, the command.

Fast: the site build is a fake (``briefgen.publish.preview.build_site`` is replaced by a
function that writes an index.html and a 404.html); sockets and file watching
are real.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import run_cli, write_config

from briefgen.publish import preview as serve_mod
from briefgen.config import load_config
from briefgen.errors import BriefgenError
from briefgen.pipeline import Pipeline
from briefgen.publish.preview import Server, snapshot, watch_and_rebuild

FAST = {"debounce_ms": 50, "poll_ms": 100}


@dataclass
class FakeReport:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.01


class FakeSite:
    """Stands for briefgen.publish.site.build_site: writes index.html (with a build counter) and 404.html."""

    def __init__(self):
        self.calls: list[Pipeline] = []
        self.built = threading.Event()
        self.fail_with: Exception | None = None

    def __call__(self, pipeline, progress=None):
        self.calls.append(pipeline)
        try:
            if self.fail_with is not None:
                raise self.fail_with
            out = pipeline.config.output / "site"
            out.mkdir(parents=True, exist_ok=True)
            index = out / "index.html"
            index.write_text(f"<h1>home, build {len(self.calls)}</h1>", encoding="utf-8")
            missing = out / "404.html"
            missing.write_text("<h1>no such page</h1>", encoding="utf-8")
            return FakeReport(written=[index, missing])
        finally:
            self.built.set()


@pytest.fixture
def fake_site(monkeypatch) -> FakeSite:
    fake = FakeSite()
    monkeypatch.setattr(serve_mod, "build_site", fake)
    monkeypatch.setattr(serve_mod, "site_dir", lambda config: config.output / "site")
    return fake


@pytest.fixture
def project(tmp_path) -> Path:
    """A config file with seeds/ (one article) and out/ beside it; returns the config path."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("Un article.\n", encoding="utf-8")
    return write_config(tmp_path / "config.yaml")


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy


def get(url: str):
    """(status, body, headers: case-insensitive) of a GET."""
    try:
        with _DIRECT.open(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8"), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8"), exc.headers


def busy_port() -> socket.socket:
    """A listening socket on 127.0.0.1 (the caller closes it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def touch_until(event: threading.Event, path: Path, timeout: float = 5.0) -> bool:
    """Change ``path`` every 0.2 s until ``event`` is set (the watcher starts at an unknown moment)."""
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n += 1
        path.write_text(f"Un article, version {n}.\n", encoding="utf-8")
        if event.wait(0.2):
            return True
    return False


class Watcher:
    """watch_and_rebuild in a thread, recording rebuilds, errors and reloads."""

    def __init__(self, pipeline: Pipeline, paths=None, **kw):
        self.stop = threading.Event()
        self.rebuilt = threading.Event()
        self.errored = threading.Event()
        self.reloaded = threading.Event()
        self.reports: list = []
        self.errors: list[str] = []
        self.pipelines: list[Pipeline] = []
        self.crashed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(pipeline, paths, kw), daemon=True)

    def _run(self, pipeline, paths, kw):
        try:
            watch_and_rebuild(
                pipeline, paths, self.stop, self._rebuilt,
                on_error=self._error, on_reload=self._reload, **FAST, **kw,
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.crashed = exc

    def _rebuilt(self, report):
        self.reports.append(report)
        self.rebuilt.set()

    def _error(self, message):
        self.errors.append(message)
        self.errored.set()

    def _reload(self, pipeline):
        self.pipelines.append(pipeline)
        self.reloaded.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive(), "watch_and_rebuild did not stop when its stop event was set"
        assert self.crashed is None, repr(self.crashed)


# --------------------------------------------------------------------------- server


def test_server_serves_the_site_on_loopback_only(fake_site, project):
    config = load_config(project)
    fake_site(Pipeline(config))
    with Server(config.output / "site", port=0) as server:
        host, port = server.address
        assert host == "127.0.0.1" and port > 0
        assert server.url == f"http://127.0.0.1:{port}/"
        status, body, headers = get(server.url)
        assert status == 200
        assert body == "<h1>home, build 1</h1>"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        status, body, headers = get(server.url + "no/such/page.html")
        assert status == 404
        assert body == "<h1>no such page</h1>"
        assert headers["Cache-Control"] == "no-store"
        # a folder without index.html is not listed
        (config.output / "site" / "empty").mkdir()
        assert get(server.url + "empty/")[0] == 404
    with pytest.raises(OSError):  # stopped: the port is closed
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_server_without_404_page_answers_plain_404(tmp_path):
    (tmp_path / "index.html").write_text("hi", encoding="utf-8")
    with Server(tmp_path, port=0) as server:
        status, body, _ = get(server.url + "missing")
        assert status == 404 and "404" in body


def test_server_busy_port_is_a_clear_error(tmp_path):
    sock = busy_port()
    try:
        port = sock.getsockname()[1]
        with pytest.raises(BriefgenError) as caught:
            Server(tmp_path, port=port).start()
        message = str(caught.value)
        assert f"port {port}" in message and "--port" in message
    finally:
        sock.close()


def test_server_switches_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "index.html").write_text("A", encoding="utf-8")
    (tmp_path / "b" / "index.html").write_text("B", encoding="utf-8")
    with Server(tmp_path / "a", port=0) as server:
        assert get(server.url)[1] == "A"
        server.directory = tmp_path / "b"
        assert get(server.url)[1] == "B"


# --------------------------------------------------------------------------- watcher


def test_watcher_rebuilds_when_an_article_changes_and_stops(fake_site, project):
    pipeline = Pipeline(load_config(project))
    seeds = project.parent / "seeds"
    with Watcher(pipeline, [seeds]) as watcher:
        assert touch_until(watcher.rebuilt, seeds / "a.txt"), "no rebuild within 5 s of a change"
        assert fake_site.calls and all(p is pipeline for p in fake_site.calls)  # the same, warm pipeline
        assert watcher.reports[0].written
    assert not watcher.errors


def test_watcher_ignores_the_output_folder(fake_site, tmp_path):
    # output inside the watched folder: the site it writes must not trigger rebuilds
    (tmp_path / "seeds").mkdir()
    config_path = write_config(tmp_path / "config.yaml", output="seeds/out")
    pipeline = Pipeline(load_config(config_path))
    with Watcher(pipeline, [tmp_path / "seeds"]) as watcher:
        (tmp_path / "seeds" / "out").mkdir()
        for n in range(10):
            (tmp_path / "seeds" / "out" / "page.html").write_text(str(n), encoding="utf-8")
            time.sleep(0.05)
        assert not watcher.rebuilt.wait(1.0)
        assert touch_until(watcher.rebuilt, tmp_path / "seeds" / "b.txt")


def test_watcher_reports_a_config_error_and_keeps_going(fake_site, project):
    config = load_config(project)
    pipeline = Pipeline(config)
    seeds = project.parent / "seeds"
    good = project.read_text(encoding="utf-8")
    with Watcher(pipeline, since=snapshot(config)) as watcher:  # paths from the configuration: seeds/
        project.write_text("seeds: [unclosed\n", encoding="utf-8")
        assert watcher.errored.wait(5), "the broken configuration was not reported"
        assert str(project) in watcher.errors[0] and "not reloaded" in watcher.errors[0]
        assert not fake_site.calls  # the previous site stays
        assert watcher.thread.is_alive()
        # still watching: an article change rebuilds with the previous configuration
        assert touch_until(watcher.rebuilt, seeds / "a.txt")
        assert fake_site.calls[-1] is pipeline
        # a fixed configuration is reloaded into a new pipeline, then the site rebuilt with it
        watcher.rebuilt.clear()
        project.write_text(good + "\n# fixed\n", encoding="utf-8")
        assert watcher.reloaded.wait(5) and watcher.rebuilt.wait(5)
        assert fake_site.calls[-1] is watcher.pipelines[-1] is not pipeline
    assert len(watcher.errors) == 1


def test_watcher_reloads_a_config_saved_by_rename(fake_site, project):
    # editors often save to a temporary file and rename it over the original
    config = load_config(project)
    pipeline = Pipeline(config)
    text = project.read_text(encoding="utf-8")
    with Watcher(pipeline, since=snapshot(config)) as watcher:
        for n in range(2):
            watcher.reloaded.clear()
            tmp = project.with_name(f".config.yaml.{n}.tmp")
            tmp.write_text(text + f"\n# save {n}\n", encoding="utf-8")
            tmp.replace(project)
            assert watcher.reloaded.wait(5), f"save {n} not seen"


@pytest.mark.parametrize("edit", ["article", "new article", "config"])
def test_changes_during_the_first_build_are_not_missed(fake_site, project, edit):
    # serve() snapshots the inputs, builds (slow), then starts watching
    config = load_config(project)
    since = snapshot(config)
    time.sleep(0.01)  # a distinct mtime even on coarse file systems
    if edit == "article":
        (project.parent / "seeds" / "a.txt").write_text("Un article modifié, plus long.\n", encoding="utf-8")
    elif edit == "new article":
        (project.parent / "seeds" / "b.txt").write_text("Un autre article.\n", encoding="utf-8")
    else:
        project.write_text(project.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with Watcher(Pipeline(config), since=since) as watcher:
        assert watcher.rebuilt.wait(5), "the change made during the first build was not rebuilt"
        assert watcher.reloaded.is_set() == (edit == "config")
    assert len(fake_site.calls) == 1


def test_a_failing_rebuild_is_reported_and_the_loop_goes_on(fake_site, project):
    pipeline = Pipeline(load_config(project))
    seeds = project.parent / "seeds"
    fake_site.fail_with = BriefgenError("seeds folder gone", project)
    with Watcher(pipeline, [seeds]) as watcher:
        assert touch_until(watcher.errored, seeds / "a.txt")
        assert "rebuild failed" in watcher.errors[0] and "seeds folder gone" in watcher.errors[0]
        fake_site.fail_with = None
        assert touch_until(watcher.rebuilt, seeds / "a.txt")


# --------------------------------------------------------------------------- the command


def test_serve_builds_serves_rebuilds_and_stops(fake_site, project):
    config = load_config(project)
    lines: list[str] = []
    ready, rebuilt = threading.Event(), threading.Event()

    def log(line: str) -> None:
        lines.append(line)
        if line.startswith("serving "):
            ready.set()
        if line.startswith("rebuilt in "):
            rebuilt.set()

    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(serve_mod.serve(config, port=0, stop_event=stop, log=log, **FAST)), daemon=True
    )
    thread.start()
    try:
        assert ready.wait(5), lines
        url = next(line for line in lines if line.startswith("serving ")).split()[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        assert lines[-1] == f"serving {url} (Ctrl-C to stop)"
        assert get(url)[1] == "<h1>home, build 1</h1>"
        assert touch_until(rebuilt, project.parent / "seeds" / "a.txt")
        assert "<h1>home, build" in get(url)[1] and get(url)[1] != "<h1>home, build 1</h1>"
        line = next(line for line in lines if line.startswith("rebuilt in "))
        assert line.endswith("s (2 written)")
        assert len({p for p in fake_site.calls}) == 1  # one pipeline for every build
    finally:
        stop.set()
        thread.join(5)
    assert result == [0]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))), timeout=1).close()


def test_cli_serve_busy_port(fake_site, project):
    sock = busy_port()
    try:
        port = sock.getsockname()[1]
        result = run_cli("serve", "-c", project, "--port", str(port))
    finally:
        sock.close()
    assert result.code == 2
    assert f"port {port}" in result.err and "--port" in result.err
    assert not fake_site.calls  # fails before the (slow) first build


def test_cli_serve_bad_port(fake_site, project):
    result = run_cli("serve", "-c", project, "--port", "70000")
    assert result.code == 2 and "70000" in result.err
