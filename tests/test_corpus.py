"""The default corpus: bytes that match its card on every machine, facts that agree with the world
and with each other, questions the text answers, and an entropy floor that means what it says."""

import math
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import markdown_table_rows

from minirepro import corpus
from minirepro.corpus import (
    SEPARATOR,
    corpus_stats,
    entropy_floor,
    generate_corpus,
    make_world,
    qa_items,
    training_text,
)

CARD = Path(__file__).resolve().parents[1] / "datasets" / "fictional_world.md"


def card_rows(n_cells: int) -> dict:
    return markdown_table_rows(CARD, n_cells)


def number(cell: str) -> float:
    return float(cell.replace(",", ""))


@pytest.fixture(scope="module")
def smoke():
    world = make_world(0, "smoke")
    return world, generate_corpus(0, "smoke", world=world)


@pytest.fixture(scope="module")
def full():
    world = make_world(0, "full")  # about 2 s: the full corpus is 12 MB
    return world, generate_corpus(0, "full", world=world)


def assert_matches_card(scale, docs):
    row = card_rows(7)[scale]
    stats = corpus_stats(docs)
    assert stats["sha256"] == row[6], f"{scale} text changed: update datasets/fictional_world.md only if on purpose"
    assert (stats["documents"], stats["bytes"], stats["tokens"]) == tuple(int(number(c)) for c in row[1:4])
    assert stats["floor_nats_per_byte"] == pytest.approx(number(row[4]), rel=1e-3)
    assert stats["floor_bits_per_byte"] == pytest.approx(number(row[5]), rel=1e-3)


# ---------------------------------------------------------------------------------- determinism


def test_same_seed_same_documents_other_seed_other_documents(smoke):
    _, docs = smoke
    again = generate_corpus(0, "smoke")  # a fresh world too
    assert [d.text for d in again] == [d.text for d in docs]
    assert [d.logprob for d in again] == [d.logprob for d in docs]
    assert [d.facts for d in again] == [d.facts for d in docs]
    other = generate_corpus(1, "smoke")
    assert training_text(other) != training_text(docs)


def test_smoke_text_matches_its_card(smoke):
    assert_matches_card("smoke", smoke[1])
    assert 300_000 < len(training_text(smoke[1])) < 500_000


def test_full_text_matches_its_card(full):
    # Generates the 12 MB full corpus once (about 2 s on the 2-core CI machine).
    assert_matches_card("full", full[1])
    assert 10e6 < len(training_text(full[1])) < 20e6


def test_world_and_genre_counts_match_the_card(smoke, full):
    kinds = card_rows(4)
    for column, (world, docs) in ((1, smoke), (2, full)):
        for kind in corpus.ATTRIBUTES:
            assert len(world.of_kind(kind)) == number(kinds[kind][column]), kind
        assert len(world.entities) == number(kinds["all"][column])
        genres = {name: row for name, row in card_rows(5).items() if name in {g.name for g in corpus.GENRES}}
        counts = Counter(d.genre for d in docs)
        assert {name: number(row[2 + column]) for name, row in genres.items()} == counts
    assert len(smoke[0].facts()) == 554 and len(full[0].facts()) == 5507  # as the card says


def test_the_card_samples_are_real_documents(smoke):
    card = CARD.read_text(encoding="utf-8")
    samples = re.findall(r"```text\n(.*?)\n```\n\(`logprob` (-[\d.]+)", card, flags=re.S)
    assert len(samples) == 3
    logprob = {d.text: d.logprob for d in smoke[1]}
    for text, lp in samples:
        assert text + "\n" in logprob, text
        assert round(logprob[text + "\n"], 2) == float(lp)


def test_text_is_ascii_and_never_contains_the_separator(smoke):
    for d in smoke[1]:
        assert SEPARATOR not in d.text and d.text.isascii() and d.text.endswith("\n")
    assert training_text(smoke[1]).count(SEPARATOR) == len(smoke[1])


# ------------------------------------------------------------------------------ the world's facts


def test_world_is_consistent(smoke, full):
    for world, _ in (smoke, full):
        by = world.by_id
        names = [e.name.lower() for e in world.entities]
        assert len(set(names)) == len(names), "names must identify entities"
        for e in world.entities:
            a = e.attrs
            for rel in corpus.RELATIONS:
                if a.get(rel) is not None:
                    assert a[rel] in by, (e.id, rel)
            if e.kind == "country":
                assert by[a["capital"]].attrs["country"] == e.id
            elif e.kind == "place" and "river" in a:
                assert by[a["river"]].attrs["country"] == a["country"]
            elif e.kind == "person":
                assert a["born"] >= by[a["birthplace"]].attrs["founded"] + 20
                assert a["died"] > a["born"]
                if "mentor" in a:
                    assert 15 <= a["born"] - by[a["mentor"]].attrs["born"] <= 60
            elif e.kind == "element":
                who = by[a["discoverer"]].attrs
                assert who["profession"] == "chemist" and who["born"] + 20 <= a["discovered"] <= who["died"]
            elif e.kind == "species":
                assert by[a["describer"]].attrs["profession"] == "naturalist"
                habitats, diets, shortest, longest = corpus.CLASSES[a["class"]]
                assert a["habitat"] in habitats and a["diet"] in diets and shortest <= a["lifespan"] <= longest
        elements = world.of_kind("element")
        assert len({e.attrs["symbol"] for e in elements}) == len({e.attrs["number"] for e in elements}) == len(elements)


def test_every_stated_fact_agrees_with_the_world_and_is_in_the_text(smoke):
    world, docs = smoke
    for d in docs:
        assert d.facts, d.text
        assert d.entities[0] in world.by_id
        for eid, attr, value in d.facts:
            assert world.value(eid, attr) == value, (d.text, eid, attr)
            assert value in d.text and world.by_id[eid].name.lower() in d.text.lower(), (d.text, eid, attr)


def test_facts_read_back_from_the_text_agree_with_the_world(smoke):
    # Independent of the generator's own records: parse sentences, look the names up in the world.
    world, docs = smoke
    text = training_text(docs)
    by_name = {e.name: e for e in world.entities}
    patterns = [
        (r"(?:^|\. )([A-Z][a-z]+ [A-Z][a-z]+) was born in (\d{4})\.", "born"),
        (r"(?:^|\. )([A-Z][a-z]+ [A-Z][a-z]+) was born in ([A-Z][a-z]+)[ ,.]", "birthplace"),
        (r"Q: In what year was ([A-Z][a-z]+ [A-Z][a-z]+) born\?\nA: (\d+)\.", "born"),
        (r"The chemical symbol of ([a-z]+) is ([A-Z][a-z]?)\.", "symbol"),
        (r"The capital of ([A-Z][a-z]+) is ([A-Z][a-z]+)\.", "capital"),
        (r"^\* ([A-Z][a-z]+), founded (\d+), population ([\d,]+)$", "founded"),
        (r"The ([a-z]+) feeds on ([a-z ]+)\.", "diet"),
    ]
    for pattern, attr in patterns:
        found = re.findall(pattern, text, flags=re.M)
        assert len(found) >= 3, f"too few matches to test: {pattern}"
        for name, value, *_ in found:
            assert world.value(by_name[name].id, attr) == value, (name, attr, value)


# -------------------------------------------------------------------------------- closed-book QA


def test_qa_items_one_per_fact_and_answered_by_the_documents(smoke):
    world, docs = smoke
    items = qa_items(world)
    assert items == qa_items(make_world(0, "smoke"))
    assert [(q.entity, q.attribute, q.answer) for q in items] == world.facts()
    assert len({q.question for q in items}) == len(items)
    for q in items:
        assert world.by_id[q.entity].name in q.question and q.question.endswith("?")
    stated = qa_items(world, docs)
    assert stated == items  # the smoke corpus states every fact of its world at least once
    texts_about = {}
    for d in docs:
        for eid in d.entities:
            texts_about.setdefault(eid, []).append(d.text)
    for q in stated:
        assert any(q.answer in t for t in texts_about[q.entity]), q
    some = qa_items(world, docs[:20])
    assert 0 < len(some) < len(items) and all(q in items for q in some)


# ------------------------------------------------------------------- injectivity and the floor


def test_text_determines_every_choice_and_the_check_changes_nothing(smoke):
    checked = generate_corpus(0, "smoke", check=True)  # raises at the first ambiguous choice point
    assert [d.text for d in checked] == [d.text for d in smoke[1]]


def test_the_injectivity_check_catches_ambiguity(monkeypatch):
    with pytest.raises(AssertionError, match="prefix"):
        corpus.assert_prefix_free(["Velmora lies in Kasthen.", "Velmora lies in Kasthen. Again."])
    with pytest.raises(AssertionError, match="prefix"):
        corpus.assert_prefix_free(["same", "other", "same"])
    with pytest.raises(AssertionError, match="empty"):
        corpus.assert_prefix_free(["", "a"])
    corpus.assert_prefix_free(["ab", "ac", "b"])
    # Two wordings of one fact that read the same: the check must refuse the genre.
    twin = corpus.Genre(
        "twin",
        "place",
        ("Twin: {N}\n\n",),
        (("{N} lies in {country}.", "{N} lies in {country}."), ("{N} was founded in {founded}.",)),
    )
    monkeypatch.setattr(corpus, "GENRES", (twin,) + corpus.GENRES)
    with pytest.raises(AssertionError, match="not injective"):
        generate_corpus(0, "smoke", world=make_world(0, "smoke"), n_docs=300, check=True)


def test_logprob_is_the_probability_of_the_choices(smoke):
    # A "students" document makes exactly these choices: the entity (1 of 117), the genre (1 of 5:
    # encyclopedia, qa, factsheet, biography, students), its one header, the order of the k students.
    world, docs = smoke
    doc = next(d for d in docs if d.genre == "students" and len(d.entities) >= 3)
    k = len(doc.entities) - 1
    expected = -(math.log(len(world.entities)) + math.log(5) + math.log(math.factorial(k)))
    assert doc.logprob == pytest.approx(expected, rel=1e-12)


def test_entropy_floor_is_below_what_simple_models_score(smoke):
    docs = smoke[1]
    data = training_text(docs).encode("utf-8")
    floor = entropy_floor(docs)
    assert all(d.logprob <= 0 and math.isfinite(d.logprob) for d in docs)
    assert floor == pytest.approx(-sum(d.logprob for d in docs) / len(data))
    unigram = -sum(c / len(data) * math.log(c / len(data)) for c in Counter(data).values())
    assert 0 < floor < unigram < math.log(256)
    assert 0.01 < floor < 1.0  # templated text is very predictable, but not free


# ------------------------------------------------------------------------- real text, errors


def test_python_docs_corpus_is_real_text_for_lectures_only():
    docs = corpus.python_docs_corpus()
    assert docs == corpus.python_docs_corpus()
    topics = [d for d in docs if d.genre == "pydoc"]
    assert len(topics) > 20  # the language reference survives python -OO
    assert all(d.logprob is None and d.text.strip() and SEPARATOR not in d.text for d in docs)
    assert "floor_nats_per_byte" not in corpus_stats(docs)
    with pytest.raises(ValueError, match="logprob"):
        entropy_floor(docs)


@pytest.mark.parametrize(
    "call",
    [
        lambda: generate_corpus(0, "huge"),
        lambda: generate_corpus(-1, "smoke"),
        lambda: generate_corpus(1.5, "smoke"),
        lambda: generate_corpus(0, "smoke", n_docs=0),
        lambda: make_world(0, 3),
        lambda: make_world(0, "medium"),
        lambda: entropy_floor([]),
    ],
)
def test_bad_arguments_are_clear_errors(call):
    with pytest.raises(ValueError):
        call()
