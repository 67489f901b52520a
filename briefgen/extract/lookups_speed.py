"""A faster start for spaCy pipelines with lookup tables: the same tables, built without a Python call per entry.

In: nothing (a context manager around ``spacy.load``). Out: the loaded pipeline's lemmatizer
lookup tables (``spacy.lookups.Table``), equal to spaCy's own in items, order and Bloom filter.

Why: a French pipeline's lemmatizer reads a ``lemma_lookup`` table of about 217,000 entries.
spaCy's ``Lookups.from_bytes`` makes each ``Table`` by calling ``Table.__setitem__`` once per
entry (hash the key, store it, add it to the Bloom filter): 0.45 s of every cold start, for
keys that the file already holds as hashes.

How: while :func:`fast_tables` is active, ``Lookups.from_bytes`` builds each table with
``OrderedDict.__setitem__`` and the Bloom filter's ``add`` directly, for tables whose keys are
all integers (hashes: what ``get_string_id`` would return unchanged); any other table is made
by spaCy. Before patching, spaCy's ``from_bytes`` is checked to be the loop we replace (the
names it uses), and a small table is made both ways and compared (attributes, items, Bloom
filter bytes): if either has changed in another spaCy version, nothing is patched.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict

_LOCK = threading.Lock()
# what spaCy 3's Lookups.from_bytes uses: "for key, value in srsly.msgpack_loads(data).items():
# self._tables[key] = Table(key, value)"
KNOWN_NAMES = ("_tables", "srsly", "msgpack_loads", "items", "Table")


def table_from_hashes(name: str, data: dict):
    """``spacy.lookups.Table(name, data)`` for a ``data`` whose keys are all hashes (ints)."""
    from preshed.bloom import BloomFilter
    from spacy.lookups import Table

    table = Table.__new__(Table)
    OrderedDict.__init__(table)
    table.name = name
    table.default_size = 1e6
    table.bloom = BloomFilter.from_error_rate(max(len(data), 1))
    setitem, add = OrderedDict.__setitem__, table.bloom.add
    for key, value in data.items():
        setitem(table, key, value)
        add(key)
    return table


def same_as_spacy() -> bool:
    """Is spaCy's ``from_bytes`` the known loop, and does :func:`table_from_hashes` make what its
    ``Table`` makes (checked on a small table)?"""
    from spacy.lookups import Lookups, Table
    from spacy.strings import get_string_id

    if getattr(Lookups.from_bytes, "__code__", None) is None or Lookups.from_bytes.__code__.co_names != KNOWN_NAMES:
        return False
    data = {get_string_id(word): [word] for word in ("chevaux", "yeux", "étaient")}
    ours, theirs = table_from_hashes("check", data), Table("check", data)
    return (vars(ours).keys() == vars(theirs).keys() and list(ours.items()) == list(theirs.items())
            and ours.name == theirs.name and ours.default_size == theirs.default_size
            and ours.bloom.to_bytes() == theirs.bloom.to_bytes())


@contextlib.contextmanager
def fast_tables():
    """Within: ``Lookups.from_bytes`` builds hash-keyed tables with :func:`table_from_hashes`."""
    import srsly
    from spacy.lookups import Lookups, Table

    with _LOCK:
        if not same_as_spacy():
            yield
            return
        original = Lookups.from_bytes

        def from_bytes(self, bytes_data: bytes, **kwargs):
            self._tables = {}
            for key, value in srsly.msgpack_loads(bytes_data).items():
                hashed = isinstance(value, dict) and all(type(k) is int for k in value)
                self._tables[key] = table_from_hashes(key, value) if hashed else Table(key, value)
            return self

        Lookups.from_bytes = from_bytes
        try:
            yield
        finally:
            Lookups.from_bytes = original
