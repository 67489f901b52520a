"""Hostile input: every kind of bad article file among good ones. Each bad one is reported
with its file (and line, where there is one) and skipped; everything else is built, and the
exit status says something failed. Odd but readable files (UTF-16 with a byte-order mark,
stray control characters, right-to-left text, no punctuation, odd names) are built.

One ``build`` and one ``site`` of the whole corpus, then one test per case.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import make_project, run_cli

OK = "Le préfet a annoncé mardi à Rennes la fermeture de la route. « Elle rouvrira demain », a-t-il dit.\n"
MD = "---\ntitle: {title}\ndate: 2024-03-05\n---\n" + OK

REFUSED = {  # file -> (bytes, what the error says, its line or None)
    "empty.txt": (b"", "empty article", None),
    "blank.txt": (b"  \n\t \n\n", "empty article", None),
    "binary.txt": (bytes(range(256)) * 8, "binary file, not a text article", None),
    "legacy-cp1252.txt": ("date 2024-03-05\nL’élu a parlé à Orléans. « Non », a-t-il dit.\n".encode("cp1252"),
                          "not valid UTF-8 (byte 0x92 at offset 17); it looks like cp1252", 2),
    "legacy-latin1.md": (MD.format(title="Été à Orléans").encode("latin-1"), "iconv -f cp1252 -t utf-8", 2),
    "one-long-line.txt": (("mot " * 260_000).encode(), "more than the 1,000,000 the language models parse", None),
    "too-large.txt": ((OK * 24_000).encode(), "more than limits.article_kb (2,048 KB)", None),
    "date-header.txt": (("Date: le 3 mars\n" + OK).encode(), "date header 'le 3 mars' is not YYYY-MM-DD", 1),
    "bad-yaml.md": (b"---\ntitle: [pas ferme\n---\n" + OK.encode(), "invalid YAML front matter", 3),
    "wrong-types.md": (b"---\ntitle: [1, 2]\ndate: 2024-03-05\nsource: {a: 1}\n---\n" + OK.encode(),
                       "title: must be text, not a list; also line 4: source: must be text, not a mapping", 2),
    "twice.txt": (OK.encode(), "twice.md has the same id 'twice'", None),
    "twice.md": (MD.format(title="Deux fois").encode(), "twice.txt has the same id 'twice'", None),
    "same id.txt": (OK.encode(), "same-id.txt has the same id 'same-id'", None),
    "same-id.txt": (OK.encode(), "same id.txt has the same id 'same-id'", None),
    "only-boilerplate.txt": (b">> LIRE AUSSI : tout le reste\n", "no text once headers and boilerplate", None),
}

BUILT = {  # file -> (bytes, a text the brief's facts must hold in the body)
    "utf16-bom.txt": (OK.encode("utf-16"), "Le préfet a annoncé"),
    "late-nul.txt": ((OK * 200).encode() + b"\x00" + OK.encode(), "Le préfet a annoncé"),
    "controls.txt": ("Le préfet\x07 a annoncé\x1b mardi à Rennes la fermeture.\x0c « Non », a-t-il dit.\n".encode(),
                     "Le préfet a annoncé mardi à Rennes la fermeture.\n« Non »"),
    "mixed-rtl.txt": ("قال المتحدث في رام الله إن الوضع خطير. Le préfet a annoncé mardi à Rennes la fermeture.\n".encode(),
                      "قال المتحدث"),
    "no-punctuation.txt": (("le préfet annonce la fermeture de la route a rennes mardi " * 30).encode(), "le préfet"),
    "with space é.txt": (OK.encode(), "Le préfet"),
    "-leading-dash.md": (MD.format(title="Tiret").encode(), "Le préfet"),
    "ünïcödé.md": (MD.format(title="Unicode").encode(), "Le préfet"),
    ("long-" * 48) + ".txt": (OK.encode(), "Le préfet"),
    "good.md": (MD.format(title="Bon article").encode(), "Le préfet"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-input")
    texts = {name: data for name, (data, *_) in {**REFUSED, **BUILT}.items()}
    project = make_project(root, texts=texts, replace={"  article_kb: 4096 ": "  article_kb: 2048 "})
    build = run_cli("build", "-c", project.config_path)
    site = run_cli("site", "-c", project.config_path)
    return project, build, site


def built_facts(project) -> dict[str, dict]:
    """Facts JSON by source file name."""
    out = {}
    for path in (project.output / "briefs").glob("*.json"):
        facts = json.loads(path.read_text(encoding="utf-8"))
        out[path.stem] = facts
    return out


def test_build_and_site_say_something_failed(corpus):
    _, build, site = corpus
    assert build.code == 1 and site.code == 1
    assert "Traceback" not in build.err + site.err and "internal error" not in build.err + site.err
    assert f"{len(BUILT)} built" in build.err + build.out and f"{len(REFUSED)} failed" in build.err + build.out


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_is_named_with_its_line_and_skipped(corpus, name):
    project, build, site = corpus
    _, says, line = REFUSED[name]
    where = f"{name}:{line}: " if line else f"{name}: "
    for result in (build, site):
        errors = [e for e in result.err.splitlines() if e.startswith("briefgen: error:") and f"{name}:" in e]
        assert errors, result.err
        assert where in errors[0] and says in errors[0], errors[0]
    from pathlib import Path

    from briefgen.ingest import article_id

    stem = article_id(Path(name))
    assert not list((project.output / "briefs").glob(f"{stem}.*"))
    assert not (project.output / "site" / "briefs" / stem).exists()


@pytest.mark.parametrize("name", sorted(BUILT))
def test_an_odd_but_readable_file_is_built(corpus, name):
    project, build, _ = corpus
    from briefgen.ingest import article_id
    from pathlib import Path

    article = article_id(Path(name))
    assert re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", article) and not article.startswith(("-", "."))
    facts = json.loads((project.output / "briefs" / f"{article}.json").read_text(encoding="utf-8"))
    body = (project.seeds / name).read_bytes()
    assert BUILT[name][1] in _text_of(project, name, body)
    html = (project.output / "briefs" / f"{article}.html").read_text(encoding="utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html + json.dumps(facts, ensure_ascii=False))
    assert (project.output / "site" / "briefs" / article / "index.html").is_file()


def _text_of(project, name, raw) -> str:
    from briefgen.ingest import read_article

    return read_article(project.seeds / name).body


def test_long_names_get_short_distinct_ids():
    from pathlib import Path

    from briefgen.ingest import article_id

    assert article_id(Path("plain-name_1.txt")) == "plain-name_1"
    long_a, long_b = article_id(Path("a" * 300 + "1.txt")), article_id(Path("a" * 300 + "2.txt"))
    assert long_a != long_b and len(long_a) <= 80


def test_the_digest_reports_the_bad_files_and_sends_the_rest(corpus, tmp_path):
    project, *_ = corpus
    result = run_cli("digest", "-c", project.config_path, "--week", "2024-W10", "--dry-run")
    assert result.code == 1 and "Traceback" not in result.err
    assert "bad-yaml.md:3: invalid YAML front matter" in result.err
    written = sorted((project.output / "digests").glob("*.eml"))
    assert written and "Bon article" in written[-1].read_bytes().decode("utf-8", "replace")


def test_a_long_run_without_spaces_is_broken_so_the_tokenizer_stays_linear(tmp_path):
    from briefgen.ingest import read_article
    from briefgen.ingest.files import RUN_MAX

    path = tmp_path / "brackets.txt"
    path.write_text("Le maire a parlé. " + "[" * 10_000 + " Fin.\n", encoding="utf-8")
    body = read_article(path).body
    assert max(len(word) for word in body.split()) == RUN_MAX
    assert body.count("[") == 10_000


def test_brief_stops_at_the_time_limit(tmp_path):
    from conftest import write_config

    (tmp_path / "slow.md").write_text("---\ntitle: Lent\n---\n" + "Le maire a parlé. " * 2 + "[ " * 200_000 + "\n",
                                      encoding="utf-8")
    config = write_config(tmp_path / "config.yaml", replace={"  article_seconds: 120 ": "  article_seconds: 2 "})
    result = run_cli("brief", "-c", config, "--no-daemon", tmp_path / "slow.md", "-o", tmp_path / "slow.pdf")
    assert result.code == 1 and "making this brief took longer than 2 s (limits.article_seconds)" in result.err
    assert not (tmp_path / "slow.pdf").exists()
