"""The weekly digest by email: the briefs of a period as one message (``briefgen digest``).

In order, each stage in its module:

1. :mod:`.period`: the **period** (:class:`~.period.Period`), a week or a
   ``--since``/``--until`` range; by default the last complete week as of today in
   ``digest.timezone`` (:func:`~.period.resolve_period`);
2. :mod:`.grouping`: the **selection** of the period's briefs by article date and marking
   (:func:`~.grouping.select`) and their **events** (:func:`~.grouping.group_events`);
3. :mod:`.message`: the **message** (:func:`~.message.compose_digest`,
   :func:`~.message.render_digest`, :func:`~.message.build_message`), with the optional PDF
   (:func:`~.message.digest_pdf`);
4. here, the **output** (:func:`run_digest`): ``out/digests/<period>.eml`` and
   ``<period>.html`` (written atomically), then, with ``--send``,
   :func:`briefgen.publish.mailer.send_digest`.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from ..atomic import atomic_write
from ..config import Config
from ..errors import BriefgenError
from .grouping import Selection, select
from .message import (
    Digest,
    build_message,
    check_addresses,
    compose_digest,
    digest_pdf,
    render_digest,
    sender_domain,
    unsubscribe_link,
)
from .period import Period, count, resolve_period

GMAIL_CLIP_BYTES = 102 * 1024  # Gmail clips an HTML part larger than about this


# --------------------------------------------------------------------------- the command


@dataclass
class DigestResult:
    digest: Digest
    message: EmailMessage
    text: str
    html: str
    selection: Selection
    eml: Path | None = None
    preview: Path | None = None
    pdf_size: int | None = None


def digests_dir(config: Config) -> Path:
    return config.output / "digests"


def make_digest(pipeline, period: Period, to: list[str] | None = None, now: dt.datetime | None = None,
                warn: Callable[[str], None] | None = None, warm: Callable[[list], None] | None = None) -> DigestResult:
    """Select, compose and render the digest of ``period``; the message is addressed to ``to``
    (default: ``digest.to``)."""
    config = pipeline.config
    warn = warn or pipeline.warn
    selection = select(pipeline, period, warm=warm)
    digest = compose_digest(selection.briefs, period, config)
    pdf = None
    pdf_size = None
    if config.digest.attach_pdf and len(digest.briefs) > config.digest.max_attachment_briefs:
        warn(f"the digest has {len(digest.briefs)} briefs, more than digest.max_attachment_briefs "
             f"({config.digest.max_attachment_briefs}): no PDF made or attached (one PDF of them all would take "
             "about 7 MB of memory a brief to lay out, and be too large for most mailboxes)")
    elif config.digest.attach_pdf and digest.briefs:
        pdf = digest_pdf(pipeline, digest)
        pdf_size = len(pdf)
        limit = config.digest.max_attachment_kb * 1024
        if pdf_size > limit:
            warn(f"digest PDF is {pdf_size // 1024} KB, above digest.max_attachment_kb "
                 f"({config.digest.max_attachment_kb} KB): not attached")
            pdf = None
        else:
            digest.attachment = f"digest-{period.label}.pdf"
    text, html = render_digest(digest, pipeline.renderer.env)
    recipients_to = check_addresses(to if to else config.digest.to, "--to" if to else "digest.to")
    message = build_message(digest, text, html, recipients_to, now, pdf)
    return DigestResult(digest, message, text, html, selection, pdf_size=pdf_size)


def write_digest(result: DigestResult, config: Config) -> DigestResult:
    folder = digests_dir(config)
    label = result.digest.period.label
    result.eml = atomic_write(folder / f"{label}.eml", result.message.as_bytes())
    result.preview = atomic_write(folder / f"{label}.html", result.html)
    return result


def warmer(pipeline, runner, pdf: bool):
    """A function that fills the caches of some articles with ``runner``, or None."""
    if runner is None:
        return None
    import dataclasses

    from ..bulk import warm_caches

    runner = dataclasses.replace(runner, pipeline=pipeline)
    return lambda paths: warm_caches(pipeline.config, paths, pdf, runner, label="facts+pdf" if pdf else "facts")


def run_digest(config: Config, *, week: str | None = None, since: str | None = None, until: str | None = None,
               send: bool = False, to: list[str] | None = None, force: bool = False,
               now: dt.datetime | None = None, out=None, runner=None) -> int:
    """``briefgen digest``: write the message and its preview; with ``send``, send it.
    Returns the exit status (0 ok, 1 an article or a recipient failed). ``runner``
    (:class:`~briefgen.bulk.Runner`) extracts the period's articles in parallel first."""
    from ..pipeline import Pipeline, print_warning

    err = out or sys.stderr

    def say(line: str) -> None:
        print(line, file=err, flush=True)

    now = now or dt.datetime.now(dt.timezone.utc)
    period = resolve_period(config, week, since, until, now)
    to = check_addresses(to or [], "--to")
    sender_domain(config.digest.sender)
    unsubscribe_link(config.digest.unsubscribe)
    pipeline = Pipeline(config, warn=print_warning)
    result = write_digest(make_digest(pipeline, period, to, now, warm=warmer(pipeline, runner, pdf=False)), config)
    sel = result.selection
    status = 0
    for path, message in sel.failed:
        print(f"briefgen: error: {message}", file=err, flush=True)
        status = 1
    for article_id, marking in sel.restricted:
        say(f"{article_id}: {marking}, above digest.max_marking {config.digest.max_marking}: left out")
    for article_id, date in sel.unplaced:
        say(f"{article_id}: dated {date} (no day): cannot be placed in {period.label}: left out")
    d = result.digest
    html_kb = len(result.html.encode("utf-8")) / 1024
    say(f"digest {period.label} ({period.start} to {period.end}): {count(len(d.briefs), 'brief', 'en')} in "
        f"{count(len(d.events), 'event', 'en')} -> {result.eml}, {result.preview.name} "
        f"(HTML part {html_kb:.0f} KB{', PDF attached' if d.attachment else ''})")
    if html_kb * 1024 > GMAIL_CLIP_BYTES:
        print_warning(f"the HTML part is {html_kb:.0f} KB: Gmail clips messages above about 102 KB")
    if not send:
        return status
    if not d.briefs:
        say(f"digest {period.label}: no brief in this period: nothing sent")
        return status
    recipients = to or [*config.digest.to, *config.digest.bcc]
    if not recipients:
        raise BriefgenError("no recipients: set digest.to (or digest.bcc) in the configuration, or give --to",
                            config.path)
    from . import mailer

    def progress(delivery) -> None:
        detail = f" ({delivery.detail})" if delivery.detail else ""
        print(f"{delivery.recipient}: {delivery.status}{detail}", flush=True)

    state = digests_dir(config) / "sent.json"
    try:
        report = mailer.send_digest(result.message, recipients, config.digest.smtp, state, period.label,
                                    force=force, progress=progress)
    except BriefgenError as exc:  # nothing could be sent (server unreachable, login refused...)
        print(f"briefgen: error: {exc}", file=err, flush=True)
        return 1
    summary = getattr(report, "summary", None)
    if callable(summary):
        say(summary())
    failed = [x for x in report.deliveries if x.status in ("refused", "failed", "unconfirmed")]
    return 1 if failed or not report.ok else status
