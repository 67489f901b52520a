"""Command line: ``briefgen build | extract | brief | check``.

Start-up stays fast: spaCy and WeasyPrint are imported only by the commands
that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from . import __version__
from .errors import BriefgenError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> None:
    print(f"briefgen: error: {message}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Turn news articles into intelligence-style briefs (facts JSON, HTML, PDF).",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "-c", "--config", type=Path, default=None,
            help="configuration file (default: ./config.yaml, else the built-in defaults)",
        )
        return p

    def with_runner(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                       help="articles made in parallel (default: the number of cores; 1: in this process)")
        p.add_argument("--executor", choices=("processes", "dask"), default="processes",
                       help="processes on this machine (default) or a Dask cluster (pip install 'briefgen[dask]')")
        p.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786 "
                            "(default: a local cluster of --jobs workers)")
        return p

    with_runner(with_config(sub.add_parser("build", help="extract and render every article of the seeds folder")))
    p = with_config(sub.add_parser("extract", help="print the facts of articles as JSON Lines"))
    p.add_argument("articles", nargs="+", type=_article_arg, metavar="ARTICLE", help="article files or http(s) addresses")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the facts cache")
    p.add_argument("--no-overrides", action="store_true",
                   help="print the raw extraction, without the analyst's corrections (ARTICLE.facts.yaml)")
    p = with_config(sub.add_parser("brief", help="render one article to a PDF or HTML brief"))
    p.add_argument("article", type=_article_arg, metavar="ARTICLE", help="an article file or an http(s) address")
    p.add_argument("-o", "--output", type=Path, help="FILE.pdf or FILE.html (default: out/briefs/ID.pdf)")
    p.add_argument("--no-daemon", action="store_true",
                   help="make the brief in this process even when a briefgen api of this project runs")
    with_runner(with_config(sub.add_parser(
        "site", help="build the static site (every brief, indexes, feed, search) in out/site/")))
    p = sub.add_parser("init", help="start a new briefing project: config.yaml, templates to customise, seeds/")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--force", action="store_true", help="overwrite files that already exist")
    p = with_config(sub.add_parser(
        "serve", help="preview the site on http://127.0.0.1:8000/, rebuilt when an article, template or the config changes"))
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free port)")
    p.add_argument("--no-watch", action="store_true", help="build once and serve, without rebuilding on changes")
    p = with_config(sub.add_parser(
        "api", help="serve briefs on demand on http://127.0.0.1:PORT/briefs, models kept loaded (api: in config)"))
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: api.port)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--background", action="store_true", help="start the service detached and return once it answers")
    mode.add_argument("--stop", action="store_true", help="stop the service of this project")
    p = with_runner(with_config(sub.add_parser(
        "digest", help="the weekly digest by email: write out/digests/PERIOD.eml (default) or send it",
        description="Compose the digest of a week's briefs (default: the last complete week in digest.timezone) "
                    "as an email; write it to out/digests/PERIOD.eml with an HTML preview, or send it.")))
    period = p.add_mutually_exclusive_group()
    period.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2023-W37 (default: the last complete week)")
    period.add_argument("--since", metavar="DATE", help="first day YYYY-MM-DD of a period instead of a week")
    p.add_argument("--until", metavar="DATE", help="last day YYYY-MM-DD with --since (default: today)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="write the message and its preview only (the default)")
    mode.add_argument("--send", action="store_true", help="also send it by SMTP (digest.smtp)")
    p.add_argument("--to", action="extend", nargs="+", metavar="ADDRESS", default=None,
                   help="send to these addresses instead of digest.to and digest.bcc")
    p.add_argument("--force", action="store_true",
                   help="with --send: send again to recipients who already received this period's digest")
    p = with_config(sub.add_parser(
        "fetch", help="download new stories from the feeds and pages of 'sources:' into the seeds folder"))
    p.add_argument("--since", metavar="DATE", type=_date_arg, help="only stories dated YYYY-MM-DD or later")
    p.add_argument("--limit", metavar="N", type=_positive, help="save at most N new stories")
    p = with_config(sub.add_parser("check", help="validate the configuration and the articles without rendering"))
    p.add_argument("--strict", action="store_true",
                   help="exit 1 on warnings too (estimative language of analyst comments, orphan corrections)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "init":
            return cmd_init(args)
        from .config import load_config

        config = load_config(args.config)
        if args.command in WRITES_OUTPUT:
            prepare_output(config.output, sweep_temps=args.command != "brief")  # brief: stay fast
        return COMMANDS[args.command](args, config)
    except BriefgenError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except OSError as exc:  # a disk that filled up, a folder made read-only during the run
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}; nothing half-written was left (writes are atomic)")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


WRITES_OUTPUT = ("build", "site", "digest", "brief", "serve")


def prepare_output(output: Path, sweep_temps: bool = True) -> None:
    """Before a run writes anything: the temporary files of killed runs removed, and the
    output folder known to be writable (else one clear error, before any model loads)."""
    import tempfile

    from .atomic import sweep

    try:
        output.mkdir(parents=True, exist_ok=True)
        if sweep_temps:
            sweep(output)
        fd, probe = tempfile.mkstemp(dir=output, prefix=f".write-check.{os.getpid()}.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BriefgenError(f"cannot write in the output folder ({exc.strerror or exc}); check its "
                            "permissions and free space, or set output: in the configuration", output) from None


def cmd_init(args) -> int:
    from .scaffold import init_project

    result = init_project(args.directory, force=args.force)
    for path in result.written:
        print(f"wrote {path}", file=sys.stderr)
    for path in result.kept:
        print(f"kept {path} (exists; --force overwrites it)", file=sys.stderr)
    print(
        f"briefing project ready in {args.directory}: put articles in {args.directory / 'seeds'}, "
        f"edit {args.directory / 'templates'}, then run: cd {args.directory} && briefgen build",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_site(args, config) -> int:
    from .pipeline import Pipeline
    from .publish import build_site, site_dir, warmer

    _quiet_renderer_logs()
    pipeline = Pipeline(config)
    report = build_site(pipeline, warm=warmer(pipeline, _runner(args), pdf=True))
    for path, message in report.failed:
        _error(message)
    left_out = f"; {len(report.skipped)} left out by marking" if report.skipped else ""
    print(
        f"site: {report.pages} page(s) in {report.seconds:.1f}s -> {site_dir(config)} "
        f"({len(report.written)} written, {report.unchanged} unchanged, {len(report.removed)} removed{left_out})",
        file=sys.stderr,
    )
    return EXIT_OK if report.ok else EXIT_FAILED


def _article_arg(text: str) -> Path | str:
    """An article: a file (Path), or an http(s) address (kept a str: a Path would fold its //)."""
    from .ingest.sources import is_url

    return text if is_url(text) else Path(text)


def _date_arg(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _runner(args):
    from .bulk import Runner

    if args.scheduler and args.executor != "dask":
        raise BriefgenError("--scheduler needs --executor dask")
    return Runner(executor=args.executor, jobs=args.jobs, scheduler=args.scheduler)


def cmd_build(args, config) -> int:
    from .bulk import build_briefs

    _quiet_renderer_logs()
    report = build_briefs(config, _runner(args))
    print(f"briefs: {report.summary()} -> {config.output / 'briefs'}", file=sys.stderr)
    for path, message in report.failed:
        _error(message)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_extract(args, config) -> int:
    from .pipeline import Pipeline

    pipeline = Pipeline(config)
    status = EXIT_OK
    for path in args.articles:
        try:
            article = pipeline.read(path)
            facts = pipeline.facts(article, use_cache=not args.no_cache, overrides=not args.no_overrides)
        except BriefgenError as exc:
            _error(str(exc))
            status = EXIT_FAILED
            continue
        sys.stdout.write(facts.to_json() + "\n")
        sys.stdout.flush()
    return status


def cmd_brief(args, config) -> int:
    from .atomic import atomic_write
    from .pipeline import Pipeline

    target = args.output
    if target is not None and target.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise BriefgenError("output must end in .pdf or .html", target)
    if not args.no_daemon and isinstance(args.article, Path):  # (an address is downloaded here)
        from .publish import brief_via_service

        fmt = "pdf" if target is None or target.suffix.lower() == ".pdf" else "html"
        try:
            data = brief_via_service(config, args.article, fmt)
        except BriefgenError as exc:
            _error(str(exc))
            return EXIT_FAILED
        if data is not None:
            from .ingest import article_id

            target = target or (config.output / "briefs" / f"{article_id(args.article)}.pdf")
            atomic_write(target, data)
            print(f"wrote {target} (briefgen api)", file=sys.stderr)
            return EXIT_OK
    _quiet_renderer_logs()
    from .render.side import SideRenderer

    from .bulk.deadline import Overtime, time_limit

    pdf = target is None or target.suffix.lower() == ".pdf"
    # a PDF: WeasyPrint and the fonts load in a second process while this one extracts
    with SideRenderer(config) if pdf else contextlib.nullcontext() as side:
        pipeline = Pipeline(config, pdf_renderer=side)
        try:
            with time_limit(config.limits.article_seconds, "making this brief"):
                article = pipeline.read(args.article)
                facts = pipeline.facts(article)
                target = target or (config.output / "briefs" / f"{article.id}.pdf")
                html = pipeline.html(article, facts)
                atomic_write(target, pipeline.pdf(html, article.path) if pdf else html)
        except BriefgenError as exc:  # a bad article or overrides file: an article failure (1), not a usage error (2)
            _error(str(exc))
            return EXIT_FAILED
        except Overtime as exc:
            if side is not None:
                side.kill()
            _error(f"{args.article}: {exc.message}")
            return EXIT_FAILED
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


def cmd_check(args, config) -> int:
    from .brief import analyst_comment, languages, lint
    from .facts import SUFFIX, load_overrides, overrides_path
    from .ingest import find_articles, read_article
    from .pipeline import print_warning

    where = config.path or "built-in defaults"
    problems = 0
    warnings = 0
    if not config.seeds.is_dir():
        _error(f"{where}: seeds folder {config.seeds} does not exist")
        return EXIT_FAILED
    paths = find_articles(config.seeds)
    articles = {}
    for path in paths:
        try:
            article = read_article(path, config.boilerplate, config.limits.article_kb)
        except BriefgenError as exc:
            _error(str(exc))
            problems += 1
            continue
        articles[path] = article
        if article.language and article.language.lower()[:2] not in config.models:
            _error(f"{path}: language {article.language!r} has no model in the configuration")
            problems += 1
    # the analysts' corrections: the file itself, and its quotes against its article
    corrections = sorted(config.seeds.glob("*" + SUFFIX))
    loaded = {}  # overrides file -> Overrides, or None when it failed
    bad = 0
    for path in corrections:
        owners = [p for p in paths if overrides_path(p) == path]
        loaded[path] = None
        try:
            overrides = load_overrides(path, config.topics)
            for article_path in owners:
                if article_path in articles:
                    overrides.check_quotes(articles[article_path].body)
        except BriefgenError as exc:
            _error(str(exc))
            bad += 1
            continue
        loaded[path] = overrides
        if not owners:
            stem = path.name[: -len(SUFFIX)]
            print_warning(f"{path}: no article {stem}.txt or {stem}.md beside it; these corrections are never applied")
            warnings += 1
    # the analysts' comments (overrides file, else front matter) against ICD 203's estimative language
    comments = findings = 0
    known = languages()
    for path, article in articles.items():
        own = overrides_path(path)
        if own in loaded and loaded[own] is None:
            continue  # a broken overrides file: its error is given, its comment unknown
        try:
            comment = analyst_comment(article, loaded.get(own))
        except BriefgenError as exc:
            _error(str(exc))
            problems += 1
            continue
        if comment is None:
            continue
        # the article's front matter language, else the configured one, else detected from its body
        lang = article.language or (config.language if config.language != "auto" else None)
        if not lang:
            from .extract import detect_language

            lang = detect_language(article.body, list(config.models))
        lang = lang.lower().replace("_", "-").split("-")[0]
        if lang not in known:
            print_warning(f"{comment.source}:{comment.first_line}: comment not checked: "
                          f"no estimative-language word list for language {lang!r}")
            warnings += 1
            continue
        comments += 1
        for finding in lint(comment.layout, lang, comment.first_line):
            print(f"{comment.source}:{finding.line}:{finding.column}: warning: {finding.message}",
                  file=sys.stderr, flush=True)
            findings += 1
    warnings += findings
    summary = f"{where}: configuration ok; {len(paths) - problems}/{len(paths)} article(s) ok in {config.seeds}"
    if corrections:
        summary += f"; {len(corrections) - bad}/{len(corrections)} overrides file(s) ok"
    if comments:
        summary += f"; {findings} estimative-language warning(s) in {comments} analyst comment(s)"
    print(summary, file=sys.stderr)
    if problems or bad or (args.strict and warnings):
        return EXIT_FAILED
    return EXIT_OK


def cmd_serve(args, config) -> int:
    from .publish import serve

    _quiet_renderer_logs()
    return serve(config, port=args.port, watch=not args.no_watch)


def cmd_api(args, config) -> int:
    from .publish import run_api, start_background, stop

    if args.port is not None and not 0 < args.port < 65536:
        raise BriefgenError("--port: must be between 1 and 65535")
    if args.stop:
        print("briefgen api: stopped" if stop(config) else "briefgen api: none was running", file=sys.stderr)
        return EXIT_OK
    if args.background:
        info = start_background(config)
        print(f"briefgen api: http://127.0.0.1:{info['port']}/briefs (pid {info['pid']}; "
              "briefgen api --stop stops it)", file=sys.stderr)
        return EXIT_OK
    _quiet_renderer_logs()
    print(f"briefgen api: http://127.0.0.1:{args.port or config.api.port}/briefs (Ctrl-C stops)", file=sys.stderr)
    run_api(config, port=args.port)
    return EXIT_OK


def cmd_digest(args, config) -> int:
    from .publish import run_digest

    _quiet_renderer_logs()
    return run_digest(config, week=args.week, since=args.since, until=args.until, send=args.send, to=args.to,
                      force=args.force, runner=_runner(args))


def _quiet_renderer_logs() -> None:
    """WeasyPrint logs every refused fetch; the brief's fetcher already refuses them by design."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


COMMANDS = {"build": cmd_build, "extract": cmd_extract, "brief": cmd_brief, "check": cmd_check, "site": cmd_site}
COMMANDS["serve"] = cmd_serve
COMMANDS["digest"] = cmd_digest
COMMANDS["api"] = cmd_api


def cmd_fetch(args, config) -> int:
    from .bulk.progress import make_progress
    from .bulk.work import Outcome
    from .ingest.sources import run_fetch

    class Shown:  # run_fetch's progress, on the bar (or lines) of the builds
        def __init__(self, total: int):
            self.bar = make_progress(total, "fetch")

        def __enter__(self):
            self.bar.__enter__()
            return self

        def __exit__(self, *exc) -> None:
            self.bar.__exit__(*exc)

        def advance(self, ok: bool, line: str) -> None:
            self.bar.advance(Outcome(line, error=None if ok else line), line)

    report = run_fetch(config, since=args.since, limit=args.limit, progress=Shown)
    for url, message in report.failed:
        _error(message if url in message else f"{url}: {message}")
    print(report.summary(), file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


COMMANDS["fetch"] = cmd_fetch

if __name__ == "__main__":
    raise SystemExit(main())
