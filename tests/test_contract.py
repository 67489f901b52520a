"""``briefgen extract`` prints exactly the facts contract (../shared/facts-contract.md)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import EN_ID, FR_ID, ROOT, run_cli

CONTRACT = ROOT.parent / "shared" / "facts-contract.md"
CONTRACT_TOPICS = {
    "diplomacy", "military", "arms-transfer", "nuclear-missile", "space", "sanctions", "trade-economy",
    "energy", "cyber", "terrorism", "humanitarian", "human-rights", "domestic-politics", "territorial",
    "health", "environment", "legal",
}
ACTOR_KINDS = {"person", "organization", "country", "group"}
LOCATION_KINDS = {"site", "city", "region", "country", "sea", "other"}
REACTION_KINDS = {"direct", "indirect"}
OPT_STR = (str, type(None))
NUMBER = (int, float)
OPT_NUMBER = (int, float, type(None))

SCHEMA = {
    "article": {"id": str, "title": OPT_STR, "date": OPT_STR, "language": str, "source": OPT_STR},
    "actors": {"name": str, "aliases": list, "kind": str, "role": OPT_STR, "affiliation": OPT_STR,
               "mentions": int, "evidence": list},
    "locations": {"name": str, "aliases": list, "kind": str, "country": OPT_STR, "lat": OPT_NUMBER,
                  "lon": OPT_NUMBER, "event": bool, "evidence": list},
    "stakes": {"topic": str, "label": str, "evidence": list},
    "reactions": {"speaker": str, "text": str, "kind": str, "evidence": list},
}


@pytest.fixture(scope="module")
def extracted(built, seed_paths):
    """``briefgen extract EN FR`` (English first: output must follow the order given)."""
    result = run_cli("extract", "-c", built.config_path, seed_paths[EN_ID], seed_paths[FR_ID])
    assert result.code == 0, result.err
    return result


@pytest.fixture(scope="module")
def objects(extracted):
    return [json.loads(line) for line in extracted.out_lines]


@pytest.fixture(scope="module")
def bodies(built, seed_paths):
    return {article_id: built.body(path) for article_id, path in seed_paths.items()}


def check_type(value, expected, where):
    assert isinstance(value, expected), f"{where}: {value!r} is not {expected}"
    if expected is int or expected is NUMBER or expected is OPT_NUMBER:
        assert not isinstance(value, bool), f"{where}: {value!r} is a bool"


def check_evidence(evidence, body, where):
    assert isinstance(evidence, list)
    for ev in evidence:
        assert set(ev) >= {"start", "end"}, where
        start, end = ev["start"], ev["end"]
        check_type(start, int, where)
        check_type(end, int, where)
        assert 0 <= start < end <= len(body), f"{where}: bad span {start}..{end} (body {len(body)} chars)"
        assert body[start:end].strip(), f"{where}: evidence is blank"


def test_contract_file_is_where_the_brief_says():
    if not CONTRACT.is_file():
        pytest.skip("../shared/facts-contract.md is not beside this checkout")
    text = CONTRACT.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| ([a-z-]+) \|", text, re.M)) - {"id"}
    assert documented == CONTRACT_TOPICS


def test_json_lines_one_object_per_article_in_order(extracted, objects):
    assert extracted.out.endswith("\n")
    assert len(extracted.out.splitlines()) == 2
    assert all(line.startswith("{") and line.endswith("}") for line in extracted.out.splitlines())
    assert [o["article"]["id"] for o in objects] == [EN_ID, FR_ID]
    assert extracted.err_lines == []


def test_extract_matches_the_built_json(built, objects):
    for obj in objects:
        assert obj == built.facts(obj["article"]["id"])


def test_every_contract_field_with_its_type(objects):
    for obj in objects:
        article_id = obj["article"]["id"]
        for section, fields in SCHEMA.items():
            items = [obj[section]] if section == "article" else obj[section]
            assert isinstance(obj[section], dict if section == "article" else list)
            for i, item in enumerate(items):
                missing = set(fields) - set(item)
                assert not missing, f"{article_id} {section}[{i}] lacks {missing}"
                for name, tp in fields.items():
                    check_type(item[name], tp, f"{article_id} {section}[{i}].{name}")
                for key in ("aliases",):
                    if key in fields:
                        assert all(isinstance(a, str) and a for a in item[key])


def test_article_block(objects, built):
    for obj in objects:
        art = obj["article"]
        assert art["date"] is None or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", art["date"])
        assert art["language"] in built.config.models
    fr = next(o for o in objects if o["article"]["id"] == FR_ID)["article"]
    assert (fr["title"], fr["date"], fr["language"], fr["source"]) == (None, "2023-09", "fr", None)
    en = next(o for o in objects if o["article"]["id"] == EN_ID)["article"]
    assert en["source"].startswith("https://en.wikinews.org/")


def test_kinds_within_the_enumerations(objects):
    for obj in objects:
        assert {a["kind"] for a in obj["actors"]} <= ACTOR_KINDS
        assert {loc["kind"] for loc in obj["locations"]} <= LOCATION_KINDS
        assert {r["kind"] for r in obj["reactions"]} <= REACTION_KINDS


def test_actor_values(objects):
    for obj in objects:
        assert obj["actors"], obj["article"]["id"]
        names = [a["name"] for a in obj["actors"]]
        assert len(names) == len(set(names)), "duplicate actor names"
        for a in obj["actors"]:
            assert a["name"].strip() == a["name"] and a["name"]
            assert a["mentions"] >= 1
            assert a["evidence"], a["name"]
            assert a["name"] not in a["aliases"]


def test_location_values(objects):
    for obj in objects:
        for loc in obj["locations"]:
            assert loc["country"] is None or re.fullmatch(r"[A-Z]{2}", loc["country"]), loc
            assert (loc["lat"] is None) == (loc["lon"] is None), loc
            if loc["lat"] is not None:
                assert -90 <= loc["lat"] <= 90 and -180 <= loc["lon"] <= 180, loc


def test_one_or_two_event_locations(objects):
    for obj in objects:
        if obj["locations"]:
            events = [loc["name"] for loc in obj["locations"] if loc["event"]]
            assert 1 <= len(events) <= 2, (obj["article"]["id"], events)


def test_event_location_of_the_french_seed(objects):
    fr = next(o for o in objects if o["article"]["id"] == FR_ID)
    vostotchny = [loc for loc in fr["locations"] if loc["name"] == "Vostotchny"]
    assert len(vostotchny) == 1
    assert vostotchny[0]["event"] is True
    assert (vostotchny[0]["country"], vostotchny[0]["kind"]) == ("RU", "site")


def test_stakes_topics_come_from_the_configuration(objects, built):
    topic_ids = set(built.config.topics)
    assert CONTRACT_TOPICS <= topic_ids  # the default configuration knows the contract's topics
    for obj in objects:
        topics = [s["topic"] for s in obj["stakes"]]
        assert set(topics) <= topic_ids
        assert len(topics) == len(set(topics))
        for s in obj["stakes"]:
            assert s["label"].strip()
    fr = next(o for o in objects if o["article"]["id"] == FR_ID)
    assert {"space", "diplomacy", "arms-transfer"} <= {s["topic"] for s in fr["stakes"]}


def test_reaction_speakers_are_actors(objects):
    for obj in objects:
        names = {a["name"] for a in obj["actors"]}
        for r in obj["reactions"]:
            assert r["speaker"] in names, r
            assert r["text"].strip(), r


def test_every_evidence_span_indexes_the_ingested_body(objects, bodies):
    for obj in objects:
        article_id = obj["article"]["id"]
        body = bodies[article_id]
        for section in ("actors", "locations", "stakes", "reactions"):
            for i, item in enumerate(obj[section]):
                check_evidence(item["evidence"], body, f"{article_id} {section}[{i}]")


def test_evidence_is_one_trimmed_sentence(objects, bodies):
    """``body[start:end]`` is the sentence: no surrounding whitespace, never across paragraphs."""
    bad = []
    for obj in objects:
        body = bodies[obj["article"]["id"]]
        for section in ("actors", "locations", "stakes", "reactions"):
            for item in obj[section]:
                for e in item["evidence"]:
                    text = body[e["start"]:e["end"]]
                    if text != text.strip() or "\n\n" in text:
                        bad.append((obj["article"]["id"], e["start"], e["end"], text[-40:]))
    assert not bad, sorted(set(bad))


def test_evidence_supports_the_fact(objects, bodies):
    """``body[start:end]`` is the supporting sentence: reaction words lie inside their evidence."""
    from briefgen.text import fold

    for obj in objects:
        body = bodies[obj["article"]["id"]]
        for r in obj["reactions"]:
            spans = " ".join(body[e["start"]:e["end"]] for e in r["evidence"])
            words = fold(r["text"]).split()
            assert words and " ".join(words[:3]) in fold(spans), r


def test_no_cache_gives_the_same_facts(built, seed_paths, objects):
    result = run_cli("extract", "-c", built.config_path, "--no-cache", seed_paths[EN_ID])
    assert result.code == 0, result.err
    assert [json.loads(line) for line in result.out_lines] == [objects[0]]


def test_bad_article_among_good_ones(built, seed_paths, tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"date 2023-09 first line\nsecond line \xe9t\xe9\n")
    result = run_cli("extract", "-c", built.config_path, seed_paths[FR_ID], bad, seed_paths[EN_ID])
    assert result.code != 0
    assert [json.loads(line)["article"]["id"] for line in result.out_lines] == [FR_ID, EN_ID]
    assert len(result.err_lines) == 1, result.err
    assert str(bad) in result.err_lines[0]
    assert ":2:" in result.err_lines[0]  # the line of the bad byte


def test_missing_article_among_good_ones(built, seed_paths, tmp_path):
    missing = tmp_path / "nowhere.md"
    result = run_cli("extract", "-c", built.config_path, missing, seed_paths[EN_ID])
    assert result.code == 1
    assert [json.loads(line)["article"]["id"] for line in result.out_lines] == [EN_ID]
    assert len(result.err_lines) == 1 and str(missing) in result.err_lines[0]


def test_extract_subprocess_reports_a_bad_file(built, briefgen_cmd, tmp_path):
    """The real executable: nothing on stdout, one error line naming the file, non-zero exit."""
    bad = tmp_path / "empty.txt"
    bad.write_text("   \n\n", encoding="utf-8")
    proc = subprocess.run([*briefgen_cmd, "extract", "-c", str(built.config_path), str(bad)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("briefgen: error: ")
    assert str(bad) in lines[0] and "empty" in lines[0]
    assert "Traceback" not in proc.stderr


def test_facts_round_trip_through_the_dataclasses(objects):
    from briefgen.facts.contract import Facts

    for obj in objects:
        assert json.loads(Facts.from_dict(obj).to_json()) == obj


def test_field_order_follows_the_contract(extracted):
    first = json.loads(extracted.out_lines[0])
    assert list(first) == ["article", "actors", "locations", "stakes", "reactions"]
    assert list(first["article"]) == ["id", "title", "date", "language", "source"]
    for section, fields in SCHEMA.items():
        if section != "article" and first[section]:
            assert list(first[section][0])[: len(fields)] == list(fields)
