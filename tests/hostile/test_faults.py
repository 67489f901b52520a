"""Hostile environment: the process killed at any moment, damaged caches, a read-only output
folder, a full disk. Whatever happens, ``out/`` never holds a truncated or empty brief, page,
PDF or JSON file; the next run that finishes cleans up after the broken one and its briefs and
site are byte-identical to a clean build; an environment that cannot be written to gives a
clear error (exit status non-zero, no traceback) and leaves nothing half-made.

One clean build (``build`` then ``site``, in this process, two shipped seeds: one French, one
English) is the reference every other run is compared with. The kill tests run the CLI as a
subprocess in its own process group (``python -m briefgen``, ``--jobs 2`` and ``--jobs 1``) and
SIGKILL the whole group, pool workers and Pagefind included. ``SOURCE_DATE_EPOCH`` is set for
every run (the renderer uses it for an undated article's PDF date, Pagefind's bundle for its
files' times); both seeds are dated, so the bytes do not depend on it.

Temporary files, by their makers: ``atomic_write`` (briefgen/atomic.py) writes
``.<name>.<pid>.<8 random>.tmp`` beside its target; ``index_site`` (briefgen/publish/search.py)
makes ``out/.pagefind-<pid>-<random>/`` and, while it swaps bundles,
``out/site/.pagefind-<pid>-<random>/``. The next run sweeps those of dead processes.

The damaged-cache, read-only and full-disk tests run the CLI in this process (warm models):
an exception that escapes ``briefgen.cli.main`` is what the command line prints as a
traceback, and is counted as one. Mounts (read-only bind mount, small tmpfs) need root; the
tests skip, saying why, when the mount is refused. A broken setup raises :class:`Unexpected`,
not an ``AssertionError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
from conftest import SEEDS, CliResult, make_project

from briefgen.cli import main

USED_SEEDS = [SEEDS / "03-mali-tombouctou-ansar-eddine.md", SEEDS / "07-north-korea-quasi-state-of-war.md"]
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH of every run
ATOMIC_TMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")  # tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")

# --------------------------------------------------------------------------- helpers


class Unexpected(Exception):
    """A test that no longer sets up what it means to (not the fault under test)."""


def expect(condition, message) -> None:
    if not condition:
        raise Unexpected(message)


def is_temp(rel: Path) -> bool:
    """A temporary file or folder of briefgen's (or a file inside one)."""
    return any(part.endswith(".tmp") or part.startswith((".pagefind-", ".pagefind.old-")) for part in rel.parts)


def temp_files(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if is_temp(p.relative_to(out)))


def damaged_files(out: Path) -> list[str]:
    """Every file of ``out`` (temporary ones aside) that is empty, truncated or unreadable:
    each .json parses, each .pdf opens with pypdf and ends with %%EOF, each .html ends with
    </html>, and no file at all is empty."""
    from pypdf import PdfReader

    bad = []
    if not out.is_dir():
        return bad
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if not path.is_file() or is_temp(rel):
            continue
        data = path.read_bytes()
        if not data:
            bad.append(f"{rel}: empty")
            continue
        try:
            if path.suffix == ".json":
                json.loads(data.decode("utf-8"))
            elif path.suffix == ".pdf":
                if not data.rstrip().endswith(b"%%EOF"):
                    raise ValueError("does not end with %%EOF")
                if not PdfReader(io.BytesIO(data)).pages:
                    raise ValueError("no page")
            elif path.suffix == ".html" and not data.rstrip().endswith(b"</html>"):
                raise ValueError("does not end with </html>")
        except Exception as exc:  # noqa: BLE001 - any reason is a damaged file
            bad.append(f"{rel}: {type(exc).__name__}: {exc} ({len(data)} bytes)")
    return bad


def tree(folder: Path, skip_temp: bool = False) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (skip_temp and is_temp(p.relative_to(folder)))}


def tree_difference(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    """What differs between two trees: missing files, extra files, files whose bytes differ."""
    out = [f"missing: {name}" for name in sorted(set(want) - set(got))]
    out += [f"extra: {name}" for name in sorted(set(got) - set(want))]
    out += [f"differs: {name} ({len(got[name])} bytes, clean build {len(want[name])})"
            for name in sorted(set(got) & set(want)) if got[name] != want[name]]
    return out


def digest_of(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*argv) -> CliResult:
    """``briefgen ARGV`` in this process (warm models); an exception that escapes ``main``
    is what the command line would print as a traceback, so it is returned as one."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([os.fspath(a) for a in argv])
        except BaseException:  # noqa: BLE001 - the traceback is the finding
            err.write(traceback.format_exc())
            code = -1
    return CliResult(code, out.getvalue(), err.getvalue())


def subprocess_env(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFGEN_JOBS", "PYTHONSTARTUP")}
    env.update(SOURCE_DATE_EPOCH=EPOCH, BRIEFGEN_CACHE_DIR=str(cache_dir), PYTHONDONTWRITEBYTECODE="1")
    return env


def group_alive(pgid: int) -> list[int]:
    """Live (non-zombie) processes of process group ``pgid``."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(stat.parent.name))
    return alive


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group of ``proc`` (its pool workers and Pagefind too); wait until all are gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not group_alive(proc.pid), f"processes of group {proc.pid} survived SIGKILL"


def start(argv: list[str], project, log: Path, env: dict[str, str]) -> subprocess.Popen:
    handle = log.open("ab")
    try:
        return subprocess.Popen(argv, cwd=project.root, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)
    finally:
        handle.close()  # the child has its own copy


def finish(argv: list[str], project, log: Path, env: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    """Run to the end; the exit status and what it wrote on standard error."""
    log.write_bytes(b"")
    proc = start(argv, project, log, env)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise
    return code, log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def mounted(*args: str, target: Path):
    """``mount ARGS TARGET`` for the block, then unmounted; skip when mounting is refused."""
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("no mount/umount command: cannot make the folder read-only or small")
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} refused (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield target
    finally:
        if subprocess.run(["umount", str(target)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` read-only for the block: chmod 0o555, or (root ignores modes) a read-only bind mount."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "chmod 0o555"
        finally:
            folder.chmod(0o755)
        return
    with mounted("--bind", str(folder), target=folder):
        done = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"remounting a bind mount read-only refused: {done.stderr.strip()}")
        probe = folder / ".probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            writable = False
        else:
            probe.unlink()
            writable = True
        if writable:
            pytest.skip("the read-only bind mount is still writable")
        yield "read-only bind mount"


def error_lines(result: CliResult) -> list[str]:
    return [line for line in result.err_lines if line.startswith("briefgen: error:")]


# --------------------------------------------------------------------------- the clean build


@pytest.fixture(scope="module", autouse=True)
def _epoch():
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The clean build every run is compared with: ``build`` then ``site``, nothing in the way."""
    project = make_project(tmp_path_factory.mktemp("clean"), USED_SEEDS)
    for command in ("build", "site"):
        result = cli(command, "-c", project.config_path)
        assert result.code == 0, f"clean {command} failed:\n{result.err}"
    assert not damaged_files(project.output) and not temp_files(project.output)
    project.trees = {"briefs": tree(project.briefs), "site": tree(project.output / "site")}
    return project


@pytest.fixture(scope="module")
def user_cache(tmp_path_factory) -> Path:
    """BRIEFGEN_CACHE_DIR of the subprocesses (city tables, compiled templates): shared, outside out/."""
    return tmp_path_factory.mktemp("user-cache")


def assert_same_as_clean(project, reference, skip_temp: bool = False) -> None:
    for name in ("briefs", "site"):
        folder = project.output / name if name == "site" else project.briefs
        difference = tree_difference(tree(folder, skip_temp), reference.trees[name])
        assert not difference, f"out/{name} is not the clean build's:\n" + "\n".join(difference)


def briefgen(*argv: str) -> list[str]:
    return [sys.executable, "-m", "briefgen", *argv]


# --------------------------------------------------------------------------- 1. SIGKILL at random moments


# (command, --jobs, what the random delay counts from, the delay's range in seconds). On a busy
# machine a cold run spends 4 to 10 s starting (models, pool) before it writes anything, so
# most kills count from the run's first write in out/ rather than from its start: they land
# between the articles' writes, during rendering, among the site's pages or its search index.
KILLS = [("build", 2, "start", (0.5, 3.0)), ("build", 1, "first write", (0.0, 1.5)),
         ("build", 2, "first write", (0.0, 2.0)), ("site", 2, "first write", (0.0, 1.0)),
         ("site", 1, "first write", (0.2, 1.2))]


def signature(out: Path) -> dict[str, tuple[int, int]]:
    if not out.is_dir():
        return {}
    found = {}
    for path in out.rglob("*"):
        with contextlib.suppress(OSError):
            stat = path.stat()
            found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def run_and_kill(proc: subprocess.Popen, out: Path, anchor: str, delay: float) -> str:
    """SIGKILL ``proc``'s group ``delay`` seconds after its start or after its first write in ``out``;
    what happened, in words (a run may finish first)."""
    started = time.monotonic()
    if anchor == "first write":
        before = signature(out)
        while proc.poll() is None and signature(out) == before:
            if time.monotonic() - started > 120:
                kill_group(proc)
                raise AssertionError("no write in out/ within 120 s")
            time.sleep(0.02)
    wrote = time.monotonic() - started
    try:
        code = proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        at = f"{wrote:.2f}s + {delay:.2f}s" if anchor == "first write" else f"{delay:.2f}s"
        return f"killed at {at}"
    assert code == 0, f"exit {code} before the kill"
    return f"finished ({time.monotonic() - started:.2f}s) before the kill ({anchor} + {delay:.2f}s)"


def test_sigkill_at_random_moments_never_leaves_a_damaged_file_and_the_next_run_finishes_the_job(
        reference, user_cache, tmp_path):
    """Five SIGKILLs (fixed seed) of build and site, --jobs 2 and 1; after each one every file of
    out/ is whole; then build and site finish and out/briefs, out/site equal the clean build's.
    No temporary file of a killed run is left once the next runs finish (the next two tests kill
    inside a write and during indexing on purpose)."""
    rng = random.Random(20240515)
    project = make_project(tmp_path, USED_SEEDS)
    env = subprocess_env(user_cache)
    log = tmp_path / "stderr.log"
    history = []
    for n, (command, jobs, anchor, window) in enumerate(KILLS, 1):
        log.write_bytes(b"")
        proc = start(briefgen(command, "-c", str(project.config_path), "--jobs", str(jobs)), project, log, env)
        try:
            what = run_and_kill(proc, project.output, anchor, rng.uniform(*window))
        except AssertionError as exc:
            raise AssertionError(f"{command} --jobs {jobs}: {exc}\n{log.read_text(errors='replace')}") from None
        history.append(f"{command} --jobs {jobs}: {what}")
        damaged = damaged_files(project.output)
        assert not damaged, f"after kill {n} ({'; '.join(history)}):\n" + "\n".join(damaged)
    left_by_kills = temp_files(project.output)
    for command in ("build", "site"):
        code, err = finish(briefgen(command, "-c", str(project.config_path), "--jobs", "2"), project, log, env)
        assert code == 0 and "Traceback" not in err, f"{command} after the kills ({'; '.join(history)}):\n{err}"
    assert not damaged_files(project.output)
    assert_same_as_clean(project, reference, skip_temp=True)  # leftovers are reported just below
    left = temp_files(project.output)
    assert not left, f"temporary files left: {left} (after the kills: {left_by_kills}; {'; '.join(history)})"


# The random kills above land inside a write only now and then (writes take ~1 ms of a ~10 s
# run); these two kill at the worst moments on purpose, through a wrapper around the CLI.

KILLER = r"""
import os, re, signal, subprocess, sys
what, n = os.environ["BRIEFGEN_TEST_KILL_AT"].split(":")
n, seen = int(n), 0
def die():
    os.killpg(os.getpgrp(), signal.SIGKILL)
if what == "rename":  # atomic_write: the temporary file written and synced, not yet renamed
    real_replace = os.replace
    def replace(src, dst, *args, **kwargs):
        global seen
        if re.fullmatch(r"\..+\.[A-Za-z0-9_]{8}\.tmp", os.path.basename(os.fspath(src))):
            seen += 1
            if seen == n:
                die()
        return real_replace(src, dst, *args, **kwargs)
    os.replace = replace
elif what == "pagefind":  # the search bundle made in out/.pagefind-*/, not yet moved into the site
    real_run = subprocess.run
    def run(cmd, *args, **kwargs):
        global seen
        result = real_run(cmd, *args, **kwargs)
        if "--site" in cmd:
            seen += 1
            if seen == n:
                die()
        return result
    subprocess.run = run
from briefgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def with_caches(root: Path, reference):
    """A project with the clean build's facts and PDF caches (no model to load: fast); the
    stamps of the clean build's own seed paths are no use to it."""
    project = make_project(root, USED_SEEDS, share_cache_from=reference)
    shutil.rmtree(project.output / "cache" / "build", ignore_errors=True)
    return project


def killed_at(moments: list[tuple[str, str]], reference, user_cache, tmp_path, then=("build", "site")):
    """Kill ``build``/``site`` at each moment, then run ``then`` to the end; return the project
    and the temporary files each kill left."""
    project = with_caches(tmp_path, reference)
    log = tmp_path / "stderr.log"
    left = []
    for command, moment in moments:
        env = {**subprocess_env(user_cache), "BRIEFGEN_TEST_KILL_AT": moment}
        code, err = finish([sys.executable, "-c", KILLER, command, "-c", str(project.config_path), "--jobs", "1"],
                           project, log, env)
        expect(code == -signal.SIGKILL, f"{command} was not killed at {moment} (exit {code}):\n{err}")
        damaged = damaged_files(project.output)
        expect(not damaged, f"after the kill of {command} at {moment}:\n" + "\n".join(damaged))
        left.append((command, moment, temp_files(project.output)))
    env = subprocess_env(user_cache)
    for command in then:
        code, err = finish(briefgen(command, "-c", str(project.config_path), "--jobs", "1"), project, log, env)
        expect(code == 0 and "Traceback" not in err, f"{command} after the kills:\n{err}")
    expect(not damaged_files(project.output), damaged_files(project.output))
    return project, left


def test_a_kill_between_write_and_rename_leaves_nothing_once_the_next_run_finishes(reference, user_cache, tmp_path):
    moments = [("build", "rename:3"), ("site", "rename:4")]
    project, left = killed_at(moments, reference, user_cache, tmp_path)
    for command, moment, files in left:  # each kill did hit a write (else this test proves nothing)
        expect(any(ATOMIC_TMP.fullmatch(Path(f).name) for f in files), f"{command} at {moment} left no temporary file")
    assert temp_files(project.output) == [], f"left after a finished build and site: {temp_files(project.output)}"
    assert_same_as_clean(project, reference)


def test_a_kill_during_search_indexing_leaves_nothing_once_the_next_run_finishes(reference, user_cache, tmp_path):
    project, left = killed_at([("site", "pagefind:1")], reference, user_cache, tmp_path, then=("site",))
    expect(any(f.startswith(".pagefind-") for f in left[0][2]), f"the kill left no bundle folder: {left}")
    expect((project.output / "site" / "pagefind" / "pagefind-entry.json").is_file(), "no search index after site")
    assert temp_files(project.output) == [], f"left after a finished site: {temp_files(project.output)}"
    difference = tree_difference(tree(project.output / "site"), reference.trees["site"])
    assert not difference, "out/site is not the clean build's:\n" + "\n".join(difference)


# --------------------------------------------------------------------------- 2. damaged cache entries


DAMAGE = {  # name -> what it makes of an entry's bytes
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: bytes(random.Random(len(data)).randrange(256) for _ in range(len(data))),
    "zero-bytes": lambda data: b"",
}
WRONG_FACTS = {  # valid JSON, not the facts' shape
    "json-list": lambda d: [],
    "json-article-only": lambda d: {"article": d["article"]},  # actors, places, stakes, reactions missing
    "json-lat-is-text": lambda d: {**d, "locations": [{**x, "lat": "north"} for x in d["locations"]]},
}
WRONG_STAMP = {  # valid JSON, not a stamp's shape
    "json-list": lambda d: [],
    "json-no-outputs": lambda d: {k: v for k, v in d.items() if k != "outputs"},
}


def _json_damage(change):
    return lambda data: json.dumps(change(json.loads(data.decode("utf-8")))).encode("utf-8")



CASES = [
    *(pytest.param("facts", name, DAMAGE[name], id=f"facts-{name}") for name in DAMAGE),
    *(pytest.param("facts", name, _json_damage(change), id=f"facts-{name}") for name, change in WRONG_FACTS.items()
      if name == "json-list"),
    pytest.param("facts", "json-article-only", _json_damage(WRONG_FACTS["json-article-only"]), id="facts-json-article-only",
                 ),
    pytest.param("facts", "json-lat-is-text", _json_damage(WRONG_FACTS["json-lat-is-text"]), id="facts-json-lat-is-text",
                 ),
    *(pytest.param("pdf", name, DAMAGE[name], id=f"pdf-{name}")
      for name in DAMAGE),
    pytest.param("build", "garbage", DAMAGE["garbage"], id="stamp-garbage"),
    *(pytest.param("build", name, _json_damage(change), id=f"stamp-{name}",
                   ) for name, change in WRONG_STAMP.items()),
]


@pytest.mark.parametrize(("cache", "name", "damage"), CASES)
def test_a_damaged_cache_entry_is_detected_and_rebuilt(reference, tmp_path, cache, name, damage):
    """One entry of out/cache/<cache> (the French article's) damaged after a good build; the next
    build makes the clean build's briefs and puts a good entry back (facts and PDF caches: the
    clean build's bytes)."""
    project = with_caches(tmp_path, reference)
    first = cli("build", "-c", project.config_path)  # this project's own stamps, as after any build
    expect(first.code == 0, first.err)
    entries = sorted((project.output / "cache" / cache).glob("*.json" if cache != "pdf" else "*.pdf"))
    expect(len(entries) == len(USED_SEEDS), entries)
    if cache == "facts":
        entries = [e for e in entries if e.name.startswith(USED_SEEDS[0].stem)]
    else:  # PDFs and stamps are named by hashes: the one that is the French article's
        french = reference.trees["briefs"][f"{USED_SEEDS[0].stem}.pdf"]
        entries = [e for e in entries if (e.read_bytes() == french if cache == "pdf"
                                          else USED_SEEDS[0].stem in e.read_text(encoding="utf-8"))]
    expect(len(entries) == 1, entries)
    data = damage(entries[0].read_bytes())
    expect(data != entries[0].read_bytes(), "the damage changed nothing")
    entries[0].write_bytes(data)
    result = cli("build", "-c", project.config_path)
    assert result.code == 0 and "Traceback" not in result.err, f"build over a {name} {cache} cache entry:\n{result.err}"
    assert not error_lines(result), result.err
    difference = tree_difference(tree(project.briefs), reference.trees["briefs"])
    assert not difference, f"out/briefs after a {name} {cache} cache entry:\n" + "\n".join(difference)
    assert not damaged_files(project.output) and not temp_files(project.output)
    if cache in ("facts", "pdf"):
        folder = Path("cache") / cache
        assert tree(project.output / folder) == tree(reference.output / folder), f"out/{folder} was not rebuilt"


# --------------------------------------------------------------------------- 3. read-only out/


@pytest.mark.parametrize("command", ["build", "site"])
def test_a_read_only_output_folder_is_a_clear_error(tmp_path, command):
    project = make_project(tmp_path, USED_SEEDS)
    project.output.mkdir()
    seeds_before = digest_of(project.seeds)
    with read_only(project.output) as how:
        result = cli(command, "-c", project.config_path)
        written = sorted(str(p.relative_to(project.output)) for p in project.output.rglob("*"))
    beside = sorted(p.name for p in tmp_path.iterdir())
    expect(beside == ["config.yaml", "out", "seeds"], f"written beside out/: {beside}")
    expect(digest_of(project.seeds) == seeds_before, "the seeds changed")
    expect(written == [], f"files in the read-only out/ ({how}): {written}")
    assert result.code not in (0, -1), f"{command} into a read-only out/ ({how}): exit {result.code}\n{result.err}"
    assert "Traceback" not in result.err, result.err
    errors = error_lines(result)
    assert errors, result.err
    assert not [e for e in errors if "internal error" in e], "\n".join(errors)
    assert all(str(project.output) in e and re.search(r"read-only|not writable|cannot write|permission", e, re.IGNORECASE)
               for e in errors), "the error must name the folder and say it cannot be written:\n" + "\n".join(errors)


# --------------------------------------------------------------------------- 4. disk full




@pytest.mark.parametrize(("command", "sizes"), [
    pytest.param("build", ("96k", "256k", "512k", "1m", "2m", "4m"), id="build"),
    pytest.param("site", ("256k", "512k", "768k", "1m", "1280k", "1536k", "2m"), id="site"),
])
def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path, command, sizes):
    """Disks of growing sizes, until one holds everything: each that fills up (while pages, PDFs
    or the search index are written, as the size falls) gives one clear error and leaves no
    damaged or temporary file; the output's size decides where that happens, not the test."""
    filled = []
    for size in sizes:
        root = tmp_path / size
        project = make_project(root, USED_SEEDS)
        project.output.mkdir()
        seeds_before = digest_of(project.seeds)
        with mounted("-t", "tmpfs", "-o", f"size={size}", "tmpfs", target=project.output):
            result = cli(command, "-c", project.config_path)
            damaged, temps = damaged_files(project.output), temp_files(project.output)
        expect(digest_of(project.seeds) == seeds_before, "the seeds changed")
        assert not damaged, f"{size}: " + "\n".join(damaged)
        assert not temps, f"{size}: temporary files left on the full disk: {temps}"
        assert "Traceback" not in result.err, f"{size}: {result.err}"
        if result.code == 0:
            break
        filled.append(size)
        errors = error_lines(result)
        assert errors and not [e for e in errors if "internal error" in e], f"{size}: {result.err}"
        assert any(re.search(r"no space left|disk (is )?full", e, re.IGNORECASE) for e in errors), f"{size}: {result.err}"
    expect(filled, f"even the {sizes[0]} disk held everything: start smaller")
    expect(result.code == 0, f"even the {sizes[-1]} disk filled up: go larger")
