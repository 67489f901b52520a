"""Analyst comment: where it comes from, its HTML, and the ICD 203 estimative-language lint (``briefgen check``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefgen.brief.comment import analyst_comment, render_markdown
from briefgen.errors import BriefgenError
from briefgen.brief.estimative import languages, lint, wordlist
from briefgen.ingest.files import read_article
from briefgen.facts.overrides import load_overrides
from conftest import make_project, run_cli


def words(text: str, lang: str) -> list[str]:
    return [f.word for f in lint(text, lang)]


# --------------------------------------------------------------------------- the word lists


def test_every_language_has_the_seven_bands_of_the_scale():
    assert languages() == ["en", "fr"]
    for lang in languages():
        bands = wordlist(lang).scale
        assert [band for band, _ in bands] == ["01-05%", "05-20%", "20-45%", "45-55%", "55-80%", "80-95%", "95-99%"]
    assert [term for _, term in wordlist("en").scale] == [
        "almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely",
        "almost certain"]
    assert wordlist("fr-FR") is wordlist("fr")
    with pytest.raises(BriefgenError, match="no estimative-language word list for language 'de'"):
        lint("Vielleicht.", "de")


# --------------------------------------------------------------------------- lint

EN_SCALE = ["almost no chance", "remote", "very unlikely", "highly improbable", "unlikely", "improbable",
            "roughly even chance", "roughly even odds", "likely", "probable", "very likely", "highly probable",
            "almost certain", "nearly certain"]
FR_SCALE = ["quasiment aucune chance", "pratiquement aucune chance", "très improbable", "très peu probable",
            "improbable", "peu probable", "chances à peu près égales", "probable", "très probable",
            "hautement probable", "quasi certain", "quasi-certaine", "presque certain"]


@pytest.mark.parametrize("term", EN_SCALE)
def test_english_scale_terms_are_not_flagged(term):
    assert lint(f"We judge it {term} that the talks resume before May.", "en") == []


@pytest.mark.parametrize("term", FR_SCALE)
def test_french_scale_terms_are_not_flagged(term):
    assert lint(f"Il est {term} que les pourparlers reprennent avant mai.", "fr") == []


def test_adverbs_of_the_scale_are_not_flagged():
    assert lint("The talks will probably resume; they will almost certainly fail. Improbably, he came.", "en") == []
    assert lint("Les pourparlers reprendront probablement, très probablement même ; quasi certainement.", "fr") == []


def test_non_scale_words_are_flagged_with_line_and_column():
    text = "The strike was a success.\nIt is possible that Moscow\nmight respond; perhaps not.\n"
    found = lint(text, "en", first_line=7)
    assert [(f.line, f.column, f.word) for f in found] == [(8, 7, "possible"), (9, 1, "might"), (9, 16, "perhaps")]
    message = found[0].message
    assert message.startswith("'possible' is not an ICD 203 likelihood term; use one of: almost no chance (01-05%)")
    assert "roughly even chance (45-55%)" in message and message.endswith("almost certain (95-99%)")


def test_french_non_scale_words_are_flagged_and_the_message_names_the_french_scale():
    text = "Moscou pourrait répondre.\nC'est peut-être une erreur, sans doute un test ; il se peut que cela dure."
    found = lint(text, "fr", first_line=3)
    assert [(f.line, f.column, f.word) for f in found] == [
        (3, 8, "pourrait"), (4, 7, "peut-être"), (4, 29, "sans doute"), (4, 50, "il se peut")]
    assert "quasiment aucune chance (01-05%)" in found[0].message
    assert "quasi certain (95-99%)" in found[0].message
    assert words("Éventuellement, un accord vraisemblable, certainement possible.", "fr") == [
        "Éventuellement", "vraisemblable", "certainement", "possible"]


def test_case_and_accents_do_not_matter():
    assert words("PEUT-ETRE. Peut-Etre. Il est TRES PROBABLE.", "fr") == ["PEUT-ETRE", "Peut-Etre"]
    assert words("POSSIBLY.", "en") == ["POSSIBLY"]


def test_longest_match_wins():
    # a scale phrase is one term: 'likely' inside 'very likely' is not looked at again
    assert lint("It is very likely. It is almost certain. It will almost certainly happen.", "en") == []
    assert words("It will certainly happen.", "en") == ["certainly"]
    # a flagged phrase is one finding, not a finding and a scale term
    assert words("An attack is highly likely.", "en") == ["highly likely"]
    assert lint("Il est peu probable, très peu probable même, qu'il vienne.", "fr") == []
    assert words("Il est fort probable qu'il vienne.", "fr") == ["fort probable"]
    # neutral phrases hide the word they hold
    assert lint("Reply as soon as possible; in certain cases, by chance.", "en") == []
    assert lint("Répondre dès que possible ; un certain nombre de pays, certains experts.", "fr") == []


def test_a_capitalised_word_inside_a_sentence_is_a_name():
    assert lint("The vote is set for May 2024, Theresa May said.", "en") == []
    assert words("May the vote be held. The vote may be held.", "en") == ["May", "may"]


def test_mixing_likelihood_and_confidence_in_one_sentence_is_flagged():
    text = "We assess with high confidence that the strike is likely.\nIt is likely. We have high confidence in it."
    found = lint(text, "en")
    assert [(f.line, f.column, f.word) for f in found] == [(1, 16, "high confidence")]
    assert found[0].message == ("the sentence mixes the likelihood term 'likely' with the confidence level "
                                "'high confidence'; ICD 203 keeps them in separate sentences")
    text = "Nous estimons, avec un degré de confiance modéré, qu'une frappe est probable."
    found = lint(text, "fr", first_line=5)
    assert [(f.line, f.column, f.word) for f in found] == [(5, 24, "degré de confiance modéré")]
    assert "'probable'" in found[0].message
    assert words("Avec une confiance élevée, il est très probable qu'il vienne.", "fr") == ["confiance élevée"]
    # a non-scale word mixed with a confidence level: both warnings
    assert words("With low confidence, it may happen.", "en") == ["low confidence", "may"]


def test_quotations_code_and_link_targets_are_not_estimates():
    text = ('Le ministre a dit : « c\'est peut-être la guerre » ; “possible”, selon un autre, et "certainement" '
            "pour un troisième. `peut-être` [voir](https://example.org/possible-accord) <https://x.org/possible>")
    assert lint(text, "fr") == []
    fenced = "Le texte :\n\n```\nil pourrait venir\n```\n\nIl est probable qu'il vienne."
    assert lint(fenced, "fr") == []
    # a confidence level quoted from a source is not the analyst's either
    assert lint('The agency said it had "high confidence". The strike is likely.', "en") == []


def test_markdown_markup_does_not_hide_words():
    assert lint("Il est **très probable** qu'il vienne.", "fr") == []
    assert words("- item one\n- *Possible* relapse.\n# Perhaps", "en") == ["Possible", "Perhaps"]


# --------------------------------------------------------------------------- rendering


def test_raw_html_is_escaped():
    html = render_markdown("Hello <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div>x</div>")
    assert "<script" not in html and "<img" not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_web_and_mail_links_are_links():
    html = render_markdown("[a](javascript:alert(1)) [b](JavaScript:x) [c](data:text/html;base64,PHNjcmlwdD4=) "
                           "[d](https://example.org/?a=1&b=2) [e](mailto:desk@example.org) <javascript:alert(1)>\n\n"
                           "[r][1]\n\n[1]: javascript:alert(1)")
    assert "javascript:" not in html.split("[a](", 1)[0]
    assert html.count("<a ") == 2
    assert '<a href="https://example.org/?a=1&amp;b=2">d</a>' in html
    assert '<a href="mailto:desk@example.org">e</a>' in html
    assert 'href="javascript' not in html.lower() and 'href="data' not in html


def test_images_become_their_alt_text():
    html = render_markdown('See ![the *launch* site <b>](https://example.org/x.png "title") here.')
    assert "<img" not in html and "example.org" not in html
    assert html == "<p>See the launch site &lt;b&gt; here.</p>\n"


def test_markdown_is_rendered():
    html = render_markdown("**Bold**, *em*, `code`\n\n- one\n- two")
    assert "<strong>Bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html


# --------------------------------------------------------------------------- where the comment comes from


def article(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return read_article(path)


def overrides(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_overrides(path)


FRONT = """
---
title: Essai
comment: |
  Front matter note,
  on two lines.
---
Body.
"""


def test_front_matter_comment_is_kept_and_located(tmp_path):
    a = article(tmp_path, "a.md", FRONT)
    assert a.meta["comment"] == "Front matter note,\non two lines.\n"
    comment = analyst_comment(a, None)
    assert comment.markdown == "Front matter note,\non two lines.\n"
    assert (comment.source, comment.first_line) == (a.path, 4)
    assert analyst_comment(article(tmp_path, "b.md", "---\ntitle: x\n---\nBody.\n"), None) is None
    assert analyst_comment(article(tmp_path, "c.txt", "Body.\n"), None) is None


def test_the_overrides_comment_comes_first(tmp_path):
    a = article(tmp_path, "a.md", FRONT)
    o = overrides(tmp_path, "a.facts.yaml", """
        actors: {}
        comment: >
          Overrides note,
          folded.
        """)
    comment = analyst_comment(a, o)
    assert comment.markdown == "Overrides note, folded.\n"
    assert (comment.source, comment.first_line) == (o.path, 3)
    assert comment.layout.splitlines()[1] == "  folded."  # lines as in the file
    assert analyst_comment(a, overrides(tmp_path, "b.facts.yaml", "actors: {}\n")).markdown.startswith("Front")
    assert analyst_comment(a, overrides(tmp_path, "c.facts.yaml", 'comment: ""\n')) is None  # removes it


def test_positions_survive_crlf_and_a_bom(tmp_path):
    (tmp_path / "a.facts.yaml").write_bytes(b"\xef\xbb\xbfcomment: |\r\n  Il pourrait\r\n  venir, peut-\xc3\xaatre.\r\n")
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbf---\r\ncomment: >\r\n  ok\r\n  il pourrait.\r\n---\r\nTexte.\r\n")
    a = read_article(tmp_path / "a.md")
    for comment, expected in ((analyst_comment(a, load_overrides(tmp_path / "a.facts.yaml")), [(2, 6), (3, 10)]),
                              (analyst_comment(a, None), [(4, 6)])):
        assert [(f.line, f.column) for f in lint(comment.layout, "fr", comment.first_line)] == expected


def test_a_comment_that_is_not_text_is_an_error(tmp_path):
    a = article(tmp_path, "a.md", "---\ntitle: x\ncomment: [a, b]\n---\nBody.\n")
    with pytest.raises(BriefgenError) as info:
        analyst_comment(a, None)
    assert str(info.value) == f"{a.path}:3: comment: expected Markdown text, got a list"


# --------------------------------------------------------------------------- briefgen check


def test_check_warns_about_estimative_language(tmp_path):
    project = make_project(tmp_path, texts={
        "a.md": "---\ntitle: A\nlanguage: en\ncomment: |\n  It is very likely.\n  It might rain;"
                " with high confidence it is likely.\n---\nThe body of the article.\n",
        "b.txt": "Une réunion a eu lieu à Paris hier entre les ministres des deux pays.\n",
        "b.facts.yaml": "# corrections\ncomment: >\n    C'est peut-être vrai,\n    « possible » disent-ils.\n",
        "c.md": '---\nlanguage: fr\ncomment: "Il est probable qu\'il vienne."\n---\nTexte.\n',
    })
    seeds = project.seeds
    result = run_cli("check", "-c", project.config_path)
    assert result.code == 0, result.err
    warnings = [line for line in result.err_lines if ": warning: " in line]
    assert [w.split(": warning: ")[0] for w in warnings] == [
        f"{seeds / 'a.md'}:6:6", f"{seeds / 'a.md'}:6:23", f"{seeds / 'b.facts.yaml'}:3:11"]
    assert warnings[0].endswith("'might' is not an ICD 203 likelihood term; use one of: almost no chance (01-05%), "
                                "very unlikely (05-20%), unlikely (20-45%), roughly even chance (45-55%), "
                                "likely (55-80%), very likely (80-95%), almost certain (95-99%)")
    assert "mixes the likelihood term 'might' with the confidence level 'high confidence'" in warnings[1]
    assert "'peut-être' is not an ICD 203 likelihood term" in warnings[2]
    assert result.err_lines[-1].endswith(f"3/3 article(s) ok in {seeds}; 1/1 overrides file(s) ok; "
                                         "3 estimative-language warning(s) in 3 analyst comment(s)")
    strict = run_cli("check", "-c", project.config_path, "--strict")
    assert strict.code == 1 and strict.err == result.err
    # clean comments: --strict passes
    (seeds / "a.md").write_text("---\nlanguage: en\ncomment: It is likely.\n---\nBody.\n", encoding="utf-8")
    (seeds / "b.facts.yaml").write_text("comment: Il est très probable qu'elle reprenne.\n", encoding="utf-8")
    clean = run_cli("check", "-c", project.config_path, "--strict")
    assert clean.code == 0, clean.err
    assert "0 estimative-language warning(s) in 3 analyst comment(s)" in clean.err
