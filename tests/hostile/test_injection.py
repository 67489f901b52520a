"""Hostile input: markup, script and template injection, path injection, email header injection.

Every field a user controls carries every payload: the article's title, body (so that it
reaches the lead, the quoted reactions, the stakes' quotes and the timeline), front-matter
source, url and licence, the analyst comment (front matter, and the corrections file) and
the corrections' replacement values (a renamed actor, its role and affiliation, an added
actor with its role, affiliation and alias, an added place that becomes the event location
and a map label, a stake's label, an added stake and an added reaction). Each payload is in
two articles: one with its comment in the front matter, one with a corrections file.

One ``build``, one ``site`` and one ``digest --dry-run`` of the lot (and of a benign twin,
whose scripts and elements are what the templates ship), then one test per payload and
output. The outputs are read as a browser, a feed reader or a mail client reads them: HTML
with html5lib (the HTML5 parsing algorithm), the feed and sitemap with lxml.etree, the PDFs
with pypdf (their text, metadata and link actions), the Pagefind fragments as JSON, the
``.eml`` with ``email.policy.default``. A payload must come out as the text it was, never as
markup, a script, a link target or an evaluated template.
"""

from __future__ import annotations

import email
import email.policy
import gzip
import json
import re
import traceback
import types
import unicodedata
from pathlib import Path

import pytest

from conftest import CliResult, make_project, pdf_text, run_cli, squash, write_config

JS = "javascript:alert(1)"
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "javascript-url": JS,
    "style-breakout": "</style><script>x</script>",
    "title-breakout": "</title><script>",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-raw": "{% raw %}",
}
BENIGN = "ordinaire"
PEOPLE = ["Gérald Martin", "Paul Durand", "Claire Lefebvre", "Hugo Moreau", "Anne Girard", "Louis Bonnet",
          "Marie Lambert", "Jacques Fontaine", "Sophie Chevalier", "Henri Rousseau", "Julie Mercier",
          "Marc Blanchard", "Nadia Garnier", "Olivier Faure", "Lucie Perrin", "Denis Roussel", "Émile Caron",
          "Yves Marchand", "Inès Barbier", "Bruno Collet", "Agnès Picard", "Thierry Lemaire", "Valérie Renaud",
          "Pascal Dumont", "Camille Hubert", "Arnaud Leclerc", "Sylvie Gauthier", "Fabien Joly"]
CITIES = ["Lyon", "Nantes", "Rennes", "Lille", "Bordeaux", "Toulouse", "Marseille", "Strasbourg", "Dijon",
          "Grenoble", "Nice", "Brest", "Rouen", "Tours", "Angers", "Reims", "Metz", "Limoges", "Amiens", "Caen",
          "Nancy", "Orléans", "Poitiers", "Perpignan", "Besançon", "Clermont-Ferrand", "Le Havre", "Avignon"]
WEEK, DAY = "2024-W10", "2024-03-05"  # a Tuesday ("mardi" in the body)
QUOTE = "les préfets de la région"
MARKER = "evil-traversal"  # in every path-injection name: no file anywhere may carry it outside out/ and seeds/


# --------------------------------------------------------------------------- the corpus


def source_of(p: str) -> str:
    return p if p.startswith("javascript:") else f"Source {p}"


def comment_of(p: str, word: str) -> str:
    """Markdown: the payload inline, alone as a block, and javascript: as a link, an autolink, an image."""
    return f"{word} {p}\n\n{p}\n\n[lien]({JS}) <{JS}> ![image {p}]({JS}) [autre](https://example.org/?{p})\n"


def article_text(p: str, person: str, city: str, comment: bool) -> str:
    front = {"title": f"Titre {p}", "date": DAY, "source": source_of(p), "licence": f"Licence {p}",
             "url": JS if p == JS else f"https://example.org/a?q={p}"}
    if comment:
        front["comment"] = comment_of(p, "Commentaire")
    head = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in front.items())
    return (f"---\n{head}---\n"
            f"{person} a réuni mardi à {city}, en France, {QUOTE} {p}.\n\n"
            f"« Nous ne céderons rien {p} », a déclaré {person} devant la presse.\n\n"
            f"Une visite diplomatique de l'ambassadeur est prévue {p}. "
            f"Les négociations diplomatiques reprendront jeudi. "
            f"Le sommet diplomatique aura lieu en avril.\n\n"
            f"[Lire le communiqué]({JS}) {p}\n")


def corrections_text(p: str, person: str, city: str) -> str:
    data = {
        "comment": comment_of(p, "Correction"),
        "actors": {
            "rename": {person: f"{person} {p}"},
            "edit": {f"{person} {p}": {"role": f"Rôle {p}", "affiliation": f"Affiliation {p}"}},
            "add": [{"name": f"Acteur {p}", "kind": "organization", "role": f"Porte-parole {p}",
                     "affiliation": f"Groupe {p}", "aliases": [f"Alias {p}"], "quote": QUOTE}],
        },
        "locations": {
            "add": [{"name": f"Lieu {p}", "kind": "site", "country": "FR", "lat": 45.5, "lon": 4.5,
                     "aliases": [f"Autre lieu {p}"], "quote": f"à {city}"}],
            "event": f"Lieu {p}",
        },
        "stakes": {"edit": {"diplomacy": {"label": f"Enjeu {p}"}},
                   "add": [{"topic": "domestic-politics", "label": f"Politique {p}", "quote": QUOTE}]},
        "reactions": {"add": [{"speaker": f"Acteur {p}", "kind": "direct", "text": f"Déclaration {p}",
                               "quote": "Nous ne céderons rien"}]},
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"  # JSON is YAML


def fields(p: str, person: str, variant: str) -> dict[str, str]:
    """Where each field shows in a brief: field -> the text it must show, exactly."""
    out = {"title": f"Titre {p}", "source": source_of(p), "licence": f"Licence {p}",
           "body": f"{QUOTE} {p}.", "quote": f"rien {p}", "stake quote": f"prévue {p}."}
    if p != JS:  # a javascript: url is no link at all (checked on every page)
        out["url"] = f"https://example.org/a?q={p}"
    if variant == "fm":
        out["comment (front matter)"] = f"Commentaire {p}"
    else:
        out |= {"comment (corrections)": f"Correction {p}", "renamed actor": f"{person} {p}",
                "edited role": f"Rôle {p}", "edited affiliation": f"Affiliation {p}", "added actor": f"Acteur {p}",
                "added actor's alias": f"Alias {p}", "added actor's role": f"Porte-parole {p}",
                "added actor's affiliation": f"Groupe {p}",
                "added place": f"Lieu {p}", "edited stake label": f"Enjeu {p}",
                "added stake label": f"Politique {p}", "added reaction": f"Déclaration {p}"}
    return out


def file_name(key: str, variant: str, p: str) -> str:
    """The payload in the file name too ('/' cannot be in one): the id must come out clean."""
    return f"inj-{key}-{variant} {p.replace('/', '|')}.md"


HEADER_ARTICLE = "hdr-crlf.md"
PATH_NAMES = [" ...md", "-..md", f"-.{MARKER}-hidden.md", f"..\\..\\{MARKER}-backslash.md",
              f"--output={MARKER}-option.md", f"-{MARKER}-dash.md", f"%2e%2e%2f{MARKER}-encoded.md",
              f"--{MARKER}=..%2f..%2f.md"]
PATH_FRONT = "trav-front.md"


def header_article(person: str, city: str) -> str:
    crlf = "\r\nBcc: evil@example.org\r\nX-Injected: {}"
    front = {"title": "Titre" + crlf.format("title"), "date": DAY, "source": "Source" + crlf.format("source"),
             "licence": "Licence" + crlf.format("licence")}
    head = "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items())
    return (f"---\n{head}---\n{person} a réuni mardi à {city}, en France, {QUOTE}.\n\n"
            f"« Nous ne céderons rien », a déclaré {person} devant la presse.\n")


def header_corrections(person: str) -> str:
    return json.dumps({
        "actors": {"rename": {person: f"{person}\r\nBcc: evil@example.org\r\nX-Injected: actor"}},
        "reactions": {"add": [{"speaker": f"{person}\r\nBcc: evil@example.org\r\nX-Injected: actor", "kind": "direct",
                               "text": "Déclaration\r\nX-Injected: reaction", "quote": "Nous ne céderons rien"}]},
    }) + "\n"


def path_article(person: str, city: str, extra: dict | None = None) -> str:
    front = {"title": f"Réunion à {city}", "date": DAY, **(extra or {})}
    head = "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items())
    return (f"---\n{head}---\n{person} a réuni mardi à {city}, en France, {QUOTE}.\n\n"
            f"« Nous ne céderons rien », a déclaré {person} devant la presse.\n")


def path_front_corrections() -> str:
    return json.dumps({
        "actors": {"add": [{"name": f"../../../{MARKER}-actor", "kind": "person", "quote": QUOTE}]},
        "locations": {"add": [{"name": f"../../{MARKER}-place", "kind": "site", "country": "FR", "lat": 45.0,
                               "lon": 5.0, "quote": QUOTE}]},
    }) + "\n"


def safe_run(*argv) -> CliResult:
    """``run_cli``, with an exception (a crash, not a clear error) turned into a result."""
    try:
        return run_cli(*argv)
    except BaseException as exc:  # noqa: BLE001 - what escaped is the finding
        if isinstance(exc, KeyboardInterrupt):
            raise
        return CliResult(-1, "", "".join(traceback.format_exception(exc)))


def layout():
    """(key, variant, payload, person, city) of each payload article, in order."""
    n = 0
    for key, p in PAYLOADS.items():
        for variant in ("fm", "ov"):
            yield key, variant, p, PEOPLE[n], CITIES[n]
            n += 1


def twin_name(key: str, variant: str) -> str:
    return f"ok-{key}-{variant}.md"


@pytest.fixture(scope="module")
def benign(tmp_path_factory):
    """The twin of every payload article, with a harmless word for the payload: its outputs are
    what the templates ship (scripts, elements) and how often each field shows."""
    texts = {}
    for key, variant, _, person, city in layout():
        name = twin_name(key, variant)
        texts[name] = article_text(BENIGN, person, city, comment=variant == "fm")
        if variant == "ov":
            texts[name[:-3] + ".facts.yaml"] = corrections_text(BENIGN, person, city)
    project = make_project(tmp_path_factory.mktemp("benign"), texts=texts)
    results = {cmd: safe_run(cmd, "-c", project.config_path, *extra) for cmd, extra in
               (("build", ()), ("site", ()), ("digest", ("--week", WEEK, "--dry-run")))}
    for cmd, result in results.items():
        assert result.code == 0, f"benign {cmd}: {result.err}"
    outputs = Outputs(project, results)
    outputs.scripts, outputs.tags = shipped(outputs)
    return outputs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from briefgen.ingest import article_id

    base = tmp_path_factory.mktemp("injection")
    texts: dict[str, str] = {}
    articles = {}  # (key, variant) -> namespace
    for key, variant, p, person, city in layout():
        name = file_name(key, variant, p)
        texts[name] = article_text(p, person, city, comment=variant == "fm")
        if variant == "ov":
            texts[name[: -len(".md")] + ".facts.yaml"] = corrections_text(p, person, city)
        articles[key, variant] = types.SimpleNamespace(
            key=key, variant=variant, payload=p, person=person, city=city, name=name,
            id=article_id(Path(name)), fields=fields(p, person, variant),
            twin=article_id(Path(twin_name(key, variant))), twin_fields=fields(BENIGN, person, variant))
    n = len(articles)
    person, city = PEOPLE[n], CITIES[n]
    texts[HEADER_ARTICLE] = header_article(person, city)
    texts[HEADER_ARTICLE[:-3] + ".facts.yaml"] = header_corrections(person)
    n += 1
    paths = {}
    for name in PATH_NAMES:
        paths[name] = CITIES[n]
        texts[name] = path_article(PEOPLE[n], paths[name])
        n += 1
    texts[PATH_FRONT] = path_article(PEOPLE[n], CITIES[n], {
        "url": f"../../../../{MARKER}-url", "source": f"../../{MARKER}-source", "licence": f"../{MARKER}-licence",
        "id": f"../../{MARKER}-id", "slug": f"../../{MARKER}-slug", "output": f"../../{MARKER}-output",
        "path": f"/tmp/{MARKER}-absolute"})
    texts[PATH_FRONT[:-3] + ".facts.yaml"] = path_front_corrections()
    project = make_project(base / "project", texts=texts)
    config = project.config_path
    results = {"build": safe_run("build", "-c", config), "site": safe_run("site", "-c", config),
               "digest": safe_run("digest", "-c", config, "--week", WEEK, "--dry-run")}
    outputs = Outputs(project, results)
    outputs.base = base
    outputs.articles = articles
    outputs.paths = paths
    outputs.header = headers_cases(project)
    return outputs


class Outputs:
    """A built project and its outputs, each parsed once."""

    def __init__(self, project, results):
        self.project = project
        self.results = results
        self.out = project.output
        self.site = project.output / "site"
        eml = project.output / "digests" / f"{WEEK}.eml"
        self.eml_bytes = eml.read_bytes() if eml.is_file() else b""
        preview = project.output / "digests" / f"{WEEK}.html"
        self.preview = preview.read_text(encoding="utf-8") if preview.is_file() else ""
        self._html: dict[Path, object] = {}

    def html(self, path: Path):
        if path not in self._html:
            self._html[path] = parse_html(path.read_text(encoding="utf-8"))
        return self._html[path]

    @property
    def message(self):
        return email.message_from_bytes(self.eml_bytes, policy=email.policy.default)

    def email_parts(self) -> dict[str, str]:
        parts = {}
        for part in self.message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_subtype()] = part.get_content()
        return parts

    def site_pages(self) -> list[Path]:
        return sorted(p for p in self.site.rglob("*.html") if "pagefind" not in p.relative_to(self.site).parts)

    def all_html(self) -> list[Path]:
        return sorted(self.out.joinpath("briefs").glob("*.html")) + self.site_pages()


# --------------------------------------------------------------------------- readers


def parse_html(text: str):
    import html5lib

    return html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)


def local(name) -> str:
    return name.rsplit("}", 1)[-1].lower() if isinstance(name, str) else ""


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "xlink:href",
                  "cite", "longdesc", "usemap", "manifest", "ping", "content"}


def is_script_url(value: str) -> bool:
    squeezed = re.sub(r"[\x00-\x20]+", "", unicodedata.normalize("NFKC", value)).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html", "livescript:"))


def elements(root):
    for el in root.iter():
        if isinstance(el.tag, str):
            yield el


# what the analyst comment's Markdown may make (``*`` twice in a paragraph is emphasis)
MARKDOWN_TAGS = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "hr", "br",
                 "h1", "h2", "h3", "h4", "h5", "h6"}


def shipped(outputs) -> tuple[set, set]:
    """The scripts (src, text) and element names the templates produce, from the benign build."""
    scripts, tags = set(), set(MARKDOWN_TAGS)
    for path in outputs.all_html():
        for el in elements(outputs.html(path)):
            tags.add(local(el.tag))
            if local(el.tag) == "script":
                scripts.add(script_signature(el))
    for html in (outputs.email_parts().get("html", ""), outputs.preview):
        for el in elements(parse_html(html)):
            tags.add(local(el.tag))
            if local(el.tag) == "script":
                scripts.add(script_signature(el))
    return scripts, tags


def script_signature(el) -> tuple:
    return el.get("src"), " ".join("".join(el.itertext()).split())


def markup_problems(doc, allowed_scripts: set, allowed_tags: set, where: str) -> list[str]:
    """Every script the templates do not ship, every element they never make, every event
    handler attribute, every script URL."""
    problems = []
    for el in elements(doc):
        tag = local(el.tag)
        if tag == "script" and script_signature(el) not in allowed_scripts:
            problems.append(f"{where}: a <script> the templates do not ship: {script_signature(el)}")
        if tag not in allowed_tags:
            problems.append(f"{where}: an element the templates never make: <{tag} {dict(el.attrib)}>")
        for name, value in el.attrib.items():
            attr = local(name)
            if attr.startswith("on"):
                problems.append(f"{where}: event handler attribute {attr}={value!r} on <{tag}>")
            if (attr in URL_ATTRIBUTES or name.endswith("}href")) and is_script_url(value):
                problems.append(f"{where}: script URL {attr}={value!r} on <{tag}>")
            if attr == "style" and ("javascript:" in value.lower() or "expression(" in value.lower()):
                problems.append(f"{where}: script in a style attribute: {value!r}")
    return problems


def text_of(node) -> str:
    """The text of a document or element as a reader sees it (scripts and style sheets left
    out), one space between words."""
    nodes = node.xpath(".//text()[not(ancestor::*[local-name()='script' or local-name()='style'])]")
    return " ".join(" ".join(nodes).split())


def norm(text: str) -> str:
    return " ".join(text.split())


def missing_fields(text: str, expected: dict[str, str], payload: str, squashed: bool = False) -> list[str]:
    """Fields whose text is not in ``text`` as written, and fields that show as an evaluated template."""
    fix = squashed_nfkc if squashed else norm
    text = fix(text)
    problems = [f"{field}: {value!r} not shown as text" for field, value in expected.items() if fix(value) not in text]
    if "{{" in payload:  # {{ 7*7 }} must never render as 49 where the text was
        problems += [f"{field}: rendered as a template ({value.replace(payload, '49')!r})"
                     for field, value in expected.items() if fix(value.replace(payload, "49")) in text]
    return problems


def squashed_nfkc(text: str) -> str:
    return squash(unicodedata.normalize("NFKC", text))


# the first paragraph (the lead) is also the timeline's entry, cut at 110 characters: its count depends on
# the payload's length; a javascript: source is also the text of the comment's literal links
UNCOUNTED = {"body"}


def count_problems(text: str, twin_text: str, a, squashed: bool = False) -> list[str]:
    """Each field shows as often as its benign twin's does: no occurrence was swallowed as markup."""
    fix = squashed_nfkc if squashed else norm
    text, twin_text = fix(text), fix(twin_text)
    problems = []
    for field, value in a.fields.items():
        if field in UNCOUNTED or (field == "source" and a.payload == JS) or field not in a.twin_fields:
            continue
        got, want = text.count(fix(value)), twin_text.count(fix(a.twin_fields[field]))
        if got != want:
            problems.append(f"{field}: {value!r} shows {got} time(s), its benign twin {want}")
    return problems


# --------------------------------------------------------------------------- the runs


def test_build_site_and_digest_ran_cleanly(corpus):
    for cmd, result in corpus.results.items():
        assert result.code == 0, f"{cmd} exited {result.code}:\n{result.err}"
        assert "Traceback" not in result.err and "internal error" not in result.err, result.err
        if cmd == "build":  # every correction was carried out as written
            assert "warning" not in result.err.lower(), result.err
    for a in corpus.articles.values():
        assert (corpus.out / "briefs" / f"{a.id}.html").is_file(), a.name
        assert re.fullmatch(r"inj-[a-z-]+-(fm|ov)-[A-Za-z0-9_.-]+", a.id), a.id


# --------------------------------------------------------------------------- briefs


@pytest.mark.parametrize("key", PAYLOADS)
def test_brief_html(corpus, benign, key):
    problems = []
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]
        path = corpus.out / "briefs" / f"{a.id}.html"
        doc = corpus.html(path)
        problems += markup_problems(doc, benign.scripts, benign.tags, path.name)
        problems += [f"{path.name}: {m}" for m in missing_fields(text_of(doc), a.fields, a.payload)]
        twin = benign.html(benign.out / "briefs" / f"{a.twin}.html")
        problems += [f"{path.name}: {m}" for m in count_problems(text_of(doc), text_of(twin), a)]
        problems += [f"{path.name}: {m}" for m in exact_text(doc, a)]
    assert not problems, "\n".join(problems)


def exact_text(doc, a) -> list[str]:
    """The <title>, the source link (its address as written) and the map's label of the added place."""
    problems = []
    title = doc.find(".//title")
    if title is None or norm(title.text or "") != a.fields["title"]:
        problems.append(f"<title> is {title.text if title is not None else None!r}")
    links = [el.get("href") for el in doc.iter("a") if norm("".join(el.itertext())) == a.fields.get("url")]
    if "url" in a.fields and links != [a.fields["url"]]:
        problems.append(f"the source link is {links!r}")
    if a.variant == "ov":
        labels = [norm("".join(el.itertext())) for el in doc.iter("{http://www.w3.org/2000/svg}text")]
        if a.fields["added place"] not in labels:
            problems.append(f"the map labels are {labels!r}")
    return problems


def pdf_problems(path: Path) -> list[str]:
    """Document-level actions, scripts, forms, and link annotations to a script URL."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    problems = []
    root = reader.trailer["/Root"].get_object()
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        if key in root:
            problems.append(f"{path.name}: document-level {key}")
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        problems.append(f"{path.name}: document JavaScript")
    for n, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            for action in (annot.get("/A"), *(annot.get("/AA") or {}).values()):
                if action is None:
                    continue
                action = action.get_object()
                kind = action.get("/S")
                if kind in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm"):
                    problems.append(f"{path.name} page {n}: {kind} action")
                uri = action.get("/URI")
                if uri is not None and is_script_url(str(uri)):
                    problems.append(f"{path.name} page {n}: link to {uri!r}")
    return problems


@pytest.mark.parametrize("key", PAYLOADS)
def test_brief_pdf(corpus, benign, key):
    from pypdf import PdfReader

    problems = []
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]
        twin = pdf_text(benign.out / "briefs" / f"{a.twin}.pdf")
        pdfs = {path.read_bytes(): path for path in (corpus.out / "briefs" / f"{a.id}.pdf",
                                                     corpus.site / "briefs" / a.id / f"{a.id}.pdf")}
        for path in pdfs.values():  # the site's PDF is the brief's (the same bytes are read once)
            problems += pdf_problems(path)
            text = pdf_text(path)
            problems += [f"{path.name}: {m}" for m in missing_fields(text, a.fields, a.payload, squashed=True)]
            problems += [f"{path.name}: {m}" for m in count_problems(text, twin, a, squashed=True)]
            title = PdfReader(str(path)).metadata.title
            if norm(title or "") != a.fields["title"]:
                problems.append(f"{path.name}: PDF title {title!r}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the site


def linked_page(corpus, page: Path, text: str, folder: str) -> Path:
    """The page that ``page`` links to with the link text ``text`` (under ``folder``)."""
    for link in corpus.html(page).iter("a"):
        href = link.get("href") or ""
        if norm("".join(link.itertext())) == norm(text) and f"{folder}/" in href:
            return (page.parent / href).resolve()
    raise AssertionError(f"{page.relative_to(corpus.site)}: no link named {text!r} to {folder}/")


def actor_page(corpus, brief: Path, name: str) -> Path:
    return linked_page(corpus, brief, name, "actors")


def own_pages(corpus, a) -> set[Path]:
    """The article's brief page and the actor and place pages its brief page links to."""
    brief = (corpus.site / "briefs" / a.id / "index.html").resolve()
    pages = {brief}
    main = corpus.html(brief).find(".//main")
    for link in main.iter("a"):
        href = link.get("href") or ""
        if "/actors/" in href or "/places/" in href:
            pages.add((brief.parent / href).resolve())
    return pages


def site_scopes(corpus, a) -> list[tuple[str, object]]:
    """Where the site shows the article: its own pages whole, and in a page shared with other
    briefs (home, index pages, a shared actor or place, the pager of a neighbour) the list item
    or navigation that links to one of its own pages."""
    own = own_pages(corpus, a)
    brief = (corpus.site / "briefs" / a.id / "index.html").resolve()
    others = {(corpus.site / "briefs" / b.id / "index.html").resolve() for b in corpus.articles.values() if b is not a}
    scopes = []
    for page in corpus.site_pages():
        page = page.resolve()
        doc = corpus.html(page)
        where = str(page.relative_to(corpus.site.resolve()))
        if page == brief:  # all of it but the pager, which shows the neighbours' titles
            scopes.append((where + " (head)", doc.find("head")))
            scopes += [(where, el) for el in doc.find("body") if not (el.tag == "nav" and el.get("class") == "pager")]
            continue
        targets = {(page.parent / (el.get("href") or "")).resolve(): el for el in doc.iter("a")}
        if page in own and not (set(targets) & others):
            scopes.append((where, doc))
            continue
        for target, link in targets.items():
            if target in own and target != page:
                item = next((el for el in link.iterancestors() if el.tag in ("li", "nav", "tr")), link)
                scopes.append((f"{where} ({item.tag})", item))
    return scopes


def site_expectations(corpus, a) -> dict[Path, dict[str, str]]:
    """Page -> the fields it must show."""
    f = a.fields
    brief = corpus.site / "briefs" / a.id / "index.html"
    home = next(p for p in [corpus.site / "index.html", *sorted(corpus.site.glob("page/*/index.html"))]
                if f"briefs/{a.id}/" in p.read_text(encoding="utf-8"))
    expected = {brief: dict(f), home: {k: f[k] for k in ("title", "source")},
                corpus.site / "weeks" / WEEK / "index.html": {"title": f["title"]}}
    if a.variant == "ov":
        expected[home] |= {k: f[k] for k in ("renamed actor", "added place")}
        for field, shown in (("renamed actor", ("renamed actor", "edited role", "quote")),
                             ("added actor", ("added actor", "added actor's alias", "added actor's role",
                                              "added reaction"))):
            expected[actor_page(corpus, brief, f[field])] = {k: f[k] for k in shown} | {"title": f["title"]}
        place = linked_page(corpus, brief, f["added place"], "places")
        expected[place] = {"added place": f["added place"], "title": f["title"]}
        expected[corpus.site / "actors" / "index.html"] = {k: f[k] for k in ("renamed actor", "added actor")}
        expected[corpus.site / "places" / "index.html"] = {"added place": f["added place"]}
    return expected


@pytest.mark.parametrize("key", PAYLOADS)
def test_site_pages(corpus, benign, key):
    problems = []
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]
        try:
            for where, scope in site_scopes(corpus, a):
                problems += markup_problems(scope, benign.scripts, benign.tags, where)
            expected = site_expectations(corpus, a)
        except (AssertionError, StopIteration) as exc:
            problems.append(f"{a.name}: {exc!r}")
            continue
        for page, wanted in expected.items():
            where = str(page.resolve().relative_to(corpus.site.resolve()))
            problems += [f"{where}: {m}" for m in missing_fields(text_of(corpus.html(page)), wanted, a.payload)]
        brief = corpus.site / "briefs" / a.id / "index.html"
        twin = benign.site / "briefs" / a.twin / "index.html"
        main, twin_main = corpus.html(brief).find(".//main"), benign.html(twin).find(".//main")
        problems += [f"briefs/{a.id}/: {m}" for m in count_problems(text_of(main), text_of(twin_main), a)]
        problems += [f"briefs/{a.id}/: {m}" for m in exact_text(corpus.html(brief), a)]
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_every_site_page_and_brief_is_clean(corpus, benign):
    """All of them, whatever they show: no script, element, handler or script URL of a payload."""
    problems = []
    for path in corpus.all_html():
        problems += markup_problems(corpus.html(path), benign.scripts, benign.tags, str(path.relative_to(corpus.out)))
    assert len(corpus.all_html()) > 60
    assert not problems, "\n".join(problems)


ATOM = "{http://www.w3.org/2005/Atom}"


def parse_xml(path: Path):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(path.read_bytes(), parser)


@pytest.mark.parametrize("key", PAYLOADS)
def test_atom_feed(corpus, key):
    """Well-formed; only Atom elements; every text construct of type text with no child
    element; the article's entry title and summary are its text as written."""
    feed = parse_xml(corpus.site / "feed.xml")  # well-formed, or this raises
    problems = []
    for el in feed.iter():
        if not isinstance(el.tag, str):
            problems.append(f"feed: a {type(el).__name__} node")
            continue
        if not el.tag.startswith(ATOM):
            problems.append(f"feed: an element outside Atom: {el.tag}")
        if local(el.tag) in ("title", "subtitle", "summary", "content", "rights") and (
                el.get("type") not in (None, "text") or len(el)):
            problems.append(f"feed: <{local(el.tag)} type={el.get('type')!r}> holds markup: {el.text!r}")
    entries = {}
    for entry in feed.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link").get("href")
        entries[link] = entry
        if is_script_url(link) or not link.startswith("https://example.github.io/briefgen/"):
            problems.append(f"feed: entry link {link!r}")
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]
        entry = entries.get(f"https://example.github.io/briefgen/briefs/{a.id}/")
        if entry is None:
            problems.append(f"feed: no entry for {a.id}")
            continue
        title = entry.find(f"{ATOM}title").text
        if title != f"[TLP:CLEAR] {a.fields['title']}":
            problems.append(f"feed title: {title!r}")
        problems += [f"feed title: {m}" for m in missing_fields(title, {"title": a.fields["title"]}, a.payload)]
        if a.variant == "ov":
            wanted = {k: a.fields[k] for k in ("renamed actor", "added place")}
            summary = entry.find(f"{ATOM}summary").text
            problems += [f"feed summary: {m}" for m in missing_fields(summary, wanted, a.payload)]
    assert not problems, "\n".join(problems)


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize("key", PAYLOADS)
def test_sitemap(corpus, key):
    """Well-formed, only <url><loc>, every address a plain one of the site (ids and slugs made
    of the payloads hold none of their characters), the article's page listed."""
    urlset = parse_xml(corpus.site / "sitemap.xml")
    problems = []
    if urlset.tag != f"{SITEMAP}urlset":
        problems.append(f"sitemap root {urlset.tag}")
    locs = []
    for url in urlset:
        if url.tag != f"{SITEMAP}url" or [c.tag for c in url] != [f"{SITEMAP}loc"] or len(url[0]):
            problems.append(f"sitemap: unexpected markup {url.tag} {[c.tag for c in url]}")
            continue
        locs.append(url[0].text)
    for loc in locs:
        if not re.fullmatch(r"https://example\.github\.io/briefgen/[A-Za-z0-9._~/-]*", loc or ""):
            problems.append(f"sitemap: {loc!r} is not a plain address of the site")
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]
        for page in own_pages(corpus, a):
            rel = page.relative_to(corpus.site.resolve()).as_posix()
            if f"https://example.github.io/briefgen/{rel[: -len('index.html')]}" not in locs:
                problems.append(f"sitemap: {rel} is not listed")
    assert not problems, "\n".join(problems)


def fragments(site: Path) -> dict[str, dict]:
    """Pagefind's fragments (one per indexed page: its text, title, anchors), by page URL."""
    found = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        found[fragment["url"]] = fragment
    return found


PAGEFIND_ESCAPES = 'raw_content=fragment.content.replace(/</g,"&lt;").replace(/>/g,"&gt;")'


@pytest.mark.parametrize("key", PAYLOADS)
def test_search_index(corpus, key):
    """Pagefind stores a page's text as plain text and its UI shows a result's excerpt with
    innerHTML, after pagefind.js has escaped '<' and '>': that escaped text must hold no
    element at all. Titles and sub-result titles are set as text and must be the page's own;
    no metadata (an image, an address) may come from a payload."""
    import html5lib

    index = fragments(corpus.site)
    problems = []
    script = (corpus.site / "pagefind" / "pagefind.js").read_text(encoding="utf-8")
    assert PAGEFIND_ESCAPES in script, "pagefind.js no longer escapes the excerpt: the indexed text must be escaped"
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]
        brief = corpus.site / "briefs" / a.id / "index.html"
        wanted = {f"/briefs/{a.id}/index.html": (a.fields["title"], dict(a.fields))}
        if a.variant == "ov":
            for field in ("renamed actor", "added actor"):
                page = actor_page(corpus, brief, a.fields[field]).relative_to(corpus.site.resolve())
                wanted["/" + page.as_posix()] = (a.fields[field], {field: a.fields[field]})
        for url, (title, fields_) in wanted.items():
            fragment = index.get(url)
            if fragment is None:
                problems.append(f"search: {url} is not indexed")
                continue
            shown = fragment["content"].replace("<", "&lt;").replace(">", "&gt;")  # what pagefind.js does
            content = html5lib.parseFragment(shown, treebuilder="lxml", namespaceHTMLElements=False)
            made = [local(el.tag) for top in content if not isinstance(top, str)
                    for el in (top, *top.iterdescendants()) if isinstance(el.tag, str)]
            if made:
                problems.append(f"search {url}: the excerpt text holds markup: {made}")
            problems += [f"search {url}: {m}" for m in missing_fields(fragment["content"], fields_, a.payload)]
            meta = fragment.get("meta", {})
            if set(meta) != {"title"} or norm(meta["title"]) != title:
                problems.append(f"search {url}: metadata {meta}")
            for anchor in fragment.get("anchors", []):
                if not re.fullmatch(r"[A-Za-z0-9_-]+", str(anchor.get("id", ""))):
                    problems.append(f"search {url}: anchor {anchor}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the digest


def digest_fields(a) -> dict[str, str]:
    f = a.fields
    wanted = {k: f[k] for k in ("title", "body")}
    if a.variant == "ov":
        wanted |= {k: f[k] for k in ("renamed actor", "edited role", "added place")}
    return wanted


@pytest.mark.parametrize("key", PAYLOADS)
def test_digest_email(corpus, benign, key):
    """The article's item in the HTML part and in the preview is clean markup that shows its
    fields as text; the plain-text part (inert) shows them as written."""
    parts = corpus.email_parts()
    assert set(parts) == {"plain", "html"}, list(parts)
    problems = []
    for name, html in (("HTML part", parts["html"]), ("preview", corpus.preview)):
        doc = parse_html(html)
        for variant in ("fm", "ov"):
            a = corpus.articles[key, variant]
            url = f"https://example.github.io/briefgen/briefs/{a.id}/"
            cards = {id(td): td for link in doc.iter("a") if link.get("href") == url
                     for td in link.iterancestors() if td.tag == "td" and "card" in (td.get("class") or "")}
            if len(cards) != 1:
                problems.append(f"{name}: {len(cards)} item(s) link to {url}")
                continue
            card = next(iter(cards.values()))
            problems += markup_problems(card, benign.scripts, benign.tags, f"{name}, {a.id}")
            problems += [f"{name}, {a.id}: {m}" for m in missing_fields(text_of(card), digest_fields(a), a.payload)]
    for variant in ("fm", "ov"):
        a = corpus.articles[key, variant]  # text/plain is inert: the payload shows as written
        missing = missing_fields(parts["plain"], digest_fields(a), a.payload, squashed=True)
        problems += [f"text part: {m}" for m in missing]
    assert not problems, "\n".join(problems)


def test_the_whole_digest_is_clean(corpus, benign):
    parts = corpus.email_parts()
    problems = []
    for name, html in (("HTML part", parts["html"]), ("preview", corpus.preview)):
        problems += markup_problems(parse_html(html), benign.scripts, benign.tags, name)
    urls = {f"https://example.github.io/briefgen/briefs/{a.id}/" for a in corpus.articles.values()}
    assert urls <= {link.get("href") for link in parse_html(parts["html"]).iter("a")}, "not every brief is in it"
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- email headers

EXPECTED_HEADERS = {"subject", "from", "to", "date", "message-id", "list-unsubscribe", "auto-submitted",
                    "x-briefgen-period", "mime-version", "content-type"}
PART_HEADERS = {"content-type", "content-transfer-encoding", "mime-version", "content-disposition"}


def header_problems(eml: bytes) -> list[str]:
    message = email.message_from_bytes(eml, policy=email.policy.default)
    problems = [f"defect: {d!r}" for d in message.defects]
    names = {k.lower() for k in message.keys()}
    if names != EXPECTED_HEADERS:
        problems.append(f"headers {sorted(names ^ EXPECTED_HEADERS)} added or missing")
    for name in ("bcc", "x-injected", "cc"):
        if message.get_all(name):
            problems.append(f"a {name} header: {message.get_all(name)}")
    for name, value in message.items():
        if "\r" in str(value) or "\n" in str(value):
            problems.append(f"{name}: {value!r}")
    if "evil@" in str(message["To"]) + str(message["From"]):
        problems.append(f"an injected address: From {message['From']!r}, To {message['To']!r}")
    for part in message.walk():
        if part is message:
            continue
        extra = {k.lower() for k in part.keys()} - PART_HEADERS
        if extra:
            problems.append(f"a part has headers {extra}")
        problems += [f"part defect: {d!r}" for d in part.defects]
    if message.get_content_type() != "multipart/alternative" or len(message.get_payload()) != 2:
        problems.append(f"structure: {message.get_content_type()} with {len(message.get_payload())} parts")
    return problems


def headers_cases(project) -> dict[str, types.SimpleNamespace]:
    """Digests of the corpus with CR/LF in the configuration's subject, sender and addresses,
    and on the command line; each from its own config file beside the project's."""
    cases = {}
    crlf = r"\r\nBcc: evil@example.org\r\nX-Injected: {}"
    configs = {
        "subject": ('  subject: "Digest hebdomadaire — semaine {week}, {year} — {briefs}"',
                    '  subject: "Digest {week}' + crlf.format("subject") + ' {briefs}"'),
        "sender": ('  sender: "briefgen <briefs@example.org>"',
                   '  sender: "briefgen <briefs@example.org>' + crlf.format("sender") + '"'),
        "sender-name": ('  sender: "briefgen <briefs@example.org>"',
                        '  sender: "briefgen' + crlf.format("sender") + ' <briefs@example.org>"'),
        "to": ("  to: [analystes@example.org]", '  to: ["analystes@example.org' + crlf.format("to") + '"]'),
        "to-name": ("  to: [analystes@example.org]", r'  to: ["Analystes\r\nX-Injected: to <analystes@example.org>"]'),
        "bcc": ("  bcc: []", '  bcc: ["copie@example.org' + crlf.format("bcc") + '"]'),
        "unsubscribe": ('  unsubscribe: "mailto:briefs+unsubscribe@example.org"',
                        '  unsubscribe: "mailto:briefs+unsubscribe@example.org' + crlf.format("unsubscribe") + '"'),
    }
    eml = project.output / "digests" / f"{WEEK}.eml"
    for case, (old, new) in configs.items():
        config = write_config(project.root / f"config-{case}.yaml", replace={old: new, "  port: 587": "  port: 9"})
        before = eml.read_bytes() if eml.is_file() else b""
        argv = ["digest", "-c", config, "--week", WEEK]
        argv += ["--send"] if case == "bcc" else ["--dry-run"]  # bcc is read only to send
        result = safe_run(*argv)
        cases[case] = types.SimpleNamespace(result=result, eml=eml.read_bytes() if eml.is_file() else b"",
                                            changed=(eml.read_bytes() if eml.is_file() else b"") != before)
    for case, to in (("--to", "lecteur@example.org\r\nBcc: evil@example.org"),
                     ("--to-name", "Lecteur\r\nX-Injected: 1 <lecteur@example.org>"),
                     ("--to (two addresses)", "lecteur@example.org, evil@example.org")):
        before = eml.read_bytes()
        result = safe_run("digest", "-c", project.config_path, "--week", WEEK, "--dry-run", "--to", to)
        cases[case] = types.SimpleNamespace(result=result, eml=eml.read_bytes(), changed=eml.read_bytes() != before)
    return cases


def test_crlf_in_titles_actors_and_reactions_adds_no_header(corpus):
    """The corpus's digest holds an article whose title, source and licence, renamed actor and added
    reaction carry CR/LF, 'Bcc:' and 'X-Injected:': they are text in its parts, never a header."""
    assert corpus.eml_bytes, "no digest written"
    problems = header_problems(corpus.eml_bytes)
    parts = corpus.email_parts()
    for text in ("Bcc: evil@example.org", "X-Injected: title", "X-Injected: actor"):
        assert text in parts["plain"], text  # the header article is in the digest, as text
    assert not problems, "\n".join(problems)


def test_crlf_in_the_subject_template_adds_no_header(corpus):
    case = corpus.header["subject"]
    assert case.result.code == 0, case.result.err
    problems = header_problems(case.eml)
    message = email.message_from_bytes(case.eml, policy=email.policy.default)
    assert message["Subject"].startswith("Digest 10"), message["Subject"]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case, names", [
    ("sender", "digest.sender"), ("sender-name", "digest.sender"), ("to-name", "digest.to"), ("--to-name", "--to"),
    ("to", "digest.to"), ("bcc", "copie@example.org"), ("unsubscribe", "digest.unsubscribe"), ("--to", "--to"),
    ("--to (two addresses)", "--to"),
])
def test_a_bad_address_is_refused_with_a_clear_error(corpus, case, names):
    got = corpus.header[case]
    err = got.result.err
    assert "Traceback" not in err and got.result.code != -1, f"{case}: crashed instead of a clear error:\n{err}"
    assert got.result.code in (1, 2), (got.result.code, err)
    lines = [line for line in err.splitlines() if line.startswith("briefgen: error:")]
    assert lines and names in lines[0] and "address" in lines[0], err
    if got.changed:  # only --send reads digest.bcc: the message is written first, without it (never a header)
        assert case == "bcc" and not header_problems(got.eml), "a digest was written with the bad address"


# --------------------------------------------------------------------------- paths


def test_nothing_is_written_outside_out_and_seeds(corpus):
    root = corpus.project.root
    stray = []
    for path in sorted(corpus.base.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(corpus.base)
        parts = rel.parts
        if parts[0] != "project":
            stray.append(str(rel))
        elif len(parts) == 2 and re.fullmatch(r"config(-[\w-]+)?\.yaml", parts[1]):
            continue
        elif parts[1] not in ("out", "seeds"):
            stray.append(str(rel))
    # nowhere else either: no file or folder named after a traversal, in all the session's temporary folders
    basetemp = corpus.base.parent
    while basetemp.parent != basetemp and not basetemp.name.startswith("pytest-"):
        basetemp = basetemp.parent
    stray += [str(path) for path in basetemp.rglob(f"*{MARKER}*") if not path.is_relative_to(root)]
    seeds = {p.name for p in (root / "seeds").iterdir()}
    assert seeds >= set(PATH_NAMES), "the project's seeds were not kept"
    assert not stray, stray
    assert corpus.results["build"].code == 0 and corpus.results["site"].code == 0


@pytest.mark.parametrize("name", [
    *[n for n in PATH_NAMES if not n.startswith(".")],
])
def test_a_file_name_cannot_steer_where_its_brief_goes(corpus, name):
    """The id made of a file name is one plain path segment (not '.', '..', hidden or an
    option): the brief, its facts and its PDF are out/briefs/<id>.*, its page and PDF are
    site/briefs/<id>/, and nothing else there is overwritten."""
    from briefgen.ingest import article_id

    article = article_id(corpus.project.seeds / name)
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", article) or article in (".", ".."):
        problems.append(f"id {article!r} is not a plain path segment")
    briefs = (corpus.out / "briefs").resolve()
    for suffix in (".html", ".pdf", ".json"):
        path = corpus.out / "briefs" / f"{article}{suffix}"
        if not path.is_file() or path.resolve().parent != briefs or path.resolve().name.startswith("."):
            problems.append(f"its {suffix} is {path.resolve()}")
    folder = corpus.site / "briefs" / article
    if folder.resolve().parent != (corpus.site / "briefs").resolve():
        problems.append(f"its page's folder is {folder.resolve()}")
    page = folder / "index.html"
    if page.is_file():
        h1 = corpus.html(page).find(".//h1")
        if h1 is None or norm("".join(h1.itertext())) != f"Réunion à {corpus.paths[name]}":
            problems.append(f"{page.resolve()} is not its page")
    else:
        problems.append("no page")
    if not (folder / f"{article}.pdf").is_file():
        problems.append("no PDF beside its page")
    locs = [el.text for el in parse_xml(corpus.site / "sitemap.xml").iter(f"{SITEMAP}loc")]
    if f"https://example.github.io/briefgen/briefs/{article}/" not in locs or any(
            re.search(r"/\.\.?(/|$)", loc) for loc in locs if f"/briefs/{article}/" in loc):
        problems.append("its address in the sitemap is not a plain one")
    assert not problems, "\n".join(problems)


def test_a_hidden_file_is_no_article(corpus):
    """A seed whose name starts with a dot (``..\\..\\x.md``) is hidden: never read, nothing made of it."""
    from briefgen.ingest import article_id

    hidden = [n for n in PATH_NAMES if n.startswith(".")]
    assert hidden and all((corpus.project.seeds / n).is_file() for n in hidden)
    for name in hidden:
        assert name not in corpus.results["build"].err
        assert not list(corpus.out.rglob(f"*{article_id(corpus.project.seeds / name)}*"))


def test_the_home_page_stays_the_home_page(corpus):
    """A brief whose page would be site/index.html (id '..') never takes the home page's place."""
    site = corpus.site.resolve()
    home = corpus.html(corpus.site / "index.html")
    assert norm("".join(home.find(".//h1").itertext())) == "Dernières notes"
    listed = {a.get("href") for a in home.iter("a")}
    assert any(f"briefs/{a.id}/index.html" in (h or "") for a in corpus.articles.values() for h in listed), listed
    assert not (site / "briefs" / "inj-script-fm").exists()  # ids are never cut at a payload's '<'


def test_front_matter_and_corrections_paths_stay_text(corpus):
    """``url: ../../x`` is not a link, ``id:``/``slug:``/``output:`` are not used, an added
    actor or place named ``../../x`` has a plain slug."""
    facts = json.loads((corpus.out / "briefs" / "trav-front.json").read_text(encoding="utf-8"))
    brief = corpus.html(corpus.out / "briefs" / "trav-front.html")
    hrefs = [a.get("href") for a in brief.iter("a")]
    assert not [h for h in hrefs if MARKER in (h or "")], hrefs
    assert f"../../{MARKER}-source" in text_of(brief)
    page = corpus.site / "briefs" / "trav-front" / "index.html"
    links = [a.get("href") for a in corpus.html(page).iter("a") if MARKER in "".join(a.itertext())]
    assert links, "the added actor and place are not linked"
    for href in links:
        target = (page.parent / href).resolve()
        assert target.is_file() and target.is_relative_to(corpus.site.resolve()), href
        rel = target.relative_to(corpus.site.resolve()).as_posix()
        assert re.fullmatch(r"(actors|places)/[a-z0-9-]+/index\.html", rel), rel
    assert any(MARKER in a["name"] for a in facts["actors"])
