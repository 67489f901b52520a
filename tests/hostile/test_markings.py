"""Hostile input: a handling marking that is not understood fails closed.

A mistyped TLP label must never leave a brief at a lower marking (TLP:CLEAR, the default)
and on the public site: the article is refused with its file and line, the others are built,
and the exit status says something failed."""

from __future__ import annotations

import pytest

from conftest import make_project, run_cli

ARTICLE = """---
title: Réunion au ministère
date: 2024-03-05
marking: {marking}
---
Le ministre de l'Intérieur a réuni lundi à Lyon les préfets de la région. « Nous ne céderons rien », a-t-il déclaré.
"""
OTHER = ARTICLE.replace("marking: {marking}\n", "").replace("Lyon", "Nantes").replace("Réunion", "Visite")


@pytest.mark.parametrize("marking", ["TLP:ROUGE", "tlp-red", "TLP:AMBER-STRICT", "red", "", "[TLP:RED]", "3"])
def test_an_unknown_marking_is_refused_with_its_line(tmp_path, marking):
    project = make_project(tmp_path, texts={"restricted.md": ARTICLE.format(marking=marking), "other.md": OTHER})
    result = run_cli("site", "-c", project.config_path)
    assert result.code != 0
    assert "restricted.md:4: marking" in result.err and "is not a TLP marking" in result.err
    site = project.output / "site"
    assert (site / "briefs" / "other" / "index.html").is_file()  # the others are built
    assert not (site / "briefs" / "restricted").exists()
    assert "Réunion" not in (site / "feed.xml").read_text(encoding="utf-8")


def test_a_near_miss_names_the_marking_it_resembles(tmp_path):
    project = make_project(tmp_path, texts={"a.md": ARTICLE.format(marking="tlp-red")})
    result = run_cli("check", "-c", project.config_path)
    assert result.code != 0 and "did you mean TLP:RED?" in result.err


@pytest.mark.parametrize("marking, expected", [("tlp:amber", "TLP:AMBER"), (" TLP:RED ", "TLP:RED"),
                                               ("TLP:AMBER+STRICT", "TLP:AMBER+STRICT")])
def test_a_known_marking_in_any_case_is_kept(tmp_path, marking, expected):
    from briefgen.ingest import read_article

    path = tmp_path / "a.md"
    path.write_text(ARTICLE.format(marking=f'"{marking}"'), encoding="utf-8")
    assert read_article(path).meta["marking"] == expected


def test_a_mistyped_marking_in_corrections_is_refused(tmp_path):
    project = make_project(tmp_path, texts={"a.md": OTHER, "a.facts.yaml": "marking: TLP:ROUGE\n"})
    result = run_cli("build", "-c", project.config_path)
    assert result.code != 0 and "a.facts.yaml:1: marking" in result.err
    assert not list((project.output / "briefs").glob("a.*"))
