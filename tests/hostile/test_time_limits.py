"""Hostile input: one article that takes too long is stopped at ``limits.article_seconds``,
reported, and every other article is built (an article once held ``build`` for over 300 s,
and every article after it was never built)."""

from __future__ import annotations

import time

from conftest import make_project, run_cli

from briefgen.bulk.deadline import Overtime, time_limit
from briefgen.bulk.executors import run_processes
from briefgen.bulk.work import Task
from briefgen.config import load_config

SHORT = """---
title: Court
date: 2024-03-01
---
Le préfet a annoncé mardi à Rennes la fermeture de la route. « Elle rouvrira demain », a-t-il dit.
"""


def long_article(sentences: int) -> str:
    """Thousands of quoted sentences: minutes of parsing, far past a few seconds."""
    names = ["Anne Roux", "Marc Vidal", "Inès Garnier", "Yves Caron"]
    cities = ["Lyon", "Nantes", "Brest", "Nice"]
    body = "\n\n".join(
        f"« La crue numéro {i} menace {cities[i % 4]} », a déclaré {names[i % 4]}, maire de {cities[i % 4]}, mardi."
        for i in range(sentences))
    return f"---\ntitle: Long\ndate: 2024-03-01\n---\n{body}\n"


def test_an_article_past_its_time_is_stopped_and_the_others_are_built(tmp_path):
    project = make_project(tmp_path, texts={"a-long.md": long_article(3000), "b-short.md": SHORT})
    config = project.config_path.read_text(encoding="utf-8")
    assert "  article_seconds: 120 " in config
    project.config_path.write_text(config.replace("  article_seconds: 120 ", "  article_seconds: 3 "), encoding="utf-8")
    started = time.monotonic()
    result = run_cli("build", "-c", project.config_path, "--jobs", "1")
    assert result.code == 1
    assert "a-long.md: extracting this article took longer than 3 s (limits.article_seconds)" in result.err
    assert (project.output / "briefs" / "b-short.pdf").is_file()
    assert not list((project.output / "briefs").glob("a-long.*"))
    assert time.monotonic() - started < 60


def test_the_limit_interrupts_python_code_and_is_not_swallowed():
    started = time.monotonic()
    try:
        with time_limit(0.2, "this loop"):
            while True:
                try:
                    sum(range(10_000))
                except Exception:  # noqa: BLE001 - a library's blanket except cannot keep it
                    pass
    except Overtime as exc:
        assert "this loop took longer than 0.2 s" in str(exc)
    assert time.monotonic() - started < 5


def test_a_worker_stuck_beyond_the_alarm_is_killed_from_outside(tmp_path, monkeypatch):
    import briefgen.bulk.executors as executors

    monkeypatch.setattr(executors, "GRACE", 0.5)
    config = load_config(None)
    config.limits.article_seconds = 0.5
    batches = [[Task(str(tmp_path / "a.txt")), Task(str(tmp_path / "poison.txt"))], [Task(str(tmp_path / "b.txt"))]]
    work = __import__("crashing_worker").stuck_on_poison
    finished = list(run_processes(config, batches, jobs=2, work=work))
    outcomes = {o.path.rsplit("/", 1)[1]: o for _, results in finished for o in results}
    assert set(outcomes) == {"a.txt", "poison.txt", "b.txt"}
    assert "took longer than limits.article_seconds and did not stop; its worker was killed" in \
        outcomes["poison.txt"].error
    assert outcomes["a.txt"].ok and outcomes["b.txt"].ok
