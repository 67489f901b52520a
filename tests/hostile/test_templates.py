"""Hostile templates: a user template that reaches for a file outside the template folders
(``/etc/passwd``, ``../../``) is refused with its file and line, never an internal error, and
no byte of the file it named reaches any output."""

from __future__ import annotations

import pytest

from conftest import SEEDS, make_project, run_cli

REACHES = [
    '{% include "/etc/passwd" %}',
    '{% include "../../../../../../etc/passwd" %}',
    '{% extends "/etc/hostname" %}',
    '{% import "/etc/passwd" as x %}',
    "{% include 'brief.css/../../../../../../../etc/passwd' %}",
]


@pytest.mark.parametrize("line", REACHES)
def test_a_template_that_includes_a_system_file_is_refused_with_its_line(tmp_path, line):
    project = make_project(tmp_path, seed_files=[SEEDS / "01-grece-gouvernement-coalition.md"],
                           replace={"templates: null": "templates: templates"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "brief.html.j2").write_text("<!doctype html>\n<title>x</title>\n" + line + "\n",
                                                          encoding="utf-8")
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 1
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert "templates/brief.html.j2:3: template '" in result.err and "not found" in result.err
    assert "by a relative name" in result.err
    written = [p for p in project.output.rglob("*") if p.is_file() and "cache" not in p.parts]
    secret = "root:x:0:0"
    assert not any(secret in p.read_bytes().decode("utf-8", "replace") for p in written)


def test_a_syntax_error_and_an_undefined_name_name_their_line(tmp_path):
    project = make_project(tmp_path, seed_files=[SEEDS / "01-grece-gouvernement-coalition.md"],
                           replace={"templates: null": "templates: templates"})
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "brief.html.j2"
    template.write_text("<p>\n{{ brief.nothing_here.at_all }}\n", encoding="utf-8")
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 1 and "templates/brief.html.j2:2: template error: UndefinedError" in result.err
    template.write_text("<p>\n\n{% if %}\n", encoding="utf-8")
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 1 and "templates/brief.html.j2:3: template syntax error" in result.err
