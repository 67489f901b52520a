"""Configuration: every error names the file, the line and the key; ``briefgen check``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.config import TLP_LEVELS, Config, load_config
from briefgen.errors import BriefgenError
from conftest import EN_SEED, FR_SEED, REPO_CONFIG, make_project, run_cli, write_config

SEEDS_LINE = next(i for i, line in enumerate(REPO_CONFIG.read_text(encoding="utf-8").splitlines(), 1)
                  if line.startswith("seeds:"))


def config_error(path: Path) -> BriefgenError:
    with pytest.raises(BriefgenError) as info:
        load_config(path)
    return info.value


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    (tmp_path / "seeds").mkdir(exist_ok=True)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# --------------------------------------------------------------------------- good configs


def test_repository_config_loads(tmp_path):
    config = load_config(write_config(tmp_path / "config.yaml", seeds="seeds", output="out"))
    assert isinstance(config, Config)
    assert config.path == tmp_path / "config.yaml"
    assert config.seeds == tmp_path / "seeds"  # relative to the config file, not the working folder
    assert config.output == tmp_path / "out"
    assert config.brief.marking in TLP_LEVELS
    assert config.brief.page_size in ("A4", "Letter")
    assert set(config.brief.formats) == {"html", "pdf", "json"}
    assert config.topics and all(t.terms for t in config.topics.values())
    assert all(t.min_sentences == 2 for t in config.topics.values())
    assert {g.name for g in config.gazetteer} >= {"Vostotchny", "Baïkonour"}


def test_absolute_paths_are_kept(tmp_path):
    seeds = tmp_path / "elsewhere"
    seeds.mkdir()
    config = load_config(write(tmp_path, f"seeds: {seeds}\noutput: {tmp_path / 'o'}\n"))
    assert config.seeds == seeds and config.output == tmp_path / "o"


def test_empty_config_gives_the_defaults(tmp_path):
    config = load_config(write(tmp_path, "# nothing\n"))
    assert config.seeds == tmp_path / "seeds"
    assert config.brief.marking == "TLP:CLEAR"


def test_every_tlp_level_is_accepted(tmp_path):
    for level in TLP_LEVELS:
        assert load_config(write(tmp_path, f"brief:\n  marking: '{level}'\n")).brief.marking == level


# --------------------------------------------------------------------------- errors


def test_misspelt_key_suggests_the_right_one(tmp_path):
    path = write_config(tmp_path / "config.yaml", replace={"\nseeds:": "\nseed:"})
    err = config_error(path)
    message = str(err)
    assert "config.yaml" in message and str(path) in message
    assert f":{SEEDS_LINE}:" in message
    assert err.line == SEEDS_LINE
    assert "did you mean 'seeds'" in message
    assert "seed" in message


def test_misspelt_nested_key(tmp_path):
    path = write(tmp_path, "brief:\n  organisation: x\n  page_sise: A4\n")
    message = str(config_error(path))
    assert f"{path}:3:" in message
    assert "brief.page_sise" in message and "did you mean 'page_size'" in message


def test_unknown_key_without_a_close_match_lists_the_valid_ones(tmp_path):
    message = str(config_error(write(tmp_path, "zzzzzz: 1\n")))
    assert ":1:" in message and "zzzzzz" in message
    for key in ("seeds", "output", "templates", "brief", "topics"):
        assert key in message


@pytest.mark.parametrize(
    "text, key, line",
    [
        ("seeds: seeds\nbrief: {page_size: 3}\n", "brief.page_size", 2),
        ("brief:\n  organisation: x\n  page_size: 3\n", "brief.page_size", 3),
        ("topics:\n  x:\n    label: {en: X}\n    terms: {en: [x]}\n    min_sentences: \"two\"\n",
         "topics.x.min_sentences", 5),
        ("brief:\n  formats: pdf\n", "brief.formats", 2),
        ("brief:\n  formats: [pdf, docx]\n", "brief.formats[1]", 2),
        ("models: [fr_core_news_md]\n", "models", 1),
        ("topics:\n  x:\n    terms: {en: x}\n", "topics.x.terms.en", 3),
        ("gazetteer:\n  - {name: X, kind: site, country: RU, lat: north, lon: 1}\n", "gazetteer[0].lat", 2),
        ("seeds: [a, b]\n", "seeds", 1),
    ],
)
def test_wrong_type_names_key_and_line(tmp_path, text, key, line):
    path = write(tmp_path, text)
    err = config_error(path)
    message = str(err)
    assert message.startswith(f"{path}:{line}: "), message
    assert key in message
    assert err.line == line


def test_min_sentences_two_as_text_says_an_integer_is_expected(tmp_path):
    path = write(tmp_path, "topics:\n  x:\n    terms: {en: [x]}\n    min_sentences: \"two\"\n")
    message = str(config_error(path))
    assert "integer" in message and "'two'" in message


def test_bad_marking_lists_the_valid_values(tmp_path):
    path = write_config(tmp_path / "config.yaml", replace={"marking: TLP:CLEAR": "marking: TLP:PURPLE"})
    message = str(config_error(path))
    assert f"{path}:{line_of(path, 'TLP:PURPLE')}:" in message
    assert "brief.marking" in message and "TLP:PURPLE" in message
    for level in TLP_LEVELS:
        assert level in message


def test_missing_templates_folder(tmp_path):
    path = write(tmp_path, "seeds: seeds\ntemplates: no-such-templates\n")
    err = config_error(path)
    assert str(err).startswith(f"{path}:2: ")
    assert "templates" in err.message and "no-such-templates" in err.message


def test_templates_folder_that_exists(tmp_path):
    (tmp_path / "tpl").mkdir()
    assert load_config(write(tmp_path, "templates: tpl\n")).templates == tmp_path / "tpl"


def test_missing_lexicon_file(tmp_path):
    path = write(tmp_path, "lexicons:\n  fr: extra-fr.yaml\n")
    message = str(config_error(path))
    assert f"{path}:2:" in message and "lexicons.fr" in message


@pytest.mark.parametrize(
    "text, line",
    [
        ("seeds: seeds\nbrief:\n  marking: [unclosed\noutput: out\n", 4),
        ("seeds: seeds\noutput: out\n  bad: indent\n", 3),
        ("seeds: 'unterminated\n", 2),
        ("seeds: seeds\n\tbrief: tab\n", 2),
    ],
)
def test_invalid_yaml_names_the_line(tmp_path, text, line):
    path = write(tmp_path, text)
    err = config_error(path)
    assert "invalid YAML" in err.message
    assert err.path == str(path)
    assert err.line == line, str(err)
    assert str(err).startswith(f"{path}:{line}: invalid YAML: ")


def test_duplicate_key(tmp_path):
    path = write(tmp_path, "seeds: a\nseeds: b\n")
    message = str(config_error(path))
    assert f"{path}:2:" in message and "duplicate" in message


def test_invalid_regex_in_boilerplate(tmp_path):
    path = write(tmp_path, "boilerplate:\n  - '^ok$'\n  - '^(unclosed'\n")
    err = config_error(path)
    assert str(err).startswith(f"{path}:3: ")
    assert "boilerplate[1]" in err.message and "(unclosed" in err.message


def test_language_without_a_model(tmp_path):
    path = write(tmp_path, "seeds: seeds\nlanguage: de\n")
    message = str(config_error(path))
    assert f"{path}:2:" in message and "'de'" in message and "auto" in message


def test_bad_topic_id(tmp_path):
    path = write(tmp_path, "topics:\n  Bad_Topic:\n    terms: {en: [x]}\n")
    message = str(config_error(path))
    assert f"{path}:2:" in message and "topics.Bad_Topic" in message


def test_missing_config_file(tmp_path):
    path = tmp_path / "nope.yaml"
    err = config_error(path)
    assert err.path == str(path) and "not found" in err.message


def test_config_path_is_a_folder(tmp_path):
    assert "folder" in config_error(tmp_path).message


def test_config_not_utf8(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"seeds: seeds\norganisation: caf\xe9\n")
    err = config_error(path)
    assert err.line == 2 and "UTF-8" in err.message


# --------------------------------------------------------------------------- through the CLI


@pytest.mark.parametrize(
    "text",
    ["seed: seeds\n", "brief: {page_size: 3}\n", "brief:\n  marking: TLP:PURPLE\n", "seeds: [unclosed\n",
     "boilerplate: ['(']\n", "templates: missing\n"],
)
def test_broken_config_exits_2_with_one_line(tmp_path, text):
    path = write(tmp_path, text)
    for command in ("check", "build"):
        result = run_cli(command, "-c", path)
        assert result.code == 2
        assert result.out == ""
        assert len(result.err_lines) == 1, result.err
        assert result.err_lines[0].startswith(f"briefgen: error: {path}:")


def test_missing_config_through_the_cli(tmp_path):
    result = run_cli("check", "-c", tmp_path / "absent.yaml")
    assert result.code == 2
    assert len(result.err_lines) == 1 and str(tmp_path / "absent.yaml") in result.err_lines[0]


def test_check_good_config(tmp_path):
    project = make_project(tmp_path, [FR_SEED, EN_SEED])
    result = run_cli("check", "-c", project.config_path)
    assert result.code == 0, result.err
    assert len(result.err_lines) == 1
    assert "configuration ok" in result.err and "2/2 article(s) ok" in result.err
    assert not project.output.exists()  # check renders nothing


def test_check_folder_with_an_empty_article(tmp_path):
    project = make_project(tmp_path, [EN_SEED], texts={"empty.txt": ""})
    result = run_cli("check", "-c", project.config_path)
    assert result.code == 1
    errors = [line for line in result.err_lines if line.startswith("briefgen: error:")]
    assert len(errors) == 1
    assert str(project.seeds / "empty.txt") in errors[0] and "empty" in errors[0]
    assert "1/2 article(s) ok" in result.err


def test_check_article_in_a_language_without_a_model(tmp_path):
    project = make_project(tmp_path, texts={"de.md": "---\nlanguage: de\n---\n\nGuten Tag.\n"})
    result = run_cli("check", "-c", project.config_path)
    assert result.code == 1
    assert any(str(project.seeds / "de.md") in line and "'de'" in line for line in result.err_lines)


def test_check_missing_seeds_folder(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("seeds: nowhere\n", encoding="utf-8")
    result = run_cli("check", "-c", path)
    assert result.code == 1
    assert len(result.err_lines) == 1 and "nowhere" in result.err_lines[0]


def test_build_missing_seeds_folder(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("seeds: nowhere\noutput: out\n", encoding="utf-8")
    result = run_cli("build", "-c", path)
    assert result.code == 2
    assert len(result.err_lines) == 1 and "nowhere" in result.err_lines[0]


def test_error_lines_are_single_lines():
    err = BriefgenError("boom", "x/config.yaml", 7)
    assert str(err) == "x/config.yaml:7: boom"
    assert str(BriefgenError("boom", "f.txt")) == "f.txt: boom"
    assert str(BriefgenError("boom")) == "boom"
    assert re.fullmatch(r"[^\n]+", str(err))
