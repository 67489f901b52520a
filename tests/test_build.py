"""``briefgen build``: every article gives HTML, PDF and JSON, readable and consistent."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import EN_ID, EN_SEED, FR_ID, FR_SEED, make_project, pdf_text, run_cli, squash

FORMATS = ("html", "pdf", "json")


def test_build_exits_zero_and_summarises(built):
    assert built.build.code == 0
    assert built.build.out == ""  # everything human goes to stderr
    assert re.search(r"briefs: 2 built, 0 unchanged, 0 failed in [\d.]+s \(1 job", built.build.err)
    assert "FAILED" not in built.build.err and "error" not in built.build.err.lower()


@pytest.mark.parametrize("article_id", [FR_ID, EN_ID])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_article_gets_every_format(built, article_id, fmt):
    path = built.briefs / f"{article_id}.{fmt}"
    assert path.is_file(), path
    assert path.stat().st_size > 0


def test_nothing_else_in_the_briefs_folder(built):
    expected = {f"{i}.{fmt}" for i in built.ids for fmt in FORMATS}
    assert {p.name for p in built.briefs.iterdir()} == expected


def test_one_progress_line_per_article(built):
    lines = built.build.err_lines
    assert [line[:5] for line in lines if line.startswith("[")] == ["[1/2]", "[2/2]"]  # in the order they finish
    for article_id in built.ids:
        matching = [line for line in lines if re.match(rf"\[[12]/2\] {re.escape(article_id)}: ", line)]
        assert len(matching) == 1, (article_id, lines)
        assert re.search(r"\d+ actors, \d+ places, \d+ stakes, \d+ reactions", matching[0])


def test_json_brief_is_the_facts_object(built):
    for article_id in built.ids:
        facts = built.facts(article_id)
        assert facts["article"]["id"] == article_id
        assert set(facts) >= {"article", "actors", "locations", "stakes", "reactions"}
    assert built.facts(FR_ID)["article"]["language"] == "fr"
    assert built.facts(FR_ID)["article"]["date"] == "2023-09"
    en = built.facts(EN_ID)["article"]
    assert (en["language"], en["date"]) == ("en", "2015-08-21")
    assert en["title"] == "North Korea puts military in 'quasi-state of war'"


def test_pdf_is_a_pdf(built):
    for article_id in built.ids:
        assert (built.briefs / f"{article_id}.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("article_id", [FR_ID, EN_ID])
def test_pdf_names_every_actor(built, article_id):
    facts = built.facts(article_id)
    assert facts["actors"], "no actors extracted"
    text = pdf_text(built.briefs / f"{article_id}.pdf")
    missing = [a["name"] for a in facts["actors"] if squash(a["name"]) not in text]
    assert not missing, f"actors missing from the PDF text: {missing}"


def test_main_actors_of_the_french_seed(built):
    names = {a["name"] for a in built.facts(FR_ID)["actors"]}
    assert {"Vladimir Poutine", "Kim Jong Un"} <= names
    text = pdf_text(built.briefs / f"{FR_ID}.pdf")
    for name in ("Vladimir Poutine", "Kim Jong Un", "Vostotchny"):
        assert squash(name) in text


def test_pdf_carries_the_marking(built):
    marking = built.config.brief.marking
    for article_id in built.ids:
        assert squash(marking) in pdf_text(built.briefs / f"{article_id}.pdf")


@pytest.mark.parametrize("article_id, lang", [(FR_ID, "fr"), (EN_ID, "en")])
def test_html_language(built, article_id, lang):
    html = (built.briefs / f"{article_id}.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert re.search(rf'<html lang="{lang}">', html)
    assert '<meta charset="utf-8">' in html


def test_html_is_self_contained(built):
    """No external stylesheet, script or image: the brief opens offline."""
    for article_id in built.ids:
        html = (built.briefs / f"{article_id}.html").read_text(encoding="utf-8").lower()
        assert "<style>" in html
        for tag in ("<script", "<link", "<img", "<iframe"):
            assert tag not in html, (article_id, tag)
        assert "src=" not in html


def test_html_quotes_the_article_text(built, seed_paths):
    from html import unescape

    for article_id in built.ids:
        html = unescape((built.briefs / f"{article_id}.html").read_text(encoding="utf-8"))
        html = re.sub(r"<sup>\d+</sup>", "", html)  # evidence numbers inside the text
        visible = squash(re.sub(r"<[^>]+>", "", html))
        body = built.body(seed_paths[article_id])
        for paragraph in body.split("\n\n")[:3]:
            assert squash(paragraph) in visible


def test_no_leftover_temp_files(built):
    leftovers = [p for p in built.output.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]
    assert not leftovers


def test_cache_written_once_per_article(built):
    cached = sorted(p.name for p in (built.output / "cache" / "facts").glob("*.json"))
    for article_id in built.ids:
        assert sum(name.startswith(article_id + "-") for name in cached) == 1


def test_second_run_with_the_cache_gives_the_same_json(built, tmp_path):
    """A second build over the same articles, from the first one's cache, writes identical JSON."""
    again = make_project(tmp_path, [FR_SEED, EN_SEED], share_cache_from=built,
                         replace={"formats: [html, pdf, json]": "formats: [json]"})
    result = run_cli("build", "-c", again.config_path)
    assert result.code == 0, result.err
    for article_id in built.ids:
        first = (built.briefs / f"{article_id}.json").read_bytes()
        second = (again.briefs / f"{article_id}.json").read_bytes()
        assert first == second
    assert sorted(p.name for p in again.briefs.iterdir()) == sorted(f"{i}.json" for i in built.ids)


def test_cached_facts_are_served_without_extracting(built, seed_paths):
    """The cache really is read: an extractor that must not run is never called."""
    from briefgen.pipeline import Pipeline

    class MustNotRun:
        def extract(self, article):
            raise AssertionError(f"extracted {article.id} again despite the cache")

    pipeline = Pipeline(built.config)
    pipeline._extractor = MustNotRun()
    for article_id, path in seed_paths.items():
        facts = pipeline.facts(pipeline.read(path))
        assert facts.to_dict() == built.facts(article_id)


def test_changing_the_article_invalidates_the_cache(built, seed_paths, tmp_path):
    from briefgen.pipeline import Pipeline

    copy = tmp_path / EN_SEED.name
    copy.write_text(EN_SEED.read_text(encoding="utf-8") + "\nBoth sides later agreed to talks.\n",
                    encoding="utf-8")
    pipeline = Pipeline(built.config)
    original = pipeline.read(seed_paths[EN_ID])
    edited = pipeline.read(copy)
    assert original.id == edited.id
    assert pipeline.cache_key(original) != pipeline.cache_key(edited)


# ----------------------------------------------------------------- quick subprocess checks


def test_version_and_help_answer_at_once(briefgen_cmd):
    from briefgen import __version__

    version = subprocess.run([*briefgen_cmd, "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"briefgen {__version__}"
    helped = subprocess.run([sys.executable, "-m", "briefgen", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert helped.returncode == 0, helped.stderr
    for command in ("build", "extract", "brief", "check"):
        assert command in helped.stdout


def test_extracting_one_article_keeps_the_cache_of_another(built, tmp_path):
    from briefgen.pipeline import Pipeline

    project = make_project(tmp_path, [EN_SEED], share_cache_from=built, texts={
        # its id, "07-north-korea", is a prefix of the English seed's id
        "07-north-korea.txt": "date 2024-01-17\nLe président Emmanuel Macron a reçu mercredi à Paris "
                              "le chancelier allemand Olaf Scholz.\n",
    })
    cache = project.output / "cache" / "facts"
    en_entries = sorted(cache.glob(f"{EN_ID}-*.json"))
    assert len(en_entries) == 1
    pipeline = Pipeline(project.config)
    pipeline.facts(pipeline.read(project.seeds / "07-north-korea.txt"))
    assert len(list(cache.glob("07-north-korea-????????????????????????????????.json"))) == 1
    assert en_entries[0].is_file(), "the English seed's cached facts were deleted"


def test_every_evidence_reference_has_its_anchor(built):
    """Each ``[n]`` reference in the tables points at a marked sentence of the article text."""
    for article_id in built.ids:
        html = (built.briefs / f"{article_id}.html").read_text(encoding="utf-8")
        refs = set(re.findall(r'href="#s(\d+)"', html))
        anchors = re.findall(r'<mark id="s(\d+)">', html)
        assert refs, article_id
        assert len(anchors) == len(set(anchors))
        assert refs <= set(anchors), sorted(refs - set(anchors), key=int)
