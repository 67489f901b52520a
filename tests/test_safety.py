"""Hostile articles: HTML is escaped, rendering fetches nothing, writes are atomic."""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import pytest

from conftest import REPO_CONFIG, make_project, pdf_text, run_cli, squash

HOSTILE = (
    "date 2024-01-17\n"
    "Le président Emmanuel Macron a reçu mercredi à Paris le chancelier allemand Olaf Scholz "
    "pour parler de <script>alert(1)</script> la guerre en Ukraine et de l'aide militaire à Kiev.\n"
    "\n"
    "Les deux dirigeants ont évoqué les livraisons d'armes <img src=http://example.invalid/x.png> "
    "et les sanctions contre la Russie, selon l'Élysée.\n"
    "\n"
    "<link rel=stylesheet href=\"file:///etc/passwd\">\n"
    "\n"
    "« Nous soutiendrons l'Ukraine aussi longtemps qu'il le faudra », a déclaré Emmanuel Macron "
    "devant la presse.\n"
)


# --------------------------------------------------------------------------- helpers


class CountingServer:
    """A tiny HTTP server on 127.0.0.1 that counts the requests it receives."""

    def __init__(self):
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.hits = hits
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def hostile_html(server: CountingServer) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="{server.url('style.css')}">
<style>
@import url("{server.url('import.css')}");
body {{ background: url("{server.url('bg.png')}"); }}
@font-face {{ font-family: X; src: url("{server.url('font.woff')}"); }}
h1 {{ font-family: X, sans-serif; }}
</style></head>
<body><h1>Remote resources</h1>
<img src="{server.url('x.png')}" alt="x">
<img src="file:///etc/passwd" alt="y">
<object data="{server.url('obj.svg')}"></object>
<p>Nothing above may be fetched.</p>
</body></html>"""


@pytest.fixture(scope="module")
def hostile(built, tmp_path_factory):
    """The hostile article rendered by ``briefgen brief`` to HTML and to PDF."""
    project = make_project(tmp_path_factory.mktemp("hostile"), texts={"hostile.txt": HOSTILE})
    article = project.seeds / "hostile.txt"
    html_path, pdf_path = project.root / "brief.html", project.root / "brief.pdf"
    for target in (html_path, pdf_path):
        result = run_cli("brief", "-c", project.config_path, article, "-o", target)
        assert result.code == 0, result.err
    return project, html_path, pdf_path


# --------------------------------------------------------------------------- escaping


def test_article_markup_is_escaped_in_the_html(hostile):
    _, html_path, _ = hostile
    html = html_path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=http://example.invalid/x.png&gt;" in html
    assert "&lt;link rel=stylesheet" in html
    lowered = html.lower()
    for raw in ("<script", "<img", "<link", "example.invalid/x.png>"):
        assert raw not in lowered, raw


def test_escaped_markup_shows_as_text_in_the_pdf(hostile):
    _, _, pdf_path = hostile
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf_path)
    assert squash("<script>alert(1)</script>") in text
    assert squash('<link rel=stylesheet href="file:///etc/passwd">') in text


def test_front_matter_markup_is_escaped(tmp_path):
    from briefgen.config import load_config
    from briefgen.facts.contract import ArticleInfo, Facts
    from briefgen.ingest.files import read_article
    from briefgen.render.renderer import Renderer

    path = tmp_path / "meta.md"
    path.write_text('---\ntitle: "<script>alert(2)</script>"\nsource: "<b onmouseover=x>AFP</b>"\n---\n\n'
                    "Body <em>text</em> <script>alert(3)</script>.\n", encoding="utf-8")
    article = read_article(path)
    facts = Facts(ArticleInfo(article.id, article.title, article.date, "en", article.source))
    html = Renderer(load_config(REPO_CONFIG)).html(article, facts)
    assert "<title>&lt;script&gt;alert(2)&lt;/script&gt;</title>" in html
    assert "<h1>&lt;script&gt;alert(2)&lt;/script&gt;</h1>" in html
    assert "&lt;b onmouseover=x&gt;" in html
    lowered = html.lower()
    assert "<script" not in lowered and "<b " not in lowered and "<em>" not in lowered


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>"])
def test_front_matter_url_cannot_inject_a_script_link(tmp_path, url):
    from briefgen.config import load_config
    from briefgen.facts.contract import ArticleInfo, Facts
    from briefgen.ingest.files import read_article
    from briefgen.render.renderer import Renderer

    path = tmp_path / "link.md"
    path.write_text(f'---\ntitle: Link\nurl: "{url}"\n---\n\nSome text.\n', encoding="utf-8")
    article = read_article(path)
    facts = Facts(ArticleInfo(article.id, article.title, article.date, "en", article.source))
    html = Renderer(load_config(REPO_CONFIG)).html(article, facts).lower()
    assert 'href="javascript:' not in html and 'href="data:' not in html


# --------------------------------------------------------------------------- fetching


def test_fetcher_refuses_network_and_outside_files(tmp_path):
    from briefgen.render.renderer import LocalOnlyFetcher, builtin_templates_dir

    templates = builtin_templates_dir()
    fetcher = LocalOnlyFetcher([templates, tmp_path])
    refused = [
        "http://example.invalid/x.png",
        "https://example.invalid/x.css",
        "http://127.0.0.1:9/x.png",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        (templates / ".." / ".." / ".." / ".." / "etc" / "passwd").as_uri(),
        templates.as_uri() + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "ftp://example.invalid/x",
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert url in fetcher.refused
    assert len(fetcher.refused) == len(refused)


def test_fetcher_allows_the_templates_folder(tmp_path):
    from briefgen.render.renderer import LocalOnlyFetcher, builtin_templates_dir

    css = builtin_templates_dir() / "brief.css"
    fetcher = LocalOnlyFetcher([builtin_templates_dir(), tmp_path])
    response = fetcher.fetch(css.as_uri())
    try:
        assert response.read() == css.read_bytes()
    finally:
        response.close()
    inside_output = tmp_path / "briefs" / "logo.svg"
    inside_output.parent.mkdir()
    inside_output.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    fetcher.fetch(inside_output.as_uri()).close()
    fetcher.fetch("data:text/plain,hello").close()
    assert fetcher.refused == []


def test_fetcher_refuses_a_symlink_that_leaves_the_allowed_folders(tmp_path):
    from briefgen.render.renderer import LocalOnlyFetcher

    allowed = tmp_path / "allowed"
    allowed.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (allowed / "link.txt").symlink_to(secret)
    fetcher = LocalOnlyFetcher([allowed])
    with pytest.raises(ValueError):
        fetcher.fetch((allowed / "link.txt").as_uri())


def test_pdf_rendering_fetches_nothing_from_the_network(built, tmp_path):
    from briefgen.render.renderer import Renderer

    renderer = Renderer(built.config)
    with CountingServer() as server:
        pdf = renderer.pdf(hostile_html(server), tmp_path)
    assert server.hits == []
    assert pdf.startswith(b"%PDF-")
    assert squash("Nothing above may be fetched.") in pdf_text_of(pdf, tmp_path)


def test_the_counting_server_does_count(tmp_path, monkeypatch):
    """Control: WeasyPrint's default fetcher does hit the server, so zero hits above means refusal."""
    from weasyprint import HTML

    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    with CountingServer() as server:
        HTML(string=hostile_html(server), base_url=str(tmp_path) + "/").write_pdf()
    assert server.hits


def pdf_text_of(pdf: bytes, folder: Path) -> str:
    path = folder / "rendered.pdf"
    path.write_bytes(pdf)
    return pdf_text(path)


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_writes_and_replaces(tmp_path):
    from briefgen.atomic import atomic_write

    target = tmp_path / "sub" / "brief.html"
    assert atomic_write(target, "première version") == target
    atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["brief.html"]
    assert target.stat().st_mode & 0o777 == 0o644


class ExplodingStr(str):
    def encode(self, *args, **kwargs):
        raise RuntimeError("encoding failed midway")


@pytest.mark.parametrize("failure", ["encode", "fsync", "chmod", "replace"])
def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch, failure):
    from briefgen.atomic import atomic_write

    target = tmp_path / "brief.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    data: str | bytes = '{"new": true}\n'
    if failure == "encode":
        data = ExplodingStr(data)
    else:
        def boom(*args, **kwargs):
            raise OSError(f"{failure} failed")

        monkeypatch.setattr(os, failure, boom)
    with pytest.raises((OSError, RuntimeError)):
        atomic_write(target, data)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert os.listdir(tmp_path) == ["brief.json"], "temporary file left behind"


def test_atomic_write_interrupted_keeps_the_old_file(tmp_path, monkeypatch):
    from briefgen.atomic import atomic_write

    target = tmp_path / "brief.pdf"
    target.write_bytes(b"%PDF-old")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"%PDF-new")
    monkeypatch.undo()
    assert target.read_bytes() == b"%PDF-old"
    assert os.listdir(tmp_path) == ["brief.pdf"]
