"""Bulk builds: ``--jobs`` on real worker processes, skipping what did not change, a dead
worker, and the Dask executor on a real ``LocalCluster``."""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import EN_SEED, FR_SEED, make_project, run_cli

from briefgen.bulk import Task
from briefgen.bulk.executors import run_processes
from briefgen.config import load_config


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def parallel(tmp_path_factory, built):
    """The two seeds built again with --jobs 2, on two real worker processes, no cache."""
    project = make_project(tmp_path_factory.mktemp("parallel"), [FR_SEED, EN_SEED])
    project.build = run_cli("build", "-c", project.config_path, "--jobs", "2")
    return project


def test_two_jobs_make_the_same_briefs_byte_for_byte(parallel, built):
    assert parallel.build.code == 0, parallel.build.err
    assert "(2 jobs" in parallel.build.err
    assert digests(parallel.briefs) == digests(built.briefs)


def test_a_rebuild_with_nothing_changed_touches_nothing(parallel):
    before = {p.name: p.stat().st_mtime_ns for p in parallel.briefs.iterdir()}
    again = run_cli("build", "-c", parallel.config_path, "--jobs", "2")
    assert again.code == 0, again.err
    assert "briefs: 0 built, 2 unchanged, 0 failed" in again.err
    assert {p.name: p.stat().st_mtime_ns for p in parallel.briefs.iterdir()} == before


def test_only_what_changed_is_made_again(tmp_path, built):
    project = make_project(tmp_path, [FR_SEED, EN_SEED], share_cache_from=built)
    assert run_cli("build", "-c", project.config_path, "-j", "1").code == 0
    en = project.seeds / EN_SEED.name
    en.write_text(en.read_text(encoding="utf-8") + "\nA sentence added for the test.\n", encoding="utf-8")
    result = run_cli("build", "-c", project.config_path, "-j", "1")
    assert "briefs: 1 built, 1 unchanged, 0 failed" in result.err, result.err
    assert re.search(rf"{EN_SEED.stem}: \d+ actors", result.err)
    # a brief deleted by hand, or a corrections file added, is made again too
    (project.briefs / f"{FR_SEED.stem}.html").unlink()
    assert "1 built, 1 unchanged" in run_cli("build", "-c", project.config_path, "-j", "1").err
    (project.seeds / f"{EN_SEED.stem}.facts.yaml").write_text("comment: Checked by hand.\n", encoding="utf-8")
    assert "1 built, 1 unchanged" in run_cli("build", "-c", project.config_path, "-j", "1").err
    # and a change of the configuration makes everything again
    project.config_path.write_text(project.config_path.read_text(encoding="utf-8").replace(
        "organisation: briefgen", "organisation: Cellule de veille"), encoding="utf-8")
    assert "2 built, 0 unchanged" in run_cli("build", "-c", project.config_path, "-j", "1").err


def test_a_dead_worker_costs_only_its_article(tmp_path):
    config = load_config(None)
    names = ["a.txt", "b.txt", "poison.txt", "c.txt", "d.txt"]
    batches = [[Task(str(tmp_path / n)) for n in names[:3]], [Task(str(tmp_path / n)) for n in names[3:]]]
    finished = list(run_processes(config, batches, jobs=2, work=__import__("crashing_worker").die_on_poison))
    outcomes = {o.path.rsplit("/", 1)[1]: o for _, results in finished for o in results}
    assert set(outcomes) == set(names)
    assert not outcomes["poison.txt"].ok
    assert "worker process died" in outcomes["poison.txt"].error
    assert all(outcomes[n].ok for n in names if n != "poison.txt"), outcomes


@pytest.mark.parametrize("recycle, most_workers", [(2, None), (100, 2)])
def test_workers_are_replaced_every_recycle_batches(tmp_path, monkeypatch, recycle, most_workers):
    import briefgen.bulk.executors as executors

    monkeypatch.setattr(executors, "RECYCLE", recycle)
    config = load_config(None)
    batches = [[Task(str(tmp_path / f"{n}.txt"))] for n in range(9)]
    finished = list(run_processes(config, batches, jobs=2, work=__import__("crashing_worker").which_worker))
    pids = [results[0].id for _, results in finished]
    assert sorted(b[0].path for b, _ in finished) == sorted(t[0].path for t in batches)  # each batch once
    if most_workers is None:  # pools of 2 x 2 batches: 9 batches need 3 pools, each its own workers
        assert len(set(pids)) >= 3 and max(pids.count(p) for p in set(pids)) <= 2 * recycle
    else:  # one pool: its 2 workers do everything
        assert len(set(pids)) <= most_workers


def test_bad_jobs_and_a_scheduler_without_dask_are_usage_errors(built):
    with pytest.raises(SystemExit) as exit_:
        run_cli("build", "-c", built.config_path, "--jobs", "0")
    assert exit_.value.code == 2
    result = run_cli("build", "-c", built.config_path, "--scheduler", "tcp://127.0.0.1:1")
    assert result.code == 2 and "--scheduler needs --executor dask" in result.err


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


def test_the_dask_executor_builds_the_same_briefs(tmp_path, built, cluster):
    project = make_project(tmp_path, [FR_SEED, EN_SEED])
    result = run_cli("build", "-c", project.config_path, "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert result.code == 0, result.err
    assert "briefs: 2 built, 0 unchanged, 0 failed" in result.err
    assert digests(project.briefs) == digests(built.briefs)
    # its results landed in the same caches: a local rebuild has nothing to do
    assert "0 built, 2 unchanged" in run_cli("build", "-c", project.config_path, "-j", "1").err


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("dask.distributed")
    project = make_project(tmp_path, [EN_SEED])
    result = run_cli("build", "-c", project.config_path, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.code == 2
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in result.err
