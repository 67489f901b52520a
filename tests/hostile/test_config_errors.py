"""A configuration with many mistakes of every kind: each is reported with the file, its line
and a hint, all at once, so that one ``briefgen check`` shows everything to fix."""

from __future__ import annotations

import re

from conftest import run_cli, write_config

MISTAKES = {  # a line of the shipped config.yaml -> its mistaken form, and what the error must say
    "  per_page: ": ("  per_pag: ", "site.per_pag: unknown key; did you mean 'per_page'?"),
    "week_start: monday": ("week_start: mondey", "digest.week_start: 'mondey' is not one of monday, sunday (did you mean 'monday'?)"),
    "    retries: 3": ("    retries: [3]", "digest.smtp.retries: expected an integer, got a list"),
    "  port: 8765": ("  port: huit", "api.port: expected an integer, got 'huit'"),
    "  article_seconds: 120 ": ("  article_seconds: -1 ", None),
    "  timeout: 20  ": ("  timeout: 0   ", None),
}


def test_every_structural_mistake_at_once_with_its_line(tmp_path):
    structural = {old: new for old, (new, _) in list(MISTAKES.items())[:4]}
    config = write_config(tmp_path / "config.yaml", replace=structural)
    result = run_cli("check", "-c", config)
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("briefgen: error:")]
    assert len(errors) == 4, result.err
    lines = [int(re.search(r"config\.yaml:(\d+):", e).group(1)) for e in errors]
    assert lines == sorted(lines)
    for (old, (new, says)), error in zip(list(MISTAKES.items())[:4], errors):
        text = config.read_text(encoding="utf-8").splitlines()
        assert new.strip() in text[int(re.search(r":(\d+):", error).group(1)) - 1], (error, new)
        assert says in error


def test_every_bad_value_at_once(tmp_path):
    bad_values = {old: new for old, (new, _) in list(MISTAKES.items())[4:]}
    bad_values["  - '^\\s*>>\\s*(?:À\\s+)?LIRE\\s+AUSSI\\b'"] = "  - '([unclosed'"
    config = write_config(tmp_path / "config.yaml", replace=bad_values)
    result = run_cli("check", "-c", config)
    assert result.code == 2
    assert "limits.article_seconds: must be positive" in result.err
    assert "fetch.timeout: must be positive" in result.err
    assert "boilerplate[0]: invalid regular expression '([unclosed'" in result.err
    assert result.err.count("briefgen: error:") == 3
