"""``briefgen init DIR`` scaffolds a project whose templates override the built-in ones."""

from __future__ import annotations

from conftest import FR_SEED, run_cli


def test_init_writes_a_project_that_checks_and_builds_with_its_own_theme(tmp_path):
    root = tmp_path / "briefing"
    result = run_cli("init", root)
    assert result.code == 0, result.err
    for name in ("config.yaml", "templates/brief.html.j2", "templates/bluf.html.j2", "templates/brief.css",
                 "seeds/.gitkeep", "out/.gitkeep", ".gitignore"):
        assert (root / name).is_file(), name
    assert "templates: templates" in (root / "config.yaml").read_text(encoding="utf-8")

    # a theme change in the project's own stylesheet reaches the brief
    css = root / "templates" / "brief.css"
    css.write_text(css.read_text(encoding="utf-8").replace("--accent: #0b3d91;", "--accent: #7a1f5c;"), encoding="utf-8")
    # a template left out falls back to the built-in one of the same name
    (root / "templates" / "bluf.html.j2").unlink()
    (root / "seeds" / FR_SEED.name).write_bytes(FR_SEED.read_bytes())

    assert run_cli("check", "-c", root / "config.yaml").code == 0
    built = run_cli("build", "-c", root / "config.yaml")
    assert built.code == 0, built.err
    html = (root / "out" / "briefs" / f"{FR_SEED.stem}.html").read_text(encoding="utf-8")
    assert "--accent: #7a1f5c;" in html
    assert 'id="bluf"' in html and "<ul class=\"bluf\">" in html


def test_init_keeps_existing_files_unless_forced(tmp_path):
    root = tmp_path / "briefing"
    root.mkdir()
    (root / "config.yaml").write_text("seeds: seeds\n", encoding="utf-8")
    result = run_cli("init", root)
    assert result.code == 0
    assert (root / "config.yaml").read_text(encoding="utf-8") == "seeds: seeds\n"
    assert "kept" in result.err
    assert run_cli("init", root, "--force").code == 0
    assert "templates: templates" in (root / "config.yaml").read_text(encoding="utf-8")


def test_init_refuses_a_file_in_the_way(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = run_cli("init", target)
    assert result.code == 2 and "not a folder" in result.err
