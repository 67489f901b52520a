"""Actor rules (briefgen/extract/actors.py, reading.py) on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO_CONFIG
from briefgen.config import load_config
from briefgen.extract import Extractor
from briefgen.ingest import Article


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_config(REPO_CONFIG))


def facts_of(extractor: Extractor, body: str, language: str = "fr"):
    return extractor.extract(Article(id="t", path=Path("t.txt"), body=body, language=language))


def test_a_body_name_ner_cut_in_two_is_one_actor(extractor):
    facts = facts_of(extractor, "Europe Solidaire Les Verts a réagi lundi à la fermeture de la centrale.\n")
    names = [a.name for a in facts.actors]
    assert "Europe Solidaire Les Verts" in names
    assert "Les Verts" not in names and "Europe Solidaire" not in names
