"""A faster start for spaCy's French pipeline: the same tokenizer, without a 3-second regex.

In: a spaCy model name. Out: the loaded ``Language``, whose tokenizer splits every text
exactly as spaCy's own would.

Why: importing ``spacy.lang.fr`` runs ``spacy/lang/fr/tokenizer_exceptions.py``, which
compiles at import time one 1.4 MB regular expression (``TOKEN_MATCH``: 266 anchored
alternatives, most repeating the same huge Unicode letter classes). Python's ``re`` takes
about 3 s for it, on every cold start, and the model's serialized tokenizer holds the same
pattern, compiled again on load. The language it matches is simple: most alternatives
differ only in a literal prefix.

How, with spaCy's own data and no table of ours:

1. While :func:`load_fast` imports the French language, a ``sys.meta_path`` finder runs
   spaCy's ``tokenizer_exceptions.py`` source with only its last statement,
   ``TOKEN_MATCH = re.compile(...)``, replaced by :func:`factored_match` over the module's
   own ``_regular_exp`` list. The source is checked with :mod:`ast` first: any other
   shape (another spaCy version) and the normal import runs. No ``.pyc`` is read or
   written for the changed module.
2. :func:`factored_match` merges alternatives that are identical except in one literal
   run (the text between two large character classes) into one alternative with
   ``(?:a|b|…)`` at that run, until nothing merges: the same set of matched strings,
   compiled in a few milliseconds.
3. The model is loaded without its tokenizer, which is then read from the model's own
   file, all but ``token_match``. When the serialized ``token_match`` is the very
   pattern spaCy would have compiled, the factored one takes its place; otherwise the
   serialized one is compiled, as spaCy does.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import re
import sys
import threading
from pathlib import Path

MODULE = "spacy.lang.fr.tokenizer_exceptions"
KNOWN_VALUE = "re.compile('(?iu)' + '|'.join(('(?:{})'.format(m) for m in _regular_exp))).match"
BIG_CLASS = 200  # characters: a class this long is compiled slowly, so it is factored out
FLAGS = "(?iu)"

_LOCK = threading.Lock()
_ORIGINALS: dict[str, object] = {}  # the pattern spaCy would compile -> its factored match


def load_fast(name: str):
    """``spacy.load(name)``, with the French token-match regex factored (see the module)."""
    import spacy

    with _LOCK:
        if MODULE not in sys.modules:
            finder = _Finder()
            sys.meta_path.insert(0, finder)
            try:
                import spacy.lang.fr  # noqa: F401 - runs the finder once
            finally:
                sys.meta_path.remove(finder)
    from .lookups_speed import fast_tables

    with fast_tables():  # the lemmatizer's tables, built faster (see lookups_speed)
        nlp = spacy.load(name, exclude=["senter", "tokenizer"])
    folder = model_folder(name)
    if folder is not None and (folder / "tokenizer").is_file():
        load_tokenizer(nlp, folder / "tokenizer")
    else:  # no serialized tokenizer to read: spaCy's own load, unchanged
        nlp = spacy.load(name, exclude=["senter"])
    return nlp


def load_tokenizer(nlp, path: Path) -> None:
    """Read the model's serialized tokenizer, all of it but ``token_match``, then set that."""
    import srsly

    data = path.read_bytes()
    pattern = srsly.msgpack_loads(data).get("token_match")
    nlp.tokenizer.from_bytes(data, exclude=["vocab", "token_match"])
    if isinstance(pattern, str) and pattern:
        nlp.tokenizer.token_match = _ORIGINALS.get(pattern) or re.compile(pattern).match


def model_folder(name: str) -> Path | None:
    """The data folder of an installed model package (``<package>/<name>-<version>``) or path."""
    path = Path(name)
    if path.is_dir():
        return path
    try:
        from spacy.util import get_package_path

        package = get_package_path(name)
    except (ImportError, OSError):
        return None
    folders = sorted(p for p in package.iterdir() if p.is_dir() and (p / "config.cfg").is_file())
    return folders[-1] if len(folders) == 1 else None


# --------------------------------------------------------------------------- the import hook


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin:
            return None
        code = transformed_code(Path(spec.origin).read_text(encoding="utf-8"), spec.origin)
        if code is None:
            return None  # not the shape we know: spaCy's import, unchanged
        spec.loader = _Loader(code)
        return spec


class _Loader(importlib.abc.Loader):
    def __init__(self, code):
        self.code = code

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        module.__dict__["_briefgen_factored_match"] = _remembered_factored_match
        exec(self.code, module.__dict__)  # noqa: S102 - spaCy's own module source, one statement changed


def transformed_code(source: str, filename: str):
    """spaCy's module with ``TOKEN_MATCH = <known value>`` made ``_briefgen_factored_match(_regular_exp)``."""
    tree = ast.parse(source, filename)
    matches = [
        node for node in tree.body
        if isinstance(node, ast.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "TOKEN_MATCH"
    ]
    if len(matches) != 1 or ast.unparse(matches[0].value) != KNOWN_VALUE:
        return None
    call = ast.Call(func=ast.Name("_briefgen_factored_match", ast.Load()),
                    args=[ast.Name("_regular_exp", ast.Load())], keywords=[])
    matches[0].value = ast.copy_location(call, matches[0].value)
    return compile(ast.fix_missing_locations(tree), filename, "exec")


def _remembered_factored_match(patterns: list[str]):
    match = factored_match(patterns)
    _ORIGINALS[FLAGS + "|".join(f"(?:{p})" for p in patterns)] = match
    return match


# --------------------------------------------------------------------------- factoring


def factored_match(patterns: list[str]):
    """``re.compile("(?iu)" + "|".join("(?:p)" ...)).match`` for ``patterns``, factored."""
    return re.compile(FLAGS + "|".join(f"(?:{p})" for p in factor(patterns))).match


def factor(patterns: list[str]) -> list[str]:
    """Fewer patterns that match the same strings: those equal but for one literal run merge."""
    if any(re.search(r"\\[1-9]|\(\?P=|\(\?[=!<]", p) for p in patterns):
        return list(patterns)  # backreferences or lookarounds: leave them alone
    pieces = [_pieces(p) for p in patterns]
    changed = True
    while changed:
        changed = False
        for slot in range(max((len(p) for p in pieces), default=0)):
            merged = _merge_at(pieces, slot)
            if len(merged) < len(pieces):
                pieces, changed = merged, True
    return ["".join(p) for p in pieces]


def _merge_at(pieces: list[tuple[str, ...]], slot: int) -> list[tuple[str, ...]]:
    """Merge the patterns that differ only at literal run ``slot`` (first-seen order kept)."""
    groups: dict[tuple, list[tuple[str, ...]]] = {}
    for p in pieces:
        if slot < len(p) and slot % 2 == 0 and _mergeable(p[slot]):
            key = (len(p), p[:slot], p[slot + 1:])
        else:
            key = ("keep", id(p))
        groups.setdefault(key, []).append(p)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        runs = list(dict.fromkeys(m[slot] for m in members))
        first = members[0]
        out.append((*first[:slot], "(?:" + "|".join(runs) + ")", *first[slot + 1:]))
    return out


def _pieces(pattern: str) -> tuple[str, ...]:
    """The pattern as literal runs (even places) and large character classes (odd places)."""
    pieces, run, i = [], "", 0
    while i < len(pattern):
        if pattern[i] == "\\":
            run += pattern[i:i + 2]
            i += 2
        elif pattern[i] == "[":
            end = _class_end(pattern, i)
            if end - i > BIG_CLASS:
                end = _quantifier_end(pattern, end)  # "[…]+" stays one piece: a run never starts with "+"
                pieces += [run, pattern[i:end]]
                run = ""
            else:
                run += pattern[i:end]
            i = end
        else:
            run += pattern[i]
            i += 1
    pieces.append(run)
    return tuple(pieces)


_CLASS = re.compile(r"\[\^?\]?(?:\\.|[^\]\\])*\]", re.S)


def _class_end(pattern: str, start: int) -> int:
    """The index just after the character class that opens at ``start``."""
    found = _CLASS.match(pattern, start)
    return found.end() if found else len(pattern)


def _quantifier_end(pattern: str, i: int) -> int:
    """The index after the quantifier (``*``, ``+``, ``?``, ``{m,n}``, and a lazy ``?``) at ``i``, if any."""
    m = re.match(r"(?:[*+?]|\{\d*,?\d*\})\??", pattern[i:])
    return i + m.end() if m else i


def _mergeable(run: str) -> bool:
    """A run that stays itself inside ``(?:…|…)``: balanced brackets, no top-level ``|``,
    no leading quantifier."""
    if re.match(r"[*+?{]", run):
        return False
    depth, i = 0, 0
    while i < len(run):
        c = run[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(run, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
        elif c == "|" and depth == 0:
            return False
        i += 1
    return depth == 0
