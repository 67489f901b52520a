"""Ingest: plain text and Markdown articles, boilerplate, ids, and every kind of bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.config import load_config
from briefgen.errors import BriefgenError
from briefgen.ingest.files import article_id, find_articles, read_article
from conftest import EN_ID, EN_SEED, FR_SEED, REPO_CONFIG, make_project, run_cli

BOILERPLATE = load_config(REPO_CONFIG).boilerplate
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def ingest_error(path: Path) -> BriefgenError:
    with pytest.raises(BriefgenError) as info:
        read_article(path, BOILERPLATE)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    return info.value


# --------------------------------------------------------------------------- plain text


def test_plain_text_date_header(tmp_path):
    path = write(tmp_path, "a.txt", "date 2023-09-13\nLe sommet a eu lieu.\n\nSecond paragraphe.\n")
    article = read_article(path, BOILERPLATE)
    assert article.date == "2023-09-13"
    assert article.body == "Le sommet a eu lieu.\n\nSecond paragraphe.\n"
    assert "date" not in article.body
    assert [p.strip() for p in article.paragraphs] == ["Le sommet a eu lieu.", "Second paragraphe."]
    assert (article.title, article.language, article.source) == (None, None, None)


def test_plain_text_year_month_header_on_the_first_line_of_text(tmp_path):
    path = write(tmp_path, "a.txt", "date 2023-09 Vladimir Poutine et Kim Jong Un se sont retrouvés.\n")
    article = read_article(path)
    assert article.date == "2023-09"
    assert article.body == "Vladimir Poutine et Kim Jong Un se sont retrouvés.\n"


def test_plain_text_without_header(tmp_path):
    article = read_article(write(tmp_path, "a.txt", "Un texte sans date.\n"))
    assert article.date is None and article.body == "Un texte sans date.\n"


def test_the_seed_article(tmp_path):
    """The shipped seed starts with a space before its date header."""
    raw = FR_SEED.read_text(encoding="utf-8")
    assert raw.startswith(" date 2023-09 ")
    article = read_article(FR_SEED, BOILERPLATE)
    assert article.id == "000_7b9975ba05c54ee4"
    assert article.date == "2023-09"
    assert article.body.startswith("Vladimir Poutine et Kim Jong Un se sont retrouvés mercredi")
    assert "date 2023-09" not in article.body
    assert "LIRE AUSSI" not in article.body
    assert "Première visite depuis 2019" in article.body
    assert "\n\n\n" not in article.body
    assert article.body.endswith("\n") and not article.body.endswith("\n\n")


def test_windows_line_endings_and_bom(tmp_path):
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfdate 2020-01-02\r\nLine one.\r\n\r\nLine two.\r\n")
    article = read_article(path)
    assert article.date == "2020-01-02"
    assert article.body == "Line one.\n\nLine two.\n"


# --------------------------------------------------------------------------- Markdown


def test_markdown_front_matter(tmp_path):
    path = write(tmp_path, "story.md", (
        "---\n"
        "title: \"North Korea puts military in 'quasi-state of war'\"\n"
        "date: 2015-08-21\n"
        "source: \"https://en.wikinews.org/wiki/Example\"\n"
        "language: en\n"
        "license: \"CC BY 2.5\"\n"
        "---\n"
        "\n"
        "First *paragraph* with a [link](https://example.org) and `code`.\n"
        "Still the first paragraph.\n"
        "\n"
        "## A heading\n"
        "\n"
        "- an item\n"
    ))
    article = read_article(path, BOILERPLATE)
    assert article.title == "North Korea puts military in 'quasi-state of war'"
    assert article.date == "2015-08-21"
    assert article.source == "https://en.wikinews.org/wiki/Example"
    assert article.url == "https://en.wikinews.org/wiki/Example"
    assert article.language == "en"
    assert article.licence == "CC BY 2.5"
    assert [p.strip() for p in article.paragraphs] == [
        "First paragraph with a link and code. Still the first paragraph.",
        "A heading",
        "an item",
    ]
    assert "---" not in article.body and "title:" not in article.body


def test_markdown_licence_spelling_and_month_date(tmp_path):
    path = write(tmp_path, "a.md", "---\ndate: 2015-08\nlicence: CC0\nlang: fr\n---\nTexte.\n")
    article = read_article(path)
    assert (article.date, article.licence, article.language) == ("2015-08", "CC0", "fr")


def test_markdown_without_front_matter(tmp_path):
    article = read_article(write(tmp_path, "a.md", "Just *text*.\n"))
    assert article.body == "Just text.\n" and article.title is None


def test_markdown_raw_html_is_kept_as_text(tmp_path):
    article = read_article(write(tmp_path, "a.md", "Hello <b>bold</b> world.\n\n<div>block</div>\n"))
    assert "<b>bold</b>" in article.body  # as text, escaped later by the renderer


def test_the_english_seed():
    article = read_article(EN_SEED, BOILERPLATE)
    assert article.id == EN_ID
    assert article.date == "2015-08-21" and article.language == "en" and article.licence == "CC BY 2.5"
    assert article.body.startswith("According to Yonhap news agency")


# --------------------------------------------------------------------------- boilerplate and ids


def test_boilerplate_lines_are_removed(tmp_path):
    path = write(tmp_path, "a.txt", (
        "date 2023-09\n"
        "Premier paragraphe.\n"
        "\n"
        ">> LIRE AUSSI - Kim Jong-un est arrivé en Russie pour rencontrer Poutine\n"
        "\n"
        "LIRE AUSSI : autre chose\n"
        "\n"
        "Deuxième paragraphe.\n"
        "\n"
        "Read more: https://example.org/other-story\n"
        "\n"
        "See also: something\n"
        "Troisième paragraphe, qui dit lire aussi au milieu de la phrase.\n"
    ))
    article = read_article(path, BOILERPLATE)
    assert [p.strip() for p in article.paragraphs] == [
        "Premier paragraphe.",
        "Deuxième paragraphe.",
        "Troisième paragraphe, qui dit lire aussi au milieu de la phrase.",
    ]
    kept = read_article(path)  # without patterns, nothing is removed
    assert ">> LIRE AUSSI" in kept.body and "Read more:" in kept.body


def test_article_with_only_boilerplate(tmp_path):
    path = write(tmp_path, "a.txt", "date 2023-09\n>> LIRE AUSSI - rien\nRead more: x\n")
    assert "no text" in ingest_error(path).message


@pytest.mark.parametrize(
    "name, expected",
    [
        ("000_7b9975ba05c54ee4.txt", "000_7b9975ba05c54ee4"),
        ("07-north-korea-quasi-state-of-war.md", "07-north-korea-quasi-state-of-war"),
        ("my article (v2).txt", "my-article-v2"),
        ("Corée du Nord.md", "Cor-e-du-Nord"),
        ("###.txt", "article-" + __import__("hashlib").sha1(b"###").hexdigest()[:8]),
    ],
)
def test_article_id_from_the_file_name(tmp_path, name, expected):
    assert article_id(Path(name)) == expected
    assert read_article(write(tmp_path, name, "Du texte.\n")).id == expected


def test_find_articles_sorted_and_filtered(tmp_path):
    for name in ("b.md", "a.txt", "c.markdown", ".hidden.txt", "notes.rst", "d.TXT"):
        write(tmp_path, name, "x\n")
    (tmp_path / "folder.txt").mkdir()
    assert [p.name for p in find_articles(tmp_path)] == ["a.txt", "b.md", "c.markdown", "d.TXT"]


# --------------------------------------------------------------------------- bad files


def test_missing_file(tmp_path):
    assert "no such" in ingest_error(tmp_path / "missing.txt").message


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    assert "folder" in ingest_error(folder).message


@pytest.mark.parametrize("content", ["", "   ", "\n\n\n", " \t \n \r\n", "\ufeff\n"])
def test_empty_or_blank_file(tmp_path, content):
    assert "empty" in ingest_error(write(tmp_path, "blank.txt", content)).message


def test_binary_file(tmp_path):
    err = ingest_error(write(tmp_path, "image.txt", PNG_HEADER))
    assert "binary" in err.message


def test_invalid_utf8_names_the_line(tmp_path):
    path = write(tmp_path, "latin1.txt", "date 2023-09\nPremière ligne.\nDeuxième ligne é.\n".encode("latin-1"))
    err = ingest_error(path)
    assert err.line == 2
    assert str(err).startswith(f"{path}:2: ")
    assert "UTF-8" in err.message and "0xe8" in err.message


def test_invalid_front_matter_yaml(tmp_path):
    path = write(tmp_path, "bad.md", "---\ntitle: ok\ndate: [2015\n---\n\nText.\n")
    err = ingest_error(path)
    assert "front matter" in err.message
    assert err.line is not None and 2 <= err.line <= 4


def test_front_matter_that_is_not_a_mapping(tmp_path):
    path = write(tmp_path, "list.md", "---\n- a\n- b\n---\n\nText.\n")
    assert "mapping" in ingest_error(path).message


def test_bad_date(tmp_path):
    path = write(tmp_path, "date.md", "---\ntitle: x\ndate: 21/08/2015\n---\n\nText.\n")
    err = ingest_error(path)
    assert "21/08/2015" in err.message and err.line == 3


# --------------------------------------------------------------------------- through build


def test_build_with_one_bad_article_among_good_ones(built, tmp_path):
    project = make_project(tmp_path, [EN_SEED], texts={"bad.txt": PNG_HEADER}, share_cache_from=built)
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 1
    for fmt in ("html", "pdf", "json"):
        assert (project.briefs / f"{EN_ID}.{fmt}").is_file()
    assert json.loads((project.briefs / f"{EN_ID}.json").read_text(encoding="utf-8")) == built.facts(EN_ID)
    assert not list(project.briefs.glob("bad.*"))
    bad = str(project.seeds / "bad.txt")
    errors = [line for line in result.err_lines if line.startswith("briefgen: error:")]
    assert len(errors) == 1 and bad in errors[0] and "binary" in errors[0]
    assert any("FAILED" in line and bad in line for line in result.err_lines)
    assert "1 built, 0 unchanged, 1 failed" in result.err
    assert not [p for p in project.output.rglob("*.tmp")]
