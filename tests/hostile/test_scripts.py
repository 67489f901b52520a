"""Hostile input: names in Chinese, Korean and Hindi script. They once showed as empty boxes
in the PDF (no shipped or installed font had them). CI installs fonts-noto-cjk and
fonts-noto-core; the PDF must embed fonts that draw them, and when no installed font has a
letter, the build says which, and which package to install, instead of failing silently."""

from __future__ import annotations

import subprocess

import pytest

from conftest import make_project, pdf_text, run_cli

ARTICLE = """---
title: Sommet à Pékin avec 李明华 et 김서연
date: 2024-03-05
---
Le président Li Minghua (李明华) a reçu mardi à Pékin la ministre Kim Seo-yeon (김서연). « 我们欢迎合作 », a déclaré Li Minghua.
Le ministre Arun Sharma (अरुण शर्मा) a salué la rencontre. « भारत शांति चाहता है », a-t-il dit.
"""


def embedded_fonts(pdf) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_cjk_and_devanagari_are_drawn_with_fonts_that_have_them(tmp_path):
    project = make_project(tmp_path, texts={"sommet.md": ARTICLE})
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 0, result.err
    assert "no installed font has" not in result.err
    pdf = project.output / "briefs" / "sommet.pdf"
    fonts = embedded_fonts(pdf)
    assert "Noto-Sans-CJK" in fonts and "Noto-Sans-Devanagari" in fonts, fonts
    text = pdf_text(pdf)
    assert "李明华" in text and "김서연" in text


def test_letters_no_font_has_are_a_warning_naming_the_article_and_the_package(tmp_path, monkeypatch):
    from briefgen.render import coverage

    latin_only = ([0x20], [0x24F])  # a machine with no font beyond Latin
    monkeypatch.setattr(coverage, "_ranges", lambda: latin_only)
    project = make_project(tmp_path, texts={"sommet.md": ARTICLE})
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 0
    warning = [line for line in result.err.splitlines() if "no installed font has" in line]
    assert warning and "sommet.md" in warning[0], result.err
    assert "李 U+674E CJK UNIFIED IDEOGRAPH-674E" in warning[0] and "fonts-noto-cjk" in warning[0]


def test_the_coverage_of_a_font_range_is_exact():
    from briefgen.render.coverage import _covered

    ranges = ([0x41, 0x4E00], [0x5A, 0x9FFF])
    assert _covered(0x41, ranges) and _covered(0x5A, ranges) and _covered(0x674E, ranges)
    assert not _covered(0x40, ranges) and not _covered(0x5B, ranges) and not _covered(0xAC00, ranges)


@pytest.mark.parametrize("html, expected", [("<p title='中'>abc Łódź</p>", []), ("<b>한국</b>", ["한", "국"])])
def test_only_the_text_beyond_latin_is_checked(monkeypatch, html, expected):
    from briefgen.render import coverage

    monkeypatch.setattr(coverage, "_ranges", lambda: ([0x20], [0x24F]))
    assert coverage.missing(html) == expected
