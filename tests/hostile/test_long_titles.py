"""Hostile input: very long titles (20 KB, with and without spaces). The build once ran for
minutes on one (laying out a 20 KB unbreakable headline, and matching every topic term at
every word of it); every article is now built, the brief shows the title cut, the facts keep it."""

from __future__ import annotations

import json

from conftest import make_project, pdf_text, run_cli

BODY = "Le préfet a annoncé mardi à Rennes la fermeture de la route. « Elle rouvrira demain », a-t-il dit.\n"


def article(title: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02\n---\n{BODY}"


def test_articles_with_huge_titles_are_built_and_shown_cut(tmp_path):
    words = " ".join(["Réforme des retraites et essais nucléaires à Paris"] * 400)  # ~20 KB
    project = make_project(tmp_path, texts={"words.md": article(words), "unbroken.md": article("A" * 20000),
                                            "normal.md": article("La route fermée")})
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 0, result.err
    for name, title in (("words", words), ("unbroken", "A" * 20000)):
        facts = json.loads((project.output / "briefs" / f"{name}.json").read_text(encoding="utf-8"))
        assert facts["article"]["title"] == title  # the facts keep the title whole
        html = (project.output / "briefs" / f"{name}.html").read_text(encoding="utf-8")
        h1 = html.split("<h1", 1)[1].split("</h1>", 1)[0]
        assert "…" in h1 and len(h1) < 400
        assert "..." in pdf_text(project.output / "briefs" / f"{name}.pdf")  # NFKC: the ellipsis is "..."
    assert (project.output / "briefs" / "normal.pdf").is_file()


def test_a_short_title_is_shown_whole():
    from briefgen.brief.composer import shown_title

    assert shown_title("La route fermée") == "La route fermée"
    assert shown_title("mot " * 100).endswith("mot…") and len(shown_title("mot " * 100)) <= 301
    assert shown_title("x" * 1000) == "x" * 300 + "…"
