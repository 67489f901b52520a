"""Shared fixtures for the briefgen tests.

Everything is real (spaCy, WeasyPrint, pypdf); to stay fast the CLI is called
in-process through ``briefgen.cli.main`` so that spaCy's French pipeline
(``briefgen.extract.load_model`` is cached per process) loads once per session.
One session-wide ``build`` over a temporary project (one French seed, one
English seed) provides the outputs most tests read.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefgen.cli import main  # noqa: E402

REPO_CONFIG = ROOT / "config.yaml"
SEEDS = ROOT / "seeds"
FR_SEED = SEEDS / "000_7b9975ba05c54ee4.txt"
EN_SEED = SEEDS / "07-north-korea-quasi-state-of-war.md"
FR_ID = FR_SEED.stem
EN_ID = EN_SEED.stem


# --------------------------------------------------------------------------- helpers


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    @property
    def out_lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]


def run_cli(*argv: str | os.PathLike) -> CliResult:
    """Run ``briefgen ARGV`` in this process; capture stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([os.fspath(a) for a in argv])
    return CliResult(code, out.getvalue(), err.getvalue())


def yaml_str(value: str | os.PathLike) -> str:
    """A YAML scalar for a path (JSON strings are valid YAML)."""
    return json.dumps(os.fspath(value))


def write_config(dest: Path, *, seeds: Path | str = "seeds", output: Path | str = "out", extra: str = "",
                 replace: dict[str, str] | None = None) -> Path:
    """The repository's config.yaml with ``seeds``/``output`` repointed, written to ``dest``."""
    text = REPO_CONFIG.read_text(encoding="utf-8")
    text, n1 = re.subn(r"(?m)^seeds:.*$", f"seeds: {yaml_str(seeds)}", text)
    text, n2 = re.subn(r"(?m)^output:.*$", f"output: {yaml_str(output)}", text)
    assert n1 == n2 == 1, "config.yaml no longer has top-level seeds:/output: lines"
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text + extra, encoding="utf-8")
    return dest


def pdf_text(path: Path) -> str:
    """All text of a PDF, NFKC-normalised, with every whitespace run removed."""
    import unicodedata

    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return squash(unicodedata.normalize("NFKC", text))


def squash(text: str) -> str:
    """Drop all whitespace (PDF text extraction breaks lines anywhere, e.g. after hyphens)."""
    return re.sub(r"\s+", "", text)


@dataclass
class Project:
    """A temporary briefgen project: config, seeds folder, output folder."""

    root: Path
    config_path: Path
    seeds: Path
    output: Path
    build: CliResult | None = None
    ids: list[str] = field(default_factory=list)

    @property
    def briefs(self) -> Path:
        return self.output / "briefs"

    @property
    def config(self):
        from briefgen.config import load_config

        return load_config(self.config_path)

    def facts(self, article_id: str) -> dict:
        return json.loads((self.briefs / f"{article_id}.json").read_text(encoding="utf-8"))

    def body(self, path: Path) -> str:
        from briefgen.ingest.files import read_article

        return read_article(path, self.config.boilerplate).body


def make_project(root: Path, seed_files=(), texts: dict[str, str | bytes] | None = None,
                 share_cache_from: Project | None = None, **config_kw) -> Project:
    """A project folder with copies of ``seed_files`` and the articles in ``texts``.

    ``share_cache_from`` copies another project's facts cache, so articles that
    project already extracted are not extracted again (the cache key does not
    depend on the output folder).
    """
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for src in seed_files:
        shutil.copy2(src, seeds / Path(src).name)
    for name, data in (texts or {}).items():
        target = seeds / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    output = root / "out"
    if share_cache_from is not None and (share_cache_from.output / "cache").is_dir():
        shutil.copytree(share_cache_from.output / "cache", output / "cache")
    config_path = write_config(root / "config.yaml", seeds="seeds", output="out", **config_kw)
    return Project(root=root, config_path=config_path, seeds=seeds, output=output)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session", autouse=True)
def _one_job():
    """Builds run in the test process (warm models) unless a test asks for --jobs."""
    old = os.environ.get("BRIEFGEN_JOBS")
    os.environ["BRIEFGEN_JOBS"] = "1"
    yield
    if old is None:
        os.environ.pop("BRIEFGEN_JOBS", None)
    else:
        os.environ["BRIEFGEN_JOBS"] = old


@pytest.fixture(scope="session", autouse=True)
def _private_geocode_cache(tmp_path_factory):
    """Keep the geocoder's city-table cache file out of the user's ~/.cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path_factory.mktemp("geocode-cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Project:
    """ONE real ``briefgen build`` (French + English seed), shared by the whole session."""
    project = make_project(tmp_path_factory.mktemp("project"), [FR_SEED, EN_SEED])
    project.build = run_cli("build", "-c", project.config_path)
    project.ids = [FR_ID, EN_ID]
    if project.build.code != 0:
        pytest.fail(f"session build failed ({project.build.code}):\n{project.build.err}")
    return project


@pytest.fixture(scope="session")
def seed_paths(built) -> dict[str, Path]:
    """Article id -> the copy of the seed inside the built project."""
    return {FR_ID: built.seeds / FR_SEED.name, EN_ID: built.seeds / EN_SEED.name}


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def briefgen_cmd() -> list[str]:
    """How to start briefgen in a subprocess: the venv's console script, else ``python -m briefgen``."""
    script = Path(sys.executable).parent / "briefgen"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("briefgen")
    return [found] if found else [sys.executable, "-m", "briefgen"]


# --------------------------------------------------------------------------- extraction on written sentences


@pytest.fixture(scope="session")
def extractor():
    """One extractor (models loaded once) for the rule tests on sentences of our own."""
    from briefgen.config import load_config
    from briefgen.extract import Extractor

    return Extractor(load_config(REPO_CONFIG))


def facts_of(extractor, body: str, language: str = "fr", title: str | None = None):
    """The facts of a body written for a test."""
    from briefgen.ingest.files import Article

    return extractor.extract(Article(id="t", path=Path("t.txt"), body=body, language=language, title=title))


def speakers_of(facts, words: str) -> list[str]:
    """The speakers of the reactions whose text holds ``words``."""
    return [r.speaker for r in facts.reactions if words in r.text]


# --------------------------------------------------------------------------- the static site, in a browser

THIRD = SEEDS / "05-afghanistan-kapisa-transfert.md"
RESTRICTED = "zz-restricted"


@pytest.fixture(scope="session")
def site(built, tmp_path_factory):
    """One ``briefgen site`` over three seeds plus one article marked TLP:AMBER."""
    project = make_project(tmp_path_factory.mktemp("site"), [FR_SEED, EN_SEED, THIRD], share_cache_from=built)
    text = THIRD.read_text(encoding="utf-8").replace("---\n", "---\nmarking: TLP:AMBER\n", 1)
    (project.seeds / f"{RESTRICTED}.md").write_text(text, encoding="utf-8")
    project.build = run_cli("site", "-c", project.config_path)
    if project.build.code != 0:
        pytest.fail(f"site build failed:\n{project.build.err}")
    return project


def site_root(project) -> Path:
    return project.output / "site"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def http_site(site):
    """The built site served over HTTP on 127.0.0.1 under a sub-path (/sub/path/)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    mount = site.root / "www"
    (mount / "sub").mkdir(parents=True, exist_ok=True)
    link = mount / "sub" / "path"
    if not link.exists():
        link.symlink_to(site_root(site), target_is_directory=True)

    class Quiet(SimpleHTTPRequestHandler):
        """Answers a missing path with the site's 404.html, as a web host does."""

        def log_message(self, *args):
            pass

        def send_error(self, code, message=None, explain=None):
            page = site_root(site) / "404.html"
            if code != 404 or not page.is_file():
                return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(mount)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sub/path/"
    server.shutdown()
