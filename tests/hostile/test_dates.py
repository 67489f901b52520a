"""Hostile input: a date that is not a day of the calendar is refused with its file and line;
the other articles are built and the site is made (it once died on ``2012-02-30``)."""

from __future__ import annotations

import pytest

from conftest import make_project, run_cli

ARTICLE = """---
title: {title}
date: {date}
---
Le préfet a annoncé mardi à Rennes la fermeture de la route. « Elle rouvrira demain », a-t-il dit.
"""


@pytest.mark.parametrize("date", ["2012-02-30", "2023-13", "2023-00-10", "2021-02-29", "0000-01-01"])
def test_an_impossible_date_is_refused_and_the_site_is_built(tmp_path, date):
    project = make_project(tmp_path, texts={"bad.md": ARTICLE.format(title="Fausse date", date=date),
                                            "good.md": ARTICLE.format(title="Bonne date", date="2024-02-29")})
    result = run_cli("site", "-c", project.config_path)
    assert result.code != 0
    assert "bad.md:3: date" in result.err and "Traceback" not in result.err
    assert (project.output / "site" / "briefs" / "good" / "index.html").is_file()
    assert (project.output / "site" / "weeks" / "index.html").is_file()


def test_a_leap_day_is_a_day(tmp_path):
    from briefgen.ingest import read_article

    path = tmp_path / "a.md"
    path.write_text(ARTICLE.format(title="x", date="2024-02-29"), encoding="utf-8")
    assert read_article(path).date == "2024-02-29"
