"""The weekly digest (``briefgen digest``): periods, selection by date and marking, grouping of
briefs that report one event, the message (parts, inlined CSS, no external resource, headers,
accents, size), two digests of the shipped seeds, the PDF attachment, and sending."""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import types
from email import policy
from email.parser import BytesParser
from html import unescape
from pathlib import Path

import pytest

from conftest import FR_ID, SEEDS, make_project, run_cli, write_config

from briefgen.config import load_config
from briefgen.publish.digest import GMAIL_CLIP_BYTES, run_digest
from briefgen.publish.grouping import group_events, make_brief, same_event, select
from briefgen.publish.message import build_message, compose_digest, render_digest
from briefgen.publish.period import Period, last_complete_week, parse_week, resolve_period
from briefgen.errors import BriefgenError
from briefgen.facts.contract import Actor, ArticleInfo, Evidence, Facts, Location, Reaction, Stake
from briefgen.ingest.files import Article

W26 = ["02-espagne-moodys-banques"]  # 2012-06-26 (01 is 2012-06-21: week 25)
W27 = ["03-mali-tombouctou-ansar-eddine", "04-syrie-hrw-torture", "05-afghanistan-kapisa-transfert"]
RESTRICTED = "zz-restricted-syrie"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def parse_eml(source: Path | bytes):
    return BytesParser(policy=policy.default).parsebytes(source if isinstance(source, bytes) else source.read_bytes())


@pytest.fixture(scope="module")
def seeds(built, tmp_path_factory):
    """A project with every shipped seed, plus a TLP:AMBER copy of a week-27 article."""
    project = make_project(tmp_path_factory.mktemp("digest"), sorted(SEEDS.glob("*.md")) + sorted(SEEDS.glob("*.txt")),
                           share_cache_from=built)
    text = (SEEDS / "04-syrie-hrw-torture.md").read_text(encoding="utf-8")
    (project.seeds / f"{RESTRICTED}.md").write_text(text.replace("---\n", "---\nmarking: TLP:AMBER\n", 1),
                                                    encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def week27(seeds):
    """``briefgen digest --week 2012-W27`` (a dry run: the default); its files as they were
    then (other tests write the same period again)."""
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2012-W27")
    assert result.code == 0, result.err
    folder = seeds.output / "digests"
    return types.SimpleNamespace(err=result.err, eml=(folder / "2012-W27.eml").read_bytes(),
                                 preview=(folder / "2012-W27.html").read_text(encoding="utf-8"),
                                 leftovers=list(folder.glob(".*.tmp")))


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize("today, start, label", [
    ("2023-09-13", "2023-09-04", "2023-W36"),  # a Wednesday: the week before
    ("2023-09-11", "2023-09-04", "2023-W36"),  # a Monday: the week that ended yesterday
    ("2023-09-10", "2023-08-28", "2023-W35"),  # a Sunday: its week is not complete yet
    ("2021-01-06", "2020-12-28", "2020-W53"),  # across the new year, a 53-week year
])
def test_last_complete_iso_week(today, start, label):
    period = last_complete_week(d(today))
    assert (period.start, period.end, period.label, period.kind) == (d(start), d(start) + dt.timedelta(6), label, "week")


@pytest.mark.parametrize("today, start", [
    ("2023-09-13", "2023-09-03"),  # Wednesday: Sunday 3 to Saturday 9
    ("2023-09-10", "2023-09-03"),  # Sunday: a new week starts today
    ("2023-09-09", "2023-08-27"),  # Saturday: its week ends today, not complete
])
def test_week_start_sunday(today, start):
    period = last_complete_week(d(today), "sunday")
    assert period.start == d(start) and period.start.weekday() == 6 and period.end == d(start) + dt.timedelta(6)
    # a Sunday week keeps the number of the ISO week that starts the next day
    assert period.label == parse_week(period.label, "sunday").label
    assert parse_week(period.label, "sunday").start == period.start


def test_today_is_taken_in_the_digest_timezone():
    config = load_config(None)
    now = utc("2023-09-10T23:30:00")  # Sunday in UTC, already Monday 01:30 in Paris
    config.digest.timezone = "Europe/Paris"
    assert resolve_period(config, now=now).label == "2023-W36"
    config.digest.timezone = "UTC"
    assert resolve_period(config, now=now).label == "2023-W35"
    config.digest.timezone = "Mars/Olympus_Mons"
    with pytest.raises(BriefgenError, match="digest.timezone"):
        resolve_period(config, now=now)


def test_week_parsing_and_errors():
    assert parse_week("2023-W37").start == d("2023-09-11") and parse_week("2023-W37").end == d("2023-09-17")
    assert parse_week("2023w37").label == "2023-W37"
    assert parse_week("2020-W53").end == d("2021-01-03")
    assert parse_week("2023-W37", "sunday").start == d("2023-09-10")
    for bad, message in [("2023-W53", "2023 has ISO weeks 1 to 52"), ("2023-W00", "1 to 52"),
                         ("2023-37", "expected an ISO week"), ("W37", "expected an ISO week")]:
        with pytest.raises(BriefgenError, match=message):
            parse_week(bad)


def test_since_until():
    config = load_config(None)
    period = resolve_period(config, since="2023-09-01", until="2023-09-30")
    assert (period.kind, period.label) == ("range", "2023-09-01_2023-09-30")
    assert period.subject_fields("fr")["week"] == "35–39"
    assert resolve_period(config, since="2023-09-01", now=utc("2023-09-05T12:00:00")).end == d("2023-09-05")
    for kwargs, message in [({"since": "2023-09-30", "until": "2023-09-01"}, "after"),
                            ({"until": "2023-09-01"}, "--until needs --since"),
                            ({"week": "2023-W37", "since": "2023-09-01"}, "cannot be combined"),
                            ({"since": "1/9/2023"}, "YYYY-MM-DD"), ({"since": "2023-02-30"}, "--since")]:
        with pytest.raises(BriefgenError, match=message):
            resolve_period(config, **kwargs)


def test_month_only_dates_fit_a_range_that_covers_the_month_never_a_week():
    week = parse_week("2023-W37")
    assert not week.contains("2023-09") and week.overlaps("2023-09")
    assert week.contains("2023-09-13") and not week.contains("2023-09-18") and not week.contains(None)
    assert Period(d("2023-09-01"), d("2023-09-30"), "range").contains("2023-09")
    assert Period(d("2023-08-15"), d("2023-10-15"), "range").contains("2023-09")
    assert not Period(d("2023-09-02"), d("2023-09-30"), "range").contains("2023-09")


def test_cli_usage_errors(seeds):
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2012-W54")
    assert result.code == 2 and "2012 has ISO weeks 1 to 52" in result.err
    result = run_cli("digest", "-c", seeds.config_path, "--since", "2012-07-09", "--until", "2012-07-01")
    assert result.code == 2 and "after" in result.err
    with pytest.raises(SystemExit) as exc:  # argparse: exclusive options
        run_cli("digest", "-c", seeds.config_path, "--week", "2012-W27", "--since", "2012-07-01")
    assert exc.value.code == 2


# --------------------------------------------------------------------------- selection


def test_selection_by_date_and_marking(seeds):
    from briefgen.pipeline import Pipeline

    config = seeds.config
    sel = select(Pipeline(config), parse_week("2012-W27"))
    assert [b.id for b in sel.briefs] == W27
    assert sel.restricted == [(RESTRICTED, "TLP:AMBER")] and not sel.failed
    config.digest.include_restricted = True
    assert RESTRICTED in [b.id for b in select(Pipeline(config), parse_week("2012-W27")).briefs]
    config.digest.include_restricted = False
    config.digest.max_marking = "TLP:AMBER"
    assert RESTRICTED in [b.id for b in select(Pipeline(config), parse_week("2012-W27")).briefs]


def test_month_only_article_left_out_of_a_week_and_in_a_month_range(seeds):
    from briefgen.pipeline import Pipeline

    pipeline = Pipeline(seeds.config)
    week = select(pipeline, parse_week("2023-W37"))
    assert week.briefs == [] and week.unplaced == [(FR_ID, "2023-09")]
    month = select(pipeline, resolve_period(seeds.config, since="2023-09-01", until="2023-09-30"))
    assert [b.id for b in month.briefs] == [FR_ID]
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2023-W37")
    assert result.code == 0 and "cannot be placed in 2023-W37" in result.err and "0 briefs" in result.err


def test_default_period_is_last_week_with_an_injected_today(seeds):
    out = io.StringIO()
    code = run_digest(seeds.config, now=utc("2012-07-11T08:00:00"), out=out)
    assert code == 0 and "digest 2012-W27 (2012-07-02 to 2012-07-08): 3 briefs" in out.getvalue()
    config = seeds.config
    config.digest.week_start = "sunday"  # Sunday 1 to Saturday 7 July: the same three briefs
    out = io.StringIO()
    assert run_digest(config, now=utc("2012-07-11T08:00:00"), out=out) == 0
    assert "digest 2012-W27 (2012-07-01 to 2012-07-07): 3 briefs" in out.getvalue()


# --------------------------------------------------------------------------- events


def synthetic(article_id: str, date: str | None, place: str | None, actors: list[str], *, source: str | None = None,
              marking: str | None = None, country: str | None = "ML", lang: str = "fr", words: int = 40,
              aliases: dict[str, list[str]] | None = None) -> tuple[Article, Facts]:
    """An article and its facts built in code (no extraction)."""
    sentence = (f"{actors[0] if actors else 'Quelqu’un'} a annoncé mardi à {place or 'Paris'} des mesures "
                + " ".join(f"mot{i}" for i in range(words)) + ".")
    body = "\n\n".join([sentence, "Deuxième paragraphe de l’article, assez long pour une attaque. " * 3])
    ev = [Evidence(0, len(sentence))]
    meta = {"marking": marking} if marking else {}
    article = Article(id=article_id, path=Path(f"/nonexistent/{article_id}.md"), body=body,
                      title=f"Titre de {article_id} : un événement à {place or 'Paris'}", date=date, language=lang,
                      source=source, meta=meta)
    facts = Facts(
        article=ArticleInfo(article_id, article.title, date, lang, source),
        actors=[Actor(name, list((aliases or {}).get(name, [])), "person" if i == 0 else "organization",
                      "porte-parole" if i == 0 else None, None, 5 - i, ev) for i, name in enumerate(actors)],
        locations=[Location(place, [], "city", country, 16.77, -3.0, True, ev)] if place else [],
        stakes=[Stake("military", "Militaire", ev), Stake("diplomacy", "Diplomatie", ev)],
        reactions=[Reaction(actors[0], "« " + " ".join(["citation longue"] * 40) + " »", "direct", ev),  # marks dropped
                   Reaction(actors[-1], "des propos rapportés " * 12, "indirect", ev)] if actors else [],
    )
    return article, facts


def briefs_of(config, *specs):
    return [make_brief(*synthetic(*args, **kwargs), config) for args, kwargs in specs]


def test_two_briefs_of_the_same_event_are_one_item():
    config = load_config(None)
    a, b, c, far, other_actor, elsewhere, month = briefs_of(
        config,
        (("a", "2012-07-02", "Tombouctou", ["Ansar Eddine", "Fatou Bensouda"]), {"source": "https://fr.wikinews.org/wiki/A"}),
        (("b", "2012-07-04", "TOMBOUCTOU", ["ansar eddine"]), {"source": "Le Monde", "marking": "TLP:GREEN"}),
        (("c", "2012-07-04", "Tombouctou", ["Eddine"]), {"source": "https://fr.wikinews.org/wiki/C",
                                                         "aliases": {"Eddine": ["Ansar Eddine"]}}),
        (("far", "2012-07-09", "Tombouctou", ["Ansar Eddine"]), {}),  # 5 days after c: another event
        (("other", "2012-07-02", "Tombouctou", ["Moussa Traoré"]), {}),  # same place, no shared actor
        (("elsewhere", "2012-07-02", "Gao", ["Ansar Eddine"]), {}),  # shared actor, another place
        (("month", "2012-07", "Tombouctou", ["Ansar Eddine"]), {}),  # no day: never grouped
    )
    assert same_event(a, b) and same_event(a, c)  # case and accents folded; an alias counts
    assert not same_event(a, other_actor) and not same_event(a, elsewhere) and not same_event(a, month)
    assert not same_event(c, far) and same_event(a, far, days=7)
    events = group_events([far, c, b, a, other_actor, elsewhere, month], "fr")
    grouped = [e for e in events if e.grouped]
    assert len(grouped) == 1
    event = grouped[0]
    assert [x.id for x in event.briefs] == ["a", "b", "c"]
    assert event.sources == ["fr.wikinews.org", "Le Monde"]  # sources: site names, distinct
    assert event.reports_text == "3 notes de 2 sources"
    assert event.marking.label == "TLP:GREEN"  # the most restrictive of the group
    assert event.date_text == "2 juillet 2012 – 4 juillet 2012"
    assert [name for name, _ in event.actors][:2] == ["Ansar Eddine", "Fatou Bensouda"]
    assert len(events) == 5
    en = group_events([a, c], "en")[0]
    assert en.reports_text == "2 reports from one source"


def test_grouped_event_in_the_message():
    from briefgen.render.renderer import Renderer

    config = load_config(None)
    config.site.base_url = "https://briefs.example.org/site/"
    briefs = briefs_of(config, (("a", "2012-07-02", "Tombouctou", ["Ansar Eddine"]), {"source": "AFP"}),
                       (("b", "2012-07-03", "Tombouctou", ["Ansar Eddine"]), {"source": "Reuters"}))
    digest = compose_digest(briefs, parse_week("2012-W27"), config)
    text, html = render_digest(digest, Renderer(config).env)
    assert len(digest.events) == 1
    for part in (text, html):
        assert "2 notes de 2 sources" in part
        assert part.count("Titre de a") == 1 and part.count("Titre de b") == 1  # each report listed once
        assert "https://briefs.example.org/site/briefs/b/" in part
    assert "« citation longue citation" in unescape(html) and "« «" not in unescape(html)  # a reaction quoted once


# --------------------------------------------------------------------------- the message


def check_html_part(html: str) -> None:
    assert re.search(r'<meta name="color-scheme" content="light dark"', html)
    assert "@media (prefers-color-scheme: dark)" in html  # kept in a <style>
    assert html.count("<style") == 1  # the other stylesheet went into style attributes
    assert len(re.findall(r'<(?:td|h1|h2|p|span)\b[^>]*\bstyle="', html)) > 20
    assert "<link" not in html and "<img" not in html and "@import" not in html and "@font-face" not in html
    assert not re.search(r"\bsrc\s*=", html) and "url(" not in html
    # the only http(s) addresses are the targets of links
    for m in re.finditer(r"https?://", html):
        before = html[:m.start()]
        assert re.search(r'<a\b[^>]*\bhref="$', before), html[m.start() - 80:m.start() + 40]


def test_dry_run_writes_a_message_that_parses_back(seeds, week27):
    assert not week27.leftovers  # written atomically: no temporary file left
    message = parse_eml(week27.eml)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert html.replace("\r\n", "\n").rstrip() == week27.preview.rstrip()  # the .eml has CRLF line ends
    check_html_part(html)
    assert message["Subject"] == "Digest hebdomadaire — semaine 27, 2012 — 3 notes"
    raw_subject = re.search(rb"(?m)^Subject:.*(?:\r?\n[ \t].*)*", week27.eml).group(0)
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject  # RFC 2047
    assert message["From"] == "briefgen <briefs@example.org>"
    assert message["To"] == "analystes@example.org" and message["Bcc"] is None
    assert message["Date"].datetime is not None
    assert re.fullmatch(r"<[^@>\s]+@example\.org>", message["Message-ID"])
    assert message["List-Unsubscribe"] == "<mailto:briefs+unsubscribe@example.org>"
    assert message["List-Unsubscribe-Post"] is None  # one-click needs an https address
    for title in ("Mali : les islamistes", "Syrie : Human Rights Watch", "Afghanistan : l'armée française"):
        assert title in text and title in unescape(html)
    assert "Syrie" in text.split("La semaine en bref")[1]
    for article_id in W27:  # site.base_url is set: each brief links to its page
        assert f"https://example.github.io/briefgen/briefs/{article_id}/" in html
    assert "TLP:AMBER" not in html and RESTRICTED not in html
    assert f"{RESTRICTED}: TLP:AMBER, above digest.max_marking TLP:GREEN: left out" in week27.err


def test_two_digests_from_the_shipped_seeds(seeds, week27):
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2012-W26", "--dry-run")
    assert result.code == 0, result.err
    w26 = parse_eml(seeds.output / "digests" / "2012-W26.eml")
    w27 = parse_eml(week27.eml)
    assert w26["Subject"] == "Digest hebdomadaire — semaine 26, 2012 — 1 note"
    html26 = w26.get_body(("html",)).get_content()
    assert "Moody" in html26 and "Grèce" not in html26 and "Tombouctou" not in html26
    html27 = w27.get_body(("html",)).get_content()
    assert "Moody" not in html27 and html27.count("Lire la note") == 3
    assert "3 notes · 3 événements · 1 source" in html27


def test_subject_with_accents_and_https_one_click_unsubscribe(seeds):
    config = seeds.config
    config.digest.subject = "Résumé {week}/{year} : {count} notes ({start} → {end}) — déjà « prêt »"
    config.digest.unsubscribe = "https://example.org/désabonnement?u=1"
    from briefgen.pipeline import Pipeline

    briefs = select(Pipeline(config), parse_week("2012-W27")).briefs
    digest = compose_digest(briefs, parse_week("2012-W27"), config)
    text, html = render_digest(digest, Pipeline(config).renderer.env)
    message = build_message(digest, text, html, ["Équipe <equipe@example.org>"], now=utc("2012-07-09T07:00:00"))
    raw = message.as_bytes()
    back = BytesParser(policy=policy.default).parsebytes(raw)
    assert back["Subject"] == "Résumé 27/2012 : 3 notes (2 juillet 2012 → 8 juillet 2012) — déjà « prêt »"
    assert back["To"].addresses[0].display_name == "Équipe"
    assert back["List-Unsubscribe"] == "<https://example.org/désabonnement?u=1>"
    assert back["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert back["Date"].datetime == utc("2012-07-09T07:00:00")
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()
    config.digest.subject = "semaine {semaine}"
    with pytest.raises(BriefgenError, match="digest.subject"):
        compose_digest(briefs, parse_week("2012-W27"), config)


def test_a_range_digest_is_named_by_its_days_not_by_weeks():
    config = load_config(None)
    briefs = briefs_of(config, (("a", "2012-07-02", "Tombouctou", ["Ansar Eddine"]), {}))
    period = resolve_period(config, since="1999-12-27", until="2031-01-05")
    subject = compose_digest(briefs, period, config).subject
    assert subject == "Digest — 27 décembre 1999 – 5 janvier 2031 — 1 note", subject
    assert "semaine" not in subject and "52–1" not in subject
    week = compose_digest(briefs, parse_week("2012-W27"), config).subject
    assert week.startswith("Digest hebdomadaire — semaine 27, 2012")


def test_twenty_briefs_stay_under_gmails_clipping_limit():
    from briefgen.render.renderer import Renderer

    config = load_config(None)
    config.site.base_url = "https://briefs.example.org/"
    places = ["Tombouctou", "Gao", "Kidal", "Mopti", "Bamako", "Ségou", "Kayes", "Sikasso", "Niamey", "Agadez",
              "Ouagadougou", "Dakar", "Nouakchott", "Tripoli", "Benghazi", "Alger", "Tunis", "Rabat", "Khartoum", "Juba"]
    briefs = briefs_of(config, *[
        ((f"brief-{i:02d}", f"2012-07-{2 + i % 7:02d}", places[i],
          [f"Personne Numéro{i} Longnom", f"Organisation internationale numéro {i}", f"Groupe armé {i}",
           f"Ministère des Affaires étrangères {i}"]),
         {"source": f"https://news{i}.example.org/article/{i}", "words": 60}) for i in range(20)])
    digest = compose_digest(briefs, parse_week("2012-W27"), config)
    text, html = render_digest(digest, Renderer(config).env)
    assert len(digest.events) == 20  # nothing grouped: the worst case
    size = len(html.encode("utf-8"))
    assert size < GMAIL_CLIP_BYTES, f"HTML part {size} bytes"
    check_html_part(html)
    message = build_message(digest, text, html, ["a@example.org"])
    assert len(message.as_bytes()) < 2 * GMAIL_CLIP_BYTES


# --------------------------------------------------------------------------- the PDF attachment


@pytest.fixture(scope="module")
def pdf_configs(seeds):
    on = write_config(seeds.root / "config-pdf.yaml", seeds="seeds", output="out",
                      replace={"attach_pdf: false": "attach_pdf: true"})
    small = write_config(seeds.root / "config-pdf-small.yaml", seeds="seeds", output="out",
                         replace={"attach_pdf: false": "attach_pdf: true", "max_attachment_kb: 5000": "max_attachment_kb: 20"})
    return on, small


def test_attachment_is_one_pdf_with_a_bookmark_per_brief(seeds, pdf_configs):
    from pypdf import PdfReader

    result = run_cli("digest", "-c", pdf_configs[0], "--week", "2012-W27")
    assert result.code == 0, result.err
    message = parse_eml(seeds.output / "digests" / "2012-W27.eml")
    assert message.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in message.walk()][1:4] == ["multipart/alternative", "text/plain", "text/html"]
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_filename() == "digest-2012-W27.pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    titles = [b.brief.title for b in select(_pipeline(seeds), parse_week("2012-W27")).briefs]
    assert len(titles) == 3 and all(t in top for t in titles)
    assert top[0] == "Digest hebdomadaire — semaine 27, 2012"  # the cover
    cover = reader.pages[0]
    links = [a.get_object() for a in cover.get("/Annots") or [] if a.get_object().get("/Subtype") == "/Link"]
    assert len({str(a.get("/Dest") or a.get("/A")) for a in links}) == 3  # the contents link to each brief
    text = cover.extract_text()
    assert "Sommaire" in text and "Tombouctou" in text
    assert "jointes en PDF" in message.get_body(("html",)).get_content()


def test_attachment_too_large_is_left_out_with_a_warning(seeds, pdf_configs):
    result = run_cli("digest", "-c", pdf_configs[1], "--week", "2012-W27")
    assert result.code == 0, result.err
    assert "above digest.max_attachment_kb (20 KB): not attached" in result.err
    message = parse_eml(seeds.output / "digests" / "2012-W27.eml")
    assert message.get_content_type() == "multipart/alternative" and not list(message.iter_attachments())
    assert "jointes en PDF" not in message.get_body(("html",)).get_content()


def _pipeline(project):
    from briefgen.pipeline import Pipeline

    return Pipeline(project.config)


# --------------------------------------------------------------------------- sending


class FakeMailer:
    """Stands in for briefgen.publish.mailer.send_digest; records its calls."""

    def __init__(self, status="sent"):
        self.calls = []
        self.status = status

    def __call__(self, message, recipients, settings, state_path, period, *, force=False, progress=None, **kw):
        from dataclasses import dataclass, field

        @dataclass
        class Delivery:
            recipient: str
            status: str
            detail: str
            message_id: str | None = None

        @dataclass
        class Report:
            period: str
            deliveries: list = field(default_factory=list)

            @property
            def ok(self):
                return all(x.status in ("sent", "skipped") for x in self.deliveries)

        self.calls.append({"message": message, "recipients": list(recipients), "settings": settings,
                           "state_path": Path(state_path), "period": period, "force": force})
        report = Report(period)
        for i, rcpt in enumerate(recipients):
            status = self.status if i == len(recipients) - 1 else "sent"
            report.deliveries.append(Delivery(rcpt, status, "250 OK" if status == "sent" else "550 no such user"))
            if progress:
                progress(report.deliveries[-1])
        return report


@pytest.fixture
def fake_mailer(monkeypatch):
    """``briefgen.publish.mailer.send_digest`` replaced."""
    import briefgen.publish.mailer as mailer

    fake = FakeMailer()
    monkeypatch.setattr(mailer, "send_digest", fake)
    return fake


def test_send_goes_to_to_and_bcc_with_bcc_never_in_the_headers(seeds, fake_mailer, capsys):
    config = seeds.config
    config.digest.bcc = ["chef@example.org"]
    code = run_digest(config, week="2012-W27", send=True, force=True)
    assert code == 0
    (call,) = fake_mailer.calls
    assert call["recipients"] == ["analystes@example.org", "chef@example.org"]
    assert call["period"] == "2012-W27" and call["force"] is True
    assert call["state_path"] == seeds.output / "digests" / "sent.json"
    assert call["settings"] is config.digest.smtp
    message = call["message"]
    assert message["To"] == "analystes@example.org" and message["Bcc"] is None
    assert b"chef@example.org" not in message.as_bytes()
    out = capsys.readouterr().out
    assert "analystes@example.org: sent" in out and "chef@example.org: sent" in out


def test_send_to_given_addresses_and_exit_1_when_one_fails(seeds, fake_mailer):
    fake_mailer.status = "refused"
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2012-W27", "--send",
                     "--to", "a@example.org", "b@example.org")
    assert result.code == 1
    (call,) = fake_mailer.calls
    assert call["recipients"] == ["a@example.org", "b@example.org"] and call["force"] is False
    assert call["message"]["To"] == "a@example.org, b@example.org"
    assert "b@example.org: refused (550 no such user)" in result.out


def test_send_nothing_for_an_empty_week_and_reject_bad_addresses(seeds, fake_mailer):
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2012-W30", "--send")
    assert result.code == 0 and "nothing sent" in result.err and fake_mailer.calls == []
    result = run_cli("digest", "-c", seeds.config_path, "--week", "2012-W27", "--send", "--to", "not an address")
    assert result.code == 2 and "not an email address" in result.err and fake_mailer.calls == []


def test_send_through_a_real_smtp_server_once_per_recipient(seeds, tmp_path):
    """End to end with the real mailer and an aiosmtpd server (skipped if the mailer is missing)."""
    pytest.importorskip("briefgen.publish.mailer")
    controller_mod = pytest.importorskip("aiosmtpd.controller")

    class Handler:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Handler()
    controller = controller_mod.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = seeds.config
        config.output = tmp_path / "out"  # its own sent-state; facts still come from the project's cache
        import shutil

        shutil.copytree(seeds.output / "cache", config.output / "cache")
        config.digest.bcc = ["chef@example.org"]
        config.digest.smtp.host, config.digest.smtp.port, config.digest.smtp.security = "127.0.0.1", port, "none"
        config.digest.smtp.user, config.digest.smtp.retries = None, 0
        out = io.StringIO()
        assert run_digest(config, week="2012-W27", send=True, out=out) == 0, out.getvalue()
        assert sorted(tuple(e.rcpt_tos) for e in handler.envelopes) == [("analystes@example.org",), ("chef@example.org",)]
        received = BytesParser(policy=policy.default).parsebytes(handler.envelopes[0].content)
        assert received["Subject"] == "Digest hebdomadaire — semaine 27, 2012 — 3 notes"
        assert received["Bcc"] is None and received["To"] == "analystes@example.org"
        assert (config.output / "digests" / "sent.json").is_file()
        assert run_digest(config, week="2012-W27", send=True, out=io.StringIO()) == 0  # already sent: skipped
        assert len(handler.envelopes) == 2
    finally:
        controller.stop()


# --------------------------------------------------------------------------- SpamAssassin


def spam_score(eml: bytes) -> tuple[float, str]:
    """SpamAssassin's score of a message, with its local rules only (``-L``: no network tests)."""
    import shutil
    import subprocess

    spamassassin = shutil.which("spamassassin")
    if spamassassin is None:
        pytest.skip("SpamAssassin is not installed (apt-get install spamassassin)")
    report = subprocess.run([spamassassin, "-L", "-t"], input=eml, capture_output=True, timeout=120).stdout.decode()
    score = re.search(r"Content analysis details:\s+\((-?[\d.]+) points", report)
    assert score, report[-2000:]
    return float(score.group(1)), report[report.find("Content analysis"):]


def test_spamassassin_scores_the_digest_below_one_point(week27, seeds, pdf_configs):
    score, report = spam_score(week27.eml)
    assert score < 1.0, report
    result = run_cli("digest", "-c", pdf_configs[0], "--week", "2012-W27")
    assert result.code == 0, result.err
    score, report = spam_score((seeds.output / "digests" / "2012-W27.eml").read_bytes())  # the PDF attached
    assert score < 1.0, report


def test_spamassassin_does_score_hidden_text(week27):
    """The check above can fail: a hidden preview line in the background's colour, as the digest once had."""
    message = parse_eml(week27.eml)
    part = message.get_body(("html",))
    hidden = '<div style="display:none;font-size:1px;color:#eef1f4;opacity:0">hidden preview text for the inbox</div>'
    html, n = re.subn(r"<body[^>]*>", lambda m: m.group(0) + hidden, part.get_content(), count=1)
    assert n == 1
    part.set_content(html, subtype="html", charset="utf-8")
    assert spam_score(message.as_bytes(policy=policy.SMTP))[0] >= 1.0
