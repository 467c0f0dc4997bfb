"""The toy crawl: bytes that match its card, ground truth that is true, and evaluation helpers that
score what they claim to score."""

from collections import Counter
from pathlib import Path

import pytest
from conftest import markdown_table_rows

from minirepro import crawl

CARD = Path(__file__).resolve().parents[1] / "datasets" / "toy_crawl.md"


def card_rows(n_cells: int) -> dict:
    return markdown_table_rows(CARD, n_cells)


def number(cell: str) -> int:
    return int(cell.replace(",", ""))


@pytest.fixture(scope="module")
def smoke():
    return crawl.generate_crawl(0, "smoke")


@pytest.fixture(scope="module")
def full():
    return crawl.generate_crawl(0, "full")  # about 10 s on the 2-core CI machine


def assert_matches_card(scale, web):
    stats = crawl.crawl_stats(web)
    sizes = card_rows(8)[scale]
    assert [
        stats[k]
        for k in (
            "pages",
            "bytes",
            "words",
            "duplicate_pairs",
            "reference_documents",
            "benchmark_items",
            "planted_items",
        )
    ] == [number(c) for c in sizes[1:]]
    sums = card_rows(4)[scale]
    assert [stats["sha256_pages"], stats["sha256_reference"], stats["sha256_benchmark"]] == sums[1:], (
        f"{scale} crawl changed: update datasets/toy_crawl.md only if on purpose"
    )
    column = 1 if scale == "smoke" else 2
    classes = card_rows(3)
    for q in crawl.QUALITIES:
        assert stats["quality"][q] == number(classes[q][column]), q
    for d in crawl.DUP_KINDS:
        assert stats["dup"][d] == number(classes[d][column]), d


def test_smoke_crawl_matches_its_card(smoke):
    assert_matches_card("smoke", smoke)


def test_full_crawl_matches_its_card(full):
    assert_matches_card("full", full)


def test_same_seed_same_crawl_other_seed_other_crawl(smoke):
    again = crawl.generate_crawl(0, "smoke")
    assert again.pages == smoke.pages and again.reference == smoke.reference and again.benchmark == smoke.benchmark
    other = crawl.generate_crawl(1, "smoke")
    assert other.texts() != smoke.texts()


def test_no_unpinned_randomness_in_the_generator():
    source = Path(crawl.__file__).read_text(encoding="utf-8")
    for forbidden in ("randrange", "randint", ".choice(", ".shuffle(", ".sample(", " hash(", "np.random", "numpy"):
        assert forbidden not in source, forbidden


def test_ids_and_clusters_are_consistent(smoke):
    pages = smoke.pages
    assert [p.id for p in pages] == list(range(len(pages)))
    for p in pages:
        rep = pages[p.cluster]
        assert rep.cluster == p.cluster, "a cluster's id is one of its pages, labelled with itself"
        assert p.dup in crawl.DUP_KINDS and p.quality in crawl.QUALITIES
        assert crawl.jaccard(crawl.shingle_set(p.text), crawl.shingle_set(rep.text)) == pytest.approx(p.jaccard)
        assert "\x00" not in p.text and p.text.strip()
        if p.dup == "exact":  # a copy of its original, or of a page of its templated family
            assert any(q.text == p.text for q in pages if q.cluster == p.cluster and q.id != p.id)
        if p.dup == "original":
            assert p.cluster == p.id or p.text == rep.text
    texts = Counter(p.text for p in pages)
    by_text = {}
    for p in pages:
        by_text.setdefault(p.text, set()).add(p.cluster)
    assert all(len(c) == 1 for c in by_text.values()), "identical texts always share a cluster"
    assert sum(n > 1 for n in texts.values()) > 20


def test_near_duplicates_hit_their_target_range(smoke, full):
    for web in (smoke, full):
        near = [p for p in web.pages if p.dup == "near"]
        assert len(near) > 100
        js = [p.jaccard for p in near]
        assert min(js) > 0.45 and max(js) < 0.96
        assert all(p.edits > 0 for p in near)
        # spread over the range, not bunched at one end
        assert sum(j < 0.7 for j in js) > 0.25 * len(js) and sum(j > 0.8 for j in js) > 0.25 * len(js)
        mirrors = [p for p in web.pages if p.dup == "mirror"]
        members = {}
        for q in web.pages:
            members.setdefault(q.cluster, []).append(q.text)
        assert all(any(t in p.text for t in members[p.cluster] if t != p.text) for p in mirrors), (
            "a mirror holds the text of a page of its cluster"
        )


def test_templated_families_differ_by_one_line(smoke):
    fams = {}
    for p in smoke.pages:
        if p.dup == "template":
            fams.setdefault(p.cluster, []).append(p)
    assert len(fams) > 5
    for members in fams.values():
        bodies = {m.text.split("\n\n", 1)[1] for m in members}
        assert len(bodies) == 1 and len({m.quality for m in members}) == 1


def test_junk_is_not_caught_by_one_rule(smoke):
    # The classes differ in what gives them away: e.g. word salad has stop words, sentence punctuation and
    # a plausible mean word length, so the simple rules pass it; machine text has no stop words. Gopher's rule
    # (Rae et al. 2021, App. A.1.1) counts distinct stop words: "the" twice is one of them.
    stop = {"the", "be", "to", "of", "and", "that", "have", "with"}

    def stop_count(t):
        return len({w.lower().strip(".,;:!?") for w in t.split()} & stop)

    salad = [p for p in smoke.pages if p.quality == "word_salad"]
    machine = [p for p in smoke.pages if p.quality == "machine"]
    assert all(stop_count(p.text) >= 2 and len(p.text.split()) >= 50 for p in salad)
    assert all(stop_count(p.text) < 2 for p in machine)
    short = [p for p in smoke.pages if p.quality == "short"]
    assert all(len(p.text.split()) < 50 for p in short)
    good = [p for p in smoke.pages if p.quality == "good"]
    assert sum(len(p.text.split()) >= 50 for p in good) > 0.95 * len(good)


def test_planted_items_are_in_their_pages(smoke):
    planted = {b.id for b in smoke.benchmark if b.planted}
    assert len(planted) == round(crawl.PLANTED_FRACTION * len(smoke.benchmark))
    seen = set()
    for p in smoke.pages:
        for b in p.planted:
            assert smoke.benchmark[b].text in p.text
            seen.add(b)
    assert seen == planted
    for b in smoke.benchmark:
        if not b.planted:
            assert not any(b.text in p.text for p in smoke.pages)
        assert b.answer and b.question.endswith("?") and len(b.passage.split()) >= 13


def test_reference_is_clean_prose_from_the_same_world(smoke):
    assert len(smoke.reference) == crawl.CRAWL_SIZES["smoke"]["n_reference"]
    assert all(80 <= len(t.split()) for t in smoke.reference)
    crawl_texts = set(smoke.texts())
    assert not any(t in crawl_texts for t in smoke.reference)


def test_shingles_and_jaccard():
    assert crawl.shingle_set("A b c d e f", 5) == {("a", "b", "c", "d", "e"), ("b", "c", "d", "e", "f")}
    assert crawl.shingle_set("a b", 5) == {("a", "b")} and crawl.shingle_set("", 5) == set()
    assert crawl.jaccard({1, 2}, {2, 3}) == 1 / 3 and crawl.jaccard(set(), set()) == 1.0


def test_pair_scores_and_labels():
    assert crawl.pairs_from_labels([0, 0, 2, 0]) == {(0, 1), (0, 3), (1, 3)}
    s = crawl.pair_scores({(1, 0), (2, 3)}, {(0, 1), (1, 2)})
    assert (s["precision"], s["recall"], s["f1"]) == (0.5, 0.5, 0.5)
    perfect = crawl.pair_scores({(0, 1)}, {(1, 0)})
    assert perfect["f1"] == 1.0
    assert crawl.pair_scores(set(), {(0, 1)})["f1"] == 0.0


def test_removal_scores_by_class(smoke):
    pages = smoke.pages
    everything = crawl.removal_scores([True] * len(pages), pages)
    assert everything["recall"] == 1.0 and everything["good_lost"] == 1.0
    junk_only = crawl.removal_scores([p.quality != "good" for p in pages], pages)
    assert junk_only["precision"] == 1.0 and junk_only["recall"] == 1.0 and junk_only["good_lost"] == 0.0
    assert set(junk_only["by_class"]) == set(crawl.QUALITIES)
    with pytest.raises(ValueError, match="pages"):
        crawl.removal_scores([True], pages)


def test_ground_truth_dedup_is_reachable(smoke):
    # Exact Jaccard >= 0.45 between every pair of a cluster's page and its representative, and no
    # page of another cluster is that close to a representative of a copied page (sampled).
    pages = smoke.pages
    sets = [crawl.shingle_set(p.text) for p in pages]
    for p in pages:
        if p.cluster != p.id:
            assert crawl.jaccard(sets[p.id], sets[p.cluster]) > 0.45
    reps = sorted({p.cluster for p in pages if p.cluster != p.id})[:40]
    for r in reps:
        for q in pages[::7]:
            if q.cluster != r:
                assert crawl.jaccard(sets[r], sets[q.id]) < 0.45


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: crawl.generate_crawl(0, "huge"), "scale"),
        (lambda: crawl.generate_crawl(-1, "smoke"), "seed"),
        (lambda: crawl.generate_crawl("0", "smoke"), "seed"),
    ],
)
def test_bad_arguments_are_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
