"""The message: the digest of a period's briefs, as an email.

In: the period's briefs (:class:`~.grouping.DigestBrief`), the :class:`~.period.Period`, the
config (``digest.subject``, ``digest.sender``, ``digest.unsubscribe``, ``site.locale``), the
templates' environment and, for the PDF, the pipeline. Out: a :class:`Digest` (everything the
digest shows: subject, heading, events, overview, marking), its plain text and HTML, the
:class:`~email.message.EmailMessage` (:func:`build_message`) and the PDF of its briefs
(:func:`digest_pdf`).

The message is ``multipart/alternative`` (plain text, then HTML from
``templates/email/digest.{txt,html}.j2`` with the CSS inlined by css-inline, dark-mode rules
kept in a ``<style>``), optionally with one PDF of the period's briefs attached
(``templates/email/digest-pdf.html.j2``, rendered by :meth:`Renderer.pdf`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr

from ..brief import Marking
from ..config import TLP_LEVELS, Config
from ..errors import BriefgenError
from ..text import fold
from .grouping import DigestBrief, Event, group_events
from .period import DIGEST_LABELS, Period, count

# --------------------------------------------------------------------------- the digest


@dataclass
class Overview:
    briefs: int
    events: int
    sources: int
    actors: list[tuple[str, int]]  # (name, number of briefs)
    topics: list[tuple[str, int]]
    places: list[tuple[str, int]]


@dataclass
class Digest:
    period: Period
    lang: str
    subject: str
    heading: str  # "Digest hebdomadaire — semaine 27, 2012"
    period_text: str
    briefs: list[DigestBrief]
    events: list[Event]
    overview: Overview
    marking: Marking  # the most restrictive marking of the message
    organisation: str
    sender: str
    unsubscribe: str | None
    attachment: str | None = None  # file name of the attached PDF, if any

    @property
    def labels(self) -> dict:
        return DIGEST_LABELS[self.lang]

    @property
    def counts(self) -> str:
        """``3 notes · 2 événements · 2 sources``."""
        o = self.overview
        parts = [count(o.briefs, "brief", self.lang)]
        if o.briefs:
            parts += [count(o.events, "event", self.lang), count(o.sources, "source", self.lang)]
        return " · ".join(parts)


def overview(briefs: list[DigestBrief], events: list[Event], config: Config, lang: str, top: int = 5) -> Overview:
    from .site import actor_pages, place_pages

    actors = []
    for page in actor_pages(briefs):  # names and aliases merged across briefs, as on the site
        n = len({m.entry.article.id for m in page.mentions})
        actors.append((page.name, n, sum(m.actor.mentions for m in page.mentions)))
    actors.sort(key=lambda a: (-a[1], -a[2], fold(a[0])))
    topics: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for b in briefs:
        for s in b.facts.stakes:
            if s.topic not in labels:
                topic = config.topics.get(s.topic)
                labels[s.topic] = (topic.label.get(lang) if topic else None) or s.label
            topics[s.topic] += 1
    places = []
    for page in place_pages(briefs):
        is_event = any(loc.event and fold(loc.name) == fold(page.name) for e in page.entries for loc in e.facts.locations)
        places.append((page.name, len(page.entries), is_event))
    places.sort(key=lambda p: (-p[1], not p[2], fold(p[0])))
    sources = {s for e in events for s in e.sources}
    return Overview(
        briefs=len(briefs), events=len(events), sources=len(sources),
        actors=[(name, n) for name, n, _ in actors[:top]],
        topics=sorted(((labels[k], n) for k, n in topics.items()), key=lambda x: (-x[1], fold(x[0])))[:top],
        places=[(name, n) for name, n, _ in places[:top]],
    )


def compose_digest(briefs: list[DigestBrief], period: Period, config: Config) -> Digest:
    """Everything the digest shows, decided from the briefs."""
    lang = config.site.locale if config.site.locale in DIGEST_LABELS else "en"
    t = DIGEST_LABELS[lang]
    events = group_events(briefs, lang)
    fields = period.subject_fields(lang)
    subject = format_subject(config, count=len(briefs), briefs=count(len(briefs), "brief", lang),
                             key="subject" if period.kind == "week" else "range_subject", **fields)
    if period.kind == "week":
        heading = f"{t['digest']} — {t['week'].lower() if lang == 'fr' else t['week']} {fields['week']}, {fields['year']}"
    else:
        heading = f"{t['digest_range']} — {period.text(lang)}"
    marking = max((b.marking for b in briefs), key=TLP_LEVELS.index, default="TLP:CLEAR")
    return Digest(
        period=period, lang=lang, subject=subject, heading=heading, period_text=period.text(lang),
        briefs=briefs, events=events, overview=overview(briefs, events, config, lang),
        marking=Marking.of(marking), organisation=config.brief.organisation, sender=config.digest.sender,
        unsubscribe=config.digest.unsubscribe,
    )


def format_subject(config: Config, key: str = "subject", **fields) -> str:
    """``digest.subject`` (a week) or ``digest.range_subject`` (``--since``/``--until``), filled."""
    template = getattr(config.digest, key)
    try:
        subject = template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise BriefgenError(f"digest.{key}: cannot fill {template!r} ({type(exc).__name__}: {exc}); "
                            "its fields are {week}, {year}, {count}, {briefs}, {start}, {end}, {period}", config.path) from None
    return " ".join(subject.split())  # one line: no header injection, no folding surprises


# --------------------------------------------------------------------------- rendering


def render_digest(digest: Digest, env) -> tuple[str, str]:
    """(plain text, HTML with the CSS inlined) from ``templates/email/digest.{txt,html}.j2``."""
    from .. import __version__

    context = {"d": digest, "t": digest.labels, "lang": digest.lang, "version": __version__,
               "unsubscribe_url": unsubscribe_link(digest.unsubscribe)}
    text = env.get_template("email/digest.txt.j2").render(**context)
    html = env.get_template("email/digest.html.j2").render(**context)
    return text.strip() + "\n", inline_css(html)


def inline_css(html: str) -> str:
    """The CSS of ``<style>`` moved into ``style`` attributes (what mail clients read); a
    ``<style data-css-inline="keep">`` (dark mode, narrow screens) stays as it is. Nothing
    is ever fetched."""
    import css_inline

    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_link_tags=False, minify_css=True)
    return inliner.inline(html)


def unsubscribe_link(value: str | None) -> str | None:
    if not value:
        return None
    if not re.match(r"(?i)(mailto:|https?://)\S+$", value.strip()):
        raise BriefgenError(f"digest.unsubscribe: {value!r} is not a mailto: or http(s) address")
    return value.strip()


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or " " in address or _breaks_lines(sender):
        raise BriefgenError(f"digest.sender: {sender!r} is not an email address (e.g. briefgen <briefs@example.org>)")
    return domain


def check_addresses(addresses: list[str], what: str) -> list[str]:
    out = []
    for raw in addresses:
        pairs = getaddresses([raw])
        address = pairs[0][1] if len(pairs) == 1 else ""
        if not address or "@" not in address or any(c.isspace() for c in address) or _breaks_lines(raw):
            raise BriefgenError(f"{what}: {raw!r} is not an email address" +
                                (" (it holds a line break, which would start a new header)" if _breaks_lines(raw) else ""))
        out.append(raw.strip())
    return out


def _breaks_lines(text: str) -> bool:
    """A line break (or another vertical space) inside a header value: a header injection."""
    return any(c in text.strip() for c in "\r\n\v\f\x85\u2028\u2029")


def build_message(digest: Digest, text: str, html: str, to: list[str], now: dt.datetime | None = None,
                  pdf: bytes | None = None) -> EmailMessage:
    """The email: headers, ``multipart/alternative`` (text, HTML), the optional PDF."""
    from email import policy

    domain = sender_domain(digest.sender)
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = digest.subject
    message["From"] = digest.sender
    message["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    message["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=domain)  # short enough not to be folded
    unsubscribe = unsubscribe_link(digest.unsubscribe)
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.lower().startswith("https://"):  # RFC 8058 one-click needs an https POST target
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Briefgen-Period"] = digest.period.label
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    if pdf is not None and digest.attachment:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=digest.attachment)
    return message


# --------------------------------------------------------------------------- the PDF


def digest_pdf_html(pipeline, digest: Digest) -> str:
    """One HTML document: a cover with the table of contents, then every brief (its HTML
    brief's body, ids prefixed so that each brief's [n] links stay inside it)."""
    from .. import __version__
    from ..render import LABELS

    renderer = pipeline.renderer
    css = renderer.env.loader.get_source(renderer.env, "brief.css")[0]
    parts = []
    for n, b in enumerate(digest.briefs, 1):
        html = renderer.html(b.article, b.facts, b.overrides)
        parts.append({"brief": b, "anchor": f"brief-{n}", "page": f"brief{n}", "body": brief_body(html, f"b{n}-"),
                      "reference": b.brief.reference, "dtg": b.brief.dtg})
    return renderer.env.get_template("email/digest-pdf.html.j2").render(
        d=digest, t=digest.labels, lang=digest.lang, parts=parts, css=css, version=__version__,
        page_size=pipeline.config.brief.page_size, brief_labels=LABELS[digest.lang],
        created=f"{digest.period.end.isoformat()}T00:00:00Z",
    )


def brief_body(html: str, prefix: str) -> str:
    """The content of a brief page's ``<body>`` with every id (and every reference to one) prefixed."""
    from markupsafe import Markup

    match = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    body = match.group(1) if match else html
    body = re.sub(r'<a class="skip"[^>]*>.*?</a>', "", body, count=1, flags=re.S)
    body = re.sub(r'\b(id|for)="([^"]+)"', lambda m: f'{m[1]}="{prefix}{m[2]}"', body)
    body = re.sub(r'\b(aria-labelledby|aria-describedby)="([^"]+)"',
                  lambda m: f'{m[1]}="{" ".join(prefix + x for x in m[2].split())}"', body)
    body = re.sub(r'\b((?:xlink:)?href)="#([^"]+)"', lambda m: f'{m[1]}="#{prefix}{m[2]}"', body)
    body = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m[1]})", body)
    return Markup(body)


def digest_pdf(pipeline, digest: Digest) -> bytes:
    """The PDF of the period's briefs: WeasyPrint through the brief renderer (same fonts,
    same local-only fetcher, cached like the briefs' PDFs)."""
    return pipeline.pdf(digest_pdf_html(pipeline, digest))
