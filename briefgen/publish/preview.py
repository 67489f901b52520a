"""``briefgen serve``: preview the site on 127.0.0.1, rebuilt when its inputs change.

One long-lived :class:`~briefgen.pipeline.Pipeline` builds the site once, then
again after every change of an article (or its corrections), a user template or
the configuration file, so the spaCy models are loaded once. The site folder is
served by :class:`Server` (``http.server`` in a daemon thread, loopback only);
:func:`watch_and_rebuild` (``watchfiles``) runs in the calling thread and stops
when its ``stop_event`` is set or on Ctrl-C.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..config import Config, load_config
from ..errors import BriefgenError
from ..pipeline import Pipeline

HOST = "127.0.0.1"  # a preview: never reachable from another machine
DEBOUNCE_MS = 1600  # watchfiles' default: changes within this window make one rebuild
POLL_MS = 500  # how often the configuration file is checked when nothing else changes


def build_site(pipeline: Pipeline, progress: Callable[[str], None] | None = None):
    """:func:`briefgen.site.build_site`, imported late (the tests replace this name)."""
    from .site import build_site as build

    return build(pipeline, progress)


def site_dir(config: Config) -> Path:
    from .site import site_dir as folder

    return folder(config)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the HTTP server


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files of one folder: no request log, no caching, the site's own 404 page, no listings."""

    def log_message(self, format, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path) -> str:
        kind = super().guess_type(path)
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"  # briefgen writes UTF-8 only
        return kind

    def list_directory(self, path):
        self.send_error(404, "File not found")  # a static host lists no folders

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory, "404.html")
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        try:
            body = page.read_bytes()
        except OSError:
            super().send_error(code, message, explain)
            return
        # the page's <base href> is the published site's path; the preview lives at /
        body = re.sub(rb'<base href="[^"]*">', b'<base href="/">', body, count=1)
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _HTTPServer(ThreadingHTTPServer):
    # SO_REUSEADDR lets a restarted preview take its port back at once on POSIX;
    # on Windows it would let two servers share the port, so it is left off there
    allow_reuse_address = os.name != "nt"
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # the browser went away mid-answer
            return
        super().handle_error(request, client_address)


class Server:
    """The site folder over HTTP on 127.0.0.1:``port`` (0: any free port), in a daemon thread."""

    def __init__(self, directory: str | os.PathLike, port: int = 8000):
        if not 0 <= port <= 65535:
            raise BriefgenError(f"--port {port}: a port is a number from 0 to 65535")
        self.port = port
        self._directory = Path(directory)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _handler(self):
        return functools.partial(SiteHandler, directory=os.fspath(self._directory))

    @property
    def directory(self) -> Path:
        return self._directory

    @directory.setter
    def directory(self, value: str | os.PathLike) -> None:
        """Serve another folder from the next request on (the configuration's output changed)."""
        self._directory = Path(value)
        if self._httpd is not None:
            self._httpd.RequestHandlerClass = self._handler()

    @property
    def address(self) -> tuple[str, int]:
        if self._httpd is None:
            raise RuntimeError("server not started")
        host, port = self._httpd.server_address[:2]
        return host, port

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}/"

    def start(self) -> Server:
        """Bind (a busy port is a :class:`BriefgenError`) and answer requests in a daemon thread."""
        if self._httpd is not None:
            return self
        try:
            self._httpd = _HTTPServer((HOST, self.port), self._handler())
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)):
                raise BriefgenError(
                    f"port {self.port} on {HOST} is already in use; "
                    f"choose another one with --port (e.g. --port {self.port + 1 if self.port < 65535 else 8000}, "
                    f"or --port 0 for any free port)"
                ) from None
            if exc.errno == errno.EACCES:
                raise BriefgenError(
                    f"port {self.port} on {HOST}: permission denied; choose a port above 1023 with --port"
                ) from None
            raise BriefgenError(f"cannot serve on {HOST}:{self.port}: {exc.strerror or exc}") from None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="briefgen-serve", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering, close the socket, wait for the thread."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------- watching


def watch_paths(config: Config) -> list[Path]:
    """The folders whose changes rebuild the site: the seeds, the user templates (when they exist)."""
    folders = [config.seeds] + ([config.templates] if config.templates is not None else [])
    return [p for p in dict.fromkeys(folders) if p.is_dir()]


class _Filter:
    """watchfiles' default filter (editor swap files, .git, ...), minus the output folder."""

    def __init__(self, exclude: Iterable[Path] = ()):
        import watchfiles

        self._default = watchfiles.DefaultFilter()
        self._exclude = tuple(str(_absolute(p)) for p in exclude)

    def __call__(self, change, path: str) -> bool:
        if any(path == e or path.startswith(e.rstrip(os.sep) + os.sep) for e in self._exclude):
            return False
        return self._default(change, path)


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _signature(path: Path | None):
    """What tells a changed configuration file: inode, size, mtime (None: no such file)."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def snapshot(config: Config, paths: Iterable[str | os.PathLike] | None = None) -> dict[Path, tuple]:
    """Signatures of the configuration file and of every file in the watched folders.

    Taken before the first build and given to :func:`watch_and_rebuild` as
    ``since``, so a change made while the site was building (before the
    watcher started) is not missed.
    """
    folders = [Path(p) for p in paths] if paths is not None else watch_paths(config)
    keep = _Filter([config.output])  # what the watcher ignores is left out here too
    found: dict[Path, tuple] = {}
    for folder in folders:
        for root, dirs, files in os.walk(_absolute(folder)):
            dirs[:] = [d for d in dirs if keep(None, os.path.join(root, d))]
            for name in files:
                path = Path(root, name)
                if keep(None, str(path)) and (sig := _signature(path)) is not None:
                    found[path] = sig
    if config.path is not None and (sig := _signature(config.path)) is not None:
        found[_absolute(config.path)] = sig
    return found


def _changes(paths: list[Path], watch_filter, stop_event: threading.Event, debounce_ms: int,
             poll_ms: int) -> Iterator[set[Path]]:
    """Batches of changed paths; an empty batch every ``poll_ms`` when nothing changed."""
    if not paths:
        while not stop_event.wait(poll_ms / 1000):
            yield set()
        return
    import watchfiles

    for batch in watchfiles.watch(
        *(_absolute(p) for p in paths),
        watch_filter=watch_filter,
        debounce=debounce_ms,
        stop_event=stop_event,
        rust_timeout=poll_ms,
        yield_on_timeout=True,
        raise_interrupt=True,
    ):
        yield {Path(p) for _, p in batch}


def _forget_templates(pipeline: Pipeline) -> None:
    """Drop Jinja2's compiled templates, so a template added to the user folder overrides a built-in."""
    env = getattr(pipeline.renderer, "env", None)
    cache = getattr(env, "cache", None)
    if cache is not None:
        cache.clear()


def rebuild(pipeline: Pipeline, on_rebuild: Callable | None = None,
            on_error: Callable[[str], None] = _say) -> object | None:
    """Build the site again; a failure is reported to ``on_error`` and the previous site stays served."""
    try:
        report = build_site(pipeline, progress=lambda line: None)
    except BriefgenError as exc:
        on_error(f"rebuild failed: {exc}; still serving the previous site")
        return None
    except Exception as exc:  # a bug or a broken template must not stop the preview
        on_error(f"rebuild failed: {type(exc).__name__}: {exc}; still serving the previous site")
        return None
    if on_rebuild is not None:
        on_rebuild(report)
    return report


def watch_and_rebuild(
    pipeline: Pipeline,
    paths: Iterable[str | os.PathLike] | None,
    stop_event: threading.Event,
    on_rebuild: Callable | None = None,
    *,
    on_error: Callable[[str], None] = _say,
    on_reload: Callable[[Pipeline], None] | None = None,
    config_path: str | os.PathLike | None = None,
    since: dict[Path, tuple] | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    poll_ms: int = POLL_MS,
) -> Pipeline:
    """Rebuild the site whenever a watched file changes, until ``stop_event`` is set.

    ``paths``: the folders to watch; None watches :func:`watch_paths` of the
    current configuration (again after it is reloaded). ``config_path``
    (default: the file the pipeline's configuration came from) is checked on
    every change and every ``poll_ms``; when it changed it is reloaded into a
    new pipeline (given to ``on_reload``) before the rebuild; when it is
    invalid, ``on_error`` gets the error and the previous configuration stays.
    ``since``: a :func:`snapshot` taken before the site was last built; what
    changed after it is rebuilt at once (else the state at the call is the
    baseline).
    ``on_rebuild`` gets each :class:`~briefgen.site.SiteReport`; failed
    rebuilds go to ``on_error``. Returns the last pipeline. Ctrl-C raises
    ``KeyboardInterrupt`` as usual.
    """
    fixed = [Path(p) for p in paths] if paths is not None else None
    config_file = Path(config_path) if config_path is not None else pipeline.config.path
    config_key = _absolute(config_file) if config_file is not None else None
    seen = _signature(config_file) if since is None else since.get(config_key)
    pending = False  # a rebuild owed: changes before the watcher started, or new folders to watch
    while not stop_event.is_set():
        watched = fixed if fixed is not None else watch_paths(pipeline.config)
        # watching the file itself loses it when an editor saves by renaming: its folder
        # is not watched either (it may hold .venv, out/...); _signature catches every save
        watch_filter = _Filter([pipeline.config.output])
        restart = False
        for changed in _changes(watched, watch_filter, stop_event, debounce_ms, poll_ms):
            if since is not None:  # the watcher runs now: what changed before it, it did not see
                after = snapshot(pipeline.config, fixed)
                pending |= any(after.get(p) != since.get(p) for p in after.keys() | since.keys() if p != config_key)
                since = None
            now = _signature(config_file)
            reload = config_file is not None and now != seen
            if not (changed or reload or pending):
                continue
            seen = now
            if reload:
                try:
                    config = load_config(config_file)
                except BriefgenError as exc:
                    on_error(f"configuration not reloaded: {exc}; still serving the previous site")
                    continue
                pipeline = Pipeline(config, warn=pipeline.warn)
                if on_reload is not None:
                    on_reload(pipeline)
                if fixed is None and watch_paths(config) != watched:
                    pending = restart = True  # watch the new folders first, then rebuild
                    break
            elif any(_is_under(p, pipeline.config.templates) for p in changed):
                _forget_templates(pipeline)
            pending = False
            rebuild(pipeline, on_rebuild, on_error)
        if not restart:
            break
    return pipeline


def _is_under(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.relative_to(_absolute(folder))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- the command


def serve(config: Config, port: int = 8000, watch: bool = True, *, stop_event: threading.Event | None = None,
          log: Callable[[str], None] = _say, debounce_ms: int = DEBOUNCE_MS, poll_ms: int = POLL_MS) -> int:
    """``briefgen serve``: bind, build once, serve; rebuild on changes until Ctrl-C (or ``stop_event``).

    A busy port fails before the (slow) first build. Returns the exit status.
    """
    stop_event = stop_event or threading.Event()
    server = Server(site_dir(config), port).start()
    try:
        before = snapshot(config) if watch else None
        pipeline = Pipeline(config)
        report = build_site(pipeline, progress=log)
        _report(report, "built the site", log)
        log(f"serving {server.url} (Ctrl-C to stop)")
        try:
            if not watch:
                while not stop_event.wait(0.5):
                    pass
            else:
                def reloaded(new: Pipeline) -> None:
                    server.directory = site_dir(new.config)
                    log(f"reloaded {new.config.path}")

                watch_and_rebuild(
                    pipeline, None, stop_event,
                    on_rebuild=lambda r: _report(r, "rebuilt", log),
                    on_error=lambda message: log(f"briefgen: error: {message}"),
                    on_reload=reloaded,
                    since=before,
                    debounce_ms=debounce_ms,
                    poll_ms=poll_ms,
                )
        except KeyboardInterrupt:
            log("stopped")
        return 0
    finally:
        server.stop()


def _report(report, what: str, log: Callable[[str], None]) -> None:
    """One line per build; then the articles that failed, one line each."""
    failed = list(getattr(report, "failed", []) or [])
    extra = ""
    if report.skipped:
        extra += f"; {len(report.skipped)} left out"
    if failed:
        extra += f"; {len(failed)} article(s) failed"
    log(f"{what} in {report.seconds:.1f}s ({len(report.written)} written){extra}")
    for item in failed:
        message = item[1] if isinstance(item, tuple) else str(item)
        log(f"briefgen: error: {message}")
