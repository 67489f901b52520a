"""Untrusted content cannot reach out or in: images, stylesheets, ``@import``, SVG images,
attachments and Markdown images pointing at a listener on 127.0.0.1 or at ``file:///etc/passwd``,
put in the article text, the front matter, a saved web page, the analyst's comment and a
correction, go through every rendering path (``build``: HTML and PDF; ``brief``; ``site``;
``digest`` with its PDF; the pages opened in Chromium). The listener must see no connection
and no byte of a local file may appear in any output."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from conftest import make_project, run_cli

SECRET = Path("/etc/passwd")


class Listener:
    """Counts every TCP connection to 127.0.0.1:port."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self.sock.close()


def payloads(url: str) -> str:
    return "\n".join([
        f'<img src="{url}/img.png"> <img src="file:///etc/passwd">',
        f'<link rel="stylesheet" href="{url}/a.css"> <link rel="attachment" href="file:///etc/passwd">',
        f'<style>@import url("{url}/b.css"); body {{ background: url("{url}/c.png") }}</style>',
        f'<svg><image href="{url}/d.png"/><image xlink:href="file:///etc/passwd"/></svg>',
        f"![pixel]({url}/e.png) ![local](file:///etc/passwd)",
        f'<iframe src="{url}/f"></iframe><object data="file:///etc/passwd"></object>',
    ])


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, browser):
    listener = Listener()
    socket.create_connection(("127.0.0.1", listener.port)).close()  # the listener does count
    for _ in range(100):
        if listener.connections:
            break
        threading.Event().wait(0.01)
    assert listener.connections == 1
    listener.connections = 0
    url = f"http://127.0.0.1:{listener.port}"
    root = tmp_path_factory.mktemp("no-fetch")
    body = (f"Jean Morel, préfet d'Ille-et-Vilaine, a annoncé mardi à Rennes la fermeture de la route. "
            f"« Elle rouvrira demain », a déclaré Jean Morel.\n\n{payloads(url)}\n")
    article = (f'---\ntitle: "<img src={url}/title.png> Fermeture"\ndate: 2024-03-05\n'
               f'source: "<link rel=stylesheet href={url}/s.css>"\nurl: "{url}/article"\n'
               f'licence: "<img src=file:///etc/passwd>"\n---\n{body}')
    page = (f"<html><head><title>Route fermée</title><link rel=stylesheet href='{url}/p.css'>"
            f"<style>@import '{url}/q.css';</style></head><body><article><h1>Route fermée</h1>"
            + "".join(f"<p>Jean Morel, préfet d'Ille-et-Vilaine, a annoncé mardi à Rennes la fermeture de la "
                      f"route numéro {n}, a fait savoir la mairie, qui prévoit des déviations.</p>" for n in range(6)) +
            f"<img src='{url}/r.png'><svg><image href='{url}/s.png'/></svg></article></body></html>")
    corrections = (f"comment: |\n  Voir ![x]({url}/comment.png) et <img src=\"{url}/c2.png\"> "
                   f"<link rel=attachment href=file:///etc/passwd>\n"
                   f"actors:\n  edit:\n    Jean Morel: {{role: \"<img src={url}/role.png>\"}}\n")
    project = make_project(root, texts={"route.md": article, "page.html": page, "route.facts.yaml": corrections},
                           replace={"attach_pdf: false": "attach_pdf: true"})
    results = [run_cli("build", "-c", project.config_path),
               run_cli("brief", "-c", project.config_path, project.seeds / "page.html", "-o", root / "page.pdf"),
               run_cli("site", "-c", project.config_path),
               run_cli("digest", "-c", project.config_path, "--week", "2024-W10")]
    context = browser.new_context()
    seen = []
    context.on("request", lambda request: seen.append(request.url))
    tab = context.new_page()
    for page_path in sorted((project.output / "site").rglob("index.html"))[:8]:
        tab.goto(page_path.as_uri())
    for brief in (project.output / "briefs").glob("*.html"):
        tab.goto(brief.as_uri())
    context.close()
    yield project, results, listener, seen, root
    listener.close()


def test_every_path_ran(attacked):
    _, results, *_ = attacked
    for result in results:
        assert result.code == 0, result.err


def test_the_listener_saw_no_connection(attacked):
    _, _, listener, _, _ = attacked
    assert listener.connections == 0


def test_the_browser_asked_for_nothing_outside_the_site(attacked):
    project, _, listener, seen, _ = attacked
    outside = [u for u in seen if not u.startswith(("file://" + str(project.output), "data:", "about:"))]
    assert outside == [] and not any(str(listener.port) in u for u in seen)


def test_no_local_file_content_in_any_output(attacked):
    project, _, _, _, root = attacked
    lines = [line for line in SECRET.read_text(encoding="utf-8").splitlines() if line.strip()][:3]
    outputs = [p for p in [*project.output.rglob("*"), root / "page.pdf"] if p.is_file()]
    assert outputs
    for path in outputs:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not any(line in text for line in lines), path


def test_the_payloads_stay_text_in_the_html(attacked):
    from lxml import html as lxml_html

    project, _, listener, _, _ = attacked
    port = str(listener.port)
    for path in (project.output / "briefs").glob("*.html"):
        tree = lxml_html.fromstring(path.read_bytes())
        for element in tree.iter():
            for name, value in element.attrib.items():
                assert port not in value or (element.tag == "a" and name == "href"), (path, element.tag, name, value)
                assert not value.startswith("file:"), (path, element.tag, name, value)
