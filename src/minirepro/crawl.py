"""A toy "Common Crawl" with ground truth, for module 02 (data filtering, deduplication, contamination).

GPT-3's Common Crawl pipeline (Brown et al. 2020, App. A) could not be copied: the quality
classifier was never released and the fuzzy-dedup settings were only sketched. Nobody can measure
such a pipeline on a real crawl either, because nobody knows which page is junk and which pages
are copies of each other. This crawl is generated, so every page carries the answer:

* ``quality``: ``"good"`` (prose about the fictional world of :mod:`minirepro.corpus`, sometimes with
  a navigation line and a footer around it, as real pages have) or one of the junk kinds in
  :data:`JUNK_KINDS`. The junk is built so that no single rule catches all of it: word salad made of
  the good pages' own words with sentence punctuation, spam made of real words, boilerplate with
  cookie banners and link lists, machine strings, lorem ipsum mixed with English, symbol tables,
  bullet and teaser lists, very short pages, and templated pages that differ by one date or number.
* ``cluster``: the id of the page it duplicates (its own id when it is an original). Copies are
  ``"exact"`` (same text), ``"mirror"`` (same text between another site's navigation and footer),
  ``"near"`` (word edits until the word-5-gram Jaccard with the original falls to a target drawn in
  [0.55, 0.95]) and ``"template"`` (pages of a templated family share their family's cluster).
* ``jaccard`` and ``edits``: the exact Jaccard similarity of the page's word 5-gram set with its
  cluster's original (see :func:`shingle_set`), and how many word edits made it.
* ``planted``: the ids of benchmark items copied into the page (contamination).

:func:`generate_crawl` also returns ``reference``, clean prose in the role of GPT-3's
WebText/Wikipedia positives (different documents from the same world), and ``benchmark``, a
reading-comprehension benchmark about the same world, some of whose items are planted in the crawl.

Determinism: like :mod:`minirepro.corpus`, only ``random.Random(int).random()`` is used, so the bytes
are the same on every Python version; ``tests/test_crawl.py`` checks the checksums in
``datasets/toy_crawl.md``.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from . import corpus
from .checks import seed as check_seed
from .rng import pick, shuffled, uniform_int

CRAWL_SIZES = {
    "smoke": {"n_unique": 1_200, "n_reference": 400, "n_benchmark": 120},
    "full": {"n_unique": 16_000, "n_reference": 4_000, "n_benchmark": 1_000},
}

#: Junk kinds and their share of the unique (non-duplicate) pages; the rest are good pages.
JUNK_SHARES = {
    "boilerplate": 0.06,
    "spam": 0.06,
    "word_salad": 0.08,
    "machine": 0.03,
    "lorem": 0.03,
    "symbols": 0.03,
    "lists": 0.03,
    "short": 0.04,
    "templated": 0.06,
}
JUNK_KINDS = tuple(JUNK_SHARES)
QUALITIES = ("good",) + JUNK_KINDS
DUP_KINDS = ("original", "exact", "mirror", "near", "template")

#: Share of the final crawl's pages that are copies of another page (exact, mirror or near).
DUP_SHARES = {"exact": 0.05, "mirror": 0.04, "near": 0.09}
NEAR_JACCARD = (0.55, 0.95)  # targets for near-duplicates, uniform in this range
SHINGLE = 5  # words per shingle of the ground-truth Jaccard
PLANTED_FRACTION = 0.25  # of the benchmark's items end up in the crawl


# ------------------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    id: int
    url: str
    source: str  # the site
    text: str
    quality: str  # "good" or one of JUNK_KINDS
    cluster: int  # id of its cluster's original (a templated family's: its first page's)
    dup: str  # one of DUP_KINDS
    jaccard: float  # exact word-5-gram Jaccard with the page whose id is ``cluster``
    edits: int  # word edits that made it from the original
    planted: tuple = ()  # ids of benchmark items copied into it


@dataclass(frozen=True)
class BenchItem:
    id: int
    passage: str
    question: str
    answer: str
    planted: bool  # copied into some page of the crawl

    @property
    def text(self) -> str:
        """The item as a benchmark file shows it (and as it was planted)."""
        return f"{self.passage}\nQuestion: {self.question}\nAnswer: {self.answer}"


@dataclass(frozen=True)
class Crawl:
    seed: int
    scale: str
    pages: list
    reference: list  # of str: clean prose, the classifier's positives
    benchmark: list  # of BenchItem

    def texts(self) -> list:
        return [p.text for p in self.pages]


# ------------------------------------------------------------------------------------------------
# Ground truth helpers (the lab asks students to write their own versions of the first two)
# ------------------------------------------------------------------------------------------------


def shingle_set(text: str, n: int = SHINGLE) -> set:
    """The set of word n-grams of ``text`` (words: ``text.lower().split()``), as tuples.

    A text shorter than ``n`` words has one shingle, all its words; an empty text has none.
    This definition fixes the ground-truth ``jaccard`` of every page.
    """
    words = text.lower().split()
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def duplicate_pairs(pages) -> set:
    """Ground-truth duplicate pairs ``(i, j)``, ``i < j``: pages in the same cluster."""
    groups = {}
    for p in pages:
        groups.setdefault(p.cluster, []).append(p.id)
    out = set()
    for ids in groups.values():
        ids.sort()
        out.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])
    return out


def pairs_from_labels(labels) -> set:
    """Pairs ``(i, j)``, ``i < j``, of items that share a label (``labels[i]`` is item i's cluster)."""
    groups = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    return {(a, b) for ids in groups.values() for k, a in enumerate(ids) for b in ids[k + 1 :]}


def pair_scores(predicted_pairs, true_pairs) -> dict:
    """Precision, recall and F1 of predicted duplicate pairs against the true ones."""
    pred = {tuple(sorted(map(int, p))) for p in predicted_pairs}
    true = {tuple(sorted(map(int, p))) for p in true_pairs}
    tp = len(pred & true)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted": len(pred),
        "true": len(true),
        "true_positives": tp,
    }


def removal_scores(removed, pages) -> dict:
    """How well a filter's removals match the junk: precision and recall of "removed" against
    "quality is not good", and the fraction removed of each quality class.

    ``removed`` is a sequence of booleans, one per page, True for a page the filter throws away.
    """
    removed = [bool(r) for r in removed]
    if len(removed) != len(pages):
        raise ValueError(f"removed has {len(removed)} entries for {len(pages)} pages")
    junk = [p.quality != "good" for p in pages]
    tp = sum(r and j for r, j in zip(removed, junk))
    n_removed, n_junk = sum(removed), sum(junk)
    by_class = {}
    for q in QUALITIES:
        idx = [i for i, p in enumerate(pages) if p.quality == q]
        if idx:
            by_class[q] = sum(removed[i] for i in idx) / len(idx)
    precision = tp / n_removed if n_removed else 1.0
    recall = tp / n_junk if n_junk else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "removed": n_removed / len(pages),
        "good_lost": by_class.get("good", 0.0),
        "by_class": by_class,
    }


# ------------------------------------------------------------------------------------------------
# Words and pieces
# ------------------------------------------------------------------------------------------------

_SECTIONS = (
    "News",
    "Travel",
    "Science",
    "People",
    "Nature",
    "History",
    "Places",
    "Archive",
    "Blog",
    "Shop",
    "Events",
    "Maps",
    "Contact",
    "About",
    "Help",
    "Search",
)
_TLDS = ("example", "example.org", "example.net", "test")
_SITE_WORDS = (
    "gazette",
    "times",
    "notes",
    "journal",
    "wiki",
    "guide",
    "daily",
    "review",
    "atlas",
    "herald",
    "post",
    "portal",
    "digest",
    "almanac",
    "chronicle",
)
_LOREM = (
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "ex",
    "ea",
    "commodo",
    "consequat",
    "duis",
    "aute",
    "irure",
    "in",
    "reprehenderit",
    "voluptate",
    "velit",
    "esse",
    "cillum",
    "fugiat",
    "nulla",
    "pariatur",
    "excepteur",
    "sint",
    "occaecat",
    "cupidatat",
    "non",
    "proident",
    "sunt",
    "culpa",
    "qui",
    "officia",
    "deserunt",
    "mollit",
    "anim",
    "id",
    "est",
    "laborum",
)
_SPAM_HEADS = (
    "cheap",
    "best",
    "buy",
    "discount",
    "free",
    "top",
    "official",
    "sale",
    "deal",
    "online",
    "luxury",
    "hot",
    "new",
    "exclusive",
)
_SPAM_TAILS = (
    "tours",
    "hotels",
    "flights",
    "tickets",
    "rooms",
    "maps",
    "souvenirs",
    "guides",
    "apartments",
    "cruises",
    "deals",
    "offers",
    "packages",
    "coupons",
)
_SPAM_CALLS = (
    "Book now!",
    "Click here for the best price.",
    "Limited offer, order today!",
    "Lowest prices guaranteed.",
    "Free shipping on all orders!",
    "Call us now.",
    "Visit our shop for more.",
    "Do not miss this deal!",
)
_COOKIE = (
    "We use cookies to improve your experience on our site.",
    "This website uses cookies. By continuing to browse you agree to our use of cookies.",
    "Cookies help us deliver our services.",
)
_NAV_EXTRA = (
    "Skip to main content",
    "Sign in",
    "Register",
    "Subscribe",
    "Menu",
    "Search this site",
    "Accept all cookies",
    "Manage preferences",
    "Share on social media",
    "Print this page",
    "Back to top",
    "Newsletter",
    "Log in to comment",
)
_SHORT = (
    "404 Not Found",
    "Page not found.",
    "This page has moved.",
    "Access denied",
    "Coming soon",
    "Under construction",
    "Loading...",
    "Error 500: internal server error",
    "The requested page could not be found.",
    "Redirecting",
    "Session expired. Please log in again.",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SYMBOLS = ("#", "*", "|", "-", "+", "=", "~", "/", "\\", "%", "&", "@", ">", "<", "…", "•", "§", "^")
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_HEX = "0123456789abcdef"


def _words(rng, vocab, n: int) -> list:
    return [pick(rng, vocab) for _ in range(n)]


class _Vocab:
    """Words of the good pages, drawn by frequency (for word salad and near-duplicate edits)."""

    def __init__(self, texts):
        counts = Counter(w for t in texts for w in t.split())
        self.words = sorted(counts)  # a fixed order: sorted, never a set's
        self.cum = []
        total = 0
        for w in self.words:
            total += counts[w]
            self.cum.append(total)
        self.total = total
        self.plain = [w.strip(".,:;?!*") for w in self.words]
        self.plain = sorted({w for w in self.plain if w.isalpha()})

    def draw(self, rng) -> str:
        k = uniform_int(rng, self.total)
        return self.words[bisect.bisect_right(self.cum, k)]

    def plain_word(self, rng) -> str:
        return pick(rng, self.plain)


def _sentence(words: list) -> str:
    s = " ".join(w.strip(".,:;?!*") or w for w in words)
    return s[:1].upper() + s[1:] + "."


# ------------------------------------------------------------------------------------------------
# Page writers
# ------------------------------------------------------------------------------------------------


def _site(rng, world) -> str:
    e = pick(rng, world.entities)
    return f"{e.name.split()[0].lower()}-{pick(rng, _SITE_WORDS)}.{pick(rng, _TLDS)}"


def _nav(rng, site: str) -> str:
    items = [pick(rng, _SECTIONS) for _ in range(3 + uniform_int(rng, 5))]
    return "Home | " + " | ".join(dict.fromkeys(items))


def _footer(rng, site: str) -> str:
    year = 2012 + uniform_int(rng, 9)
    return f"Copyright {year} {site}. All rights reserved. Privacy | Terms | Sitemap"


def _good_body(rng, docs_iter, min_words: int) -> tuple:
    parts, n = [], 0
    while n < min_words:
        d = next(docs_iter)
        parts.append(d.text.rstrip("\n"))
        n += len(d.text.split())
    return "\n\n".join(parts), parts[0].split("\n")[0]


def _good(rng, docs_iter, site) -> str:
    body, _ = _good_body(rng, docs_iter, 80 + uniform_int(rng, 320))
    if uniform_int(rng, 2):
        body = _nav(rng, site) + "\n\n" + body + "\n\n" + _footer(rng, site)
    return body


def _boilerplate(rng, world, vocab, site) -> str:
    lines = [pick(rng, _NAV_EXTRA), _nav(rng, site), pick(rng, _COOKIE), "Accept | Reject | Settings"]
    for _ in range(4 + uniform_int(rng, 10)):
        e = pick(rng, world.entities)
        lines.append(
            f"{pick(rng, ('Read more about', 'See also', 'Related', 'Popular', 'Trending'))}: "
            f"{e.name} {pick(rng, ('guide', 'photos', 'history', 'facts', 'map', 'news'))}"
        )
    if uniform_int(rng, 2):
        lines.append(_sentence([vocab.plain_word(rng) for _ in range(6 + uniform_int(rng, 6))]))
    lines += [pick(rng, _NAV_EXTRA), pick(rng, _NAV_EXTRA), _footer(rng, site)]
    return "\n".join(lines)


def _spam(rng, world, vocab, site) -> str:
    place = pick(rng, [e for e in world.entities if e.kind == "place"]).name
    keys = [f"{pick(rng, _SPAM_HEADS)} {place} {pick(rng, _SPAM_TAILS)}" for _ in range(2 + uniform_int(rng, 3))]
    out = []
    for _ in range(12 + uniform_int(rng, 30)):
        r = uniform_int(rng, 4)
        if r == 0:
            out.append(pick(rng, _SPAM_CALLS))
        elif r == 1:
            out.append(_sentence([pick(rng, keys)] + ["and"] + [pick(rng, keys)]))
        else:
            out.append(pick(rng, keys))
    sep = pick(rng, (" ", ", ", "\n"))
    return f"{keys[0].title()}\n\n" + sep.join(out)


def _word_salad(rng, world, vocab, site) -> str:
    sents = []
    for _ in range(8 + uniform_int(rng, 30)):
        sents.append(_sentence([vocab.draw(rng) for _ in range(5 + uniform_int(rng, 12))]))
    paras, k = [], 0
    while k < len(sents):
        n = 2 + uniform_int(rng, 5)
        paras.append(" ".join(sents[k : k + n]))
        k += n
    return "\n\n".join(paras)


def _machine(rng, world, vocab, site) -> str:
    r = uniform_int(rng, 3)
    tokens = []
    for _ in range(60 + uniform_int(rng, 200)):
        if r == 0:  # hex dumps
            tokens.append("".join(pick(rng, _HEX) for _ in range(2 + 2 * uniform_int(rng, 4))))
        elif r == 1:  # consonant strings: letters, but no English
            tokens.append("".join(pick(rng, _CONSONANTS) for _ in range(2 + uniform_int(rng, 9))))
        else:  # identifiers and numbers
            tokens.append(f"{pick(rng, _CONSONANTS)}{uniform_int(rng, 100000)}_{pick(rng, _HEX)}{pick(rng, _HEX)}")
    lines = [" ".join(tokens[i : i + 12]) for i in range(0, len(tokens), 12)]
    return "\n".join(lines)


def _lorem(rng, world, vocab, site) -> str:
    paras = []
    for _ in range(2 + uniform_int(rng, 5)):
        sents = [_sentence(_words(rng, _LOREM, 6 + uniform_int(rng, 10))) for _ in range(3 + uniform_int(rng, 4))]
        if uniform_int(rng, 3) == 0:  # some English mixed in, as placeholder pages have
            sents.insert(
                uniform_int(rng, len(sents)),
                _sentence(
                    [
                        "this",
                        "is",
                        "a",
                        "sample",
                        "page",
                        "for",
                        "the",
                        vocab.plain_word(rng),
                        "section",
                        "of",
                        "the",
                        "site",
                    ]
                ),
            )
        paras.append(" ".join(sents))
    if uniform_int(rng, 3):  # two in three start as placeholder text usually does
        paras[0] = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " + paras[0]
    return "\n\n".join(paras)


def _symbols(rng, world, vocab, site) -> str:
    rows = []
    ncol = 3 + uniform_int(rng, 5)
    for _ in range(10 + uniform_int(rng, 25)):
        cells = []
        for _ in range(ncol):
            r = uniform_int(rng, 4)
            cells.append(
                str(uniform_int(rng, 1000))
                if r == 0
                else pick(rng, _SYMBOLS) * (1 + uniform_int(rng, 3))
                if r < 3
                else vocab.plain_word(rng)
            )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _lists(rng, world, vocab, site) -> str:
    bullet = pick(rng, ("* ", "- ", "• "))
    teaser = uniform_int(rng, 2)  # a list of teasers ending in an ellipsis, or a bullet list
    lines = []
    for _ in range(8 + uniform_int(rng, 20)):
        e = pick(rng, world.entities)
        words = [e.name] + [vocab.plain_word(rng) for _ in range(4 + uniform_int(rng, 6))]
        if teaser:
            lines.append(" ".join(words) + pick(rng, ("...", " ...", "…")))
        else:
            lines.append(bullet + " ".join(words))
    return "\n".join(lines)


def _short(rng, world, vocab, site) -> str:
    return pick(rng, _SHORT) + ("\n" + _nav(rng, site) if uniform_int(rng, 2) else "")


JUNK_WRITERS = {
    "boilerplate": _boilerplate,
    "spam": _spam,
    "word_salad": _word_salad,
    "machine": _machine,
    "lorem": _lorem,
    "symbols": _symbols,
    "lists": _lists,
    "short": _short,
}


def _template_family(rng, world, docs_iter, size: int) -> list:
    """``size`` pages of one template that differ only in one date line or one number."""
    place = pick(rng, [e for e in world.entities if e.kind == "place"]).name
    fixed, _ = _good_body(rng, docs_iter, 60 + uniform_int(rng, 120))
    kind = uniform_int(rng, 3)
    pages = []
    for _ in range(size):
        if kind == 0:
            line = (
                f"Weather in {place} for {pick(rng, _WEEKDAYS)} {1 + uniform_int(rng, 28)} "
                f"{pick(rng, _MONTHS)} {2015 + uniform_int(rng, 6)}: a high of {uniform_int(rng, 35)} degrees."
            )
        elif kind == 1:
            line = (
                f"Room {100 + uniform_int(rng, 400)} at the {place} inn: {20 + uniform_int(rng, 200)} crowns a night."
            )
        else:
            line = f"Timetable updated on {1 + uniform_int(rng, 28)} {pick(rng, _MONTHS)} {2015 + uniform_int(rng, 6)}."
        pages.append(f"{line}\n\n{fixed}")
    return pages


# ------------------------------------------------------------------------------------------------
# Near-duplicates
# ------------------------------------------------------------------------------------------------


def _near_copy(rng, text: str, target: float, vocab: _Vocab) -> tuple:
    """Word edits (substitute, delete, insert) until the 5-gram Jaccard with ``text`` <= ``target``.

    Returns ``(new text, edits, achieved Jaccard)``. Lines are kept: words are edited in place.
    """
    original = shingle_set(text)
    lines = [line.split(" ") for line in text.split("\n")]
    slots = [(i, j) for i, line in enumerate(lines) for j, w in enumerate(line) if w]
    if len(slots) < 2 * SHINGLE:
        return text, 0, 1.0
    n = len(original)
    # each edit touches at most 5 shingles: start with a safe fraction of the expected count
    guess = int(0.6 * n * (1 - target) / (SHINGLE * (1 + target)))
    edits, j_now, new = 0, 1.0, text
    step = max(guess, 1)
    while True:
        for _ in range(step):
            i, k = slots[uniform_int(rng, len(slots))]
            op = uniform_int(rng, 3)
            if op == 0:
                lines[i][k] = vocab.plain_word(rng)
            elif op == 1:
                lines[i][k] = ""  # a deletion (the slot stays, empty)
            else:
                lines[i][k] = lines[i][k] + " " + vocab.plain_word(rng) if lines[i][k] else vocab.plain_word(rng)
            edits += 1
        new = "\n".join(" ".join(w for w in line if w) for line in lines)
        j_now = jaccard(original, shingle_set(new))
        if j_now <= target or edits > 10 * n:
            return new, edits, j_now
        step = 1


# ------------------------------------------------------------------------------------------------
# The crawl, in stages
#
# ``generate_crawl`` reads top-down: split the source documents into three streams, write the
# benchmark and the reference corpus, write the unique pages, plant benchmark items into some of
# them, copy some of them, shuffle everything into the crawl and give every page its ground truth.
# All stages draw from one random stream, in this order: changing the order of the draws changes
# every byte after it (and the checksums in ``datasets/toy_crawl.md``).
# ------------------------------------------------------------------------------------------------

_BENCH_GENRES = ("encyclopedia", "biography", "travel", "lab", "field_guide")  # genres with facts to ask about


def generate_crawl(seed: int = 0, scale: str = "smoke") -> Crawl:
    """The toy crawl for ``seed`` and ``scale`` (``"smoke"`` or ``"full"``): pages with ground truth,
    the reference corpus and the benchmark (see the module docstring and ``datasets/toy_crawl.md``)."""
    check_seed(seed)
    if scale not in CRAWL_SIZES:
        raise ValueError(f"scale must be one of {tuple(CRAWL_SIZES)}; got {scale!r}")
    cfg = CRAWL_SIZES[scale]
    world = corpus.make_world(seed, scale)
    rng = random.Random(4 * seed + 3)  # the one random stream every stage below draws from
    docs = _split_documents(seed, scale, world, cfg)

    # clean text first: the benchmark and the classifier's positives
    benchmark = _benchmark(rng, world, docs.benchmark)
    reference = _reference(rng, docs.reference, cfg["n_reference"])

    # the crawl's unique pages, some with benchmark items pasted in (contamination)
    vocab = _Vocab(docs.vocab_texts)
    drafts = _write_unique_pages(rng, world, vocab, docs.crawl, cfg["n_unique"])
    _plant_benchmark(rng, drafts, benchmark)

    # every unique page once, then exact, mirror and near copies; shuffled into numbered pages
    entries = _originals(drafts) + _copies(rng, world, vocab, drafts)
    pages = _assemble(rng, drafts, entries, benchmark)
    pages = _merge_identical_texts(pages)

    # an item counts as planted only if some page still contains it whole (near copies edit words)
    planted_now = {b for p in pages for b in p.planted}
    benchmark = [BenchItem(b.id, b.passage, b.question, b.answer, b.id in planted_now) for b in benchmark]
    return Crawl(seed, scale, pages, reference, benchmark)


# --- Stage 1: the source documents -----------------------------------------------------------------


@dataclass(frozen=True)
class _Documents:
    """Documents of :mod:`minirepro.corpus`, split into disjoint streams so no crawl page shares a
    document with the benchmark or the reference corpus."""

    benchmark: list  # documents for benchmark passages (two per item)
    reference: Iterator  # documents for the reference corpus, consumed as needed
    crawl: Iterator  # documents for the crawl's good and templated pages, consumed as needed
    vocab_texts: list  # texts whose words feed word salad and near-duplicate edits


def _split_documents(seed: int, scale: str, world, cfg: dict) -> _Documents:
    n_bench = cfg["n_benchmark"] * 6  # enough that 2 per item have one of _BENCH_GENRES
    n_ref = cfg["n_reference"] * 12
    n_docs = cfg["n_unique"] * 14 + n_ref + n_bench
    docs = corpus.generate_corpus(seed + 1_000_003, scale, world=world, n_docs=n_docs)
    bench = [d for d in docs[:n_bench] if d.genre in _BENCH_GENRES][: 2 * cfg["n_benchmark"]]
    return _Documents(
        benchmark=bench,
        reference=iter(docs[n_bench : n_bench + n_ref]),
        crawl=iter(docs[n_bench + n_ref :]),
        vocab_texts=[d.text for d in docs[-2000:]],
    )


# --- Stage 2: benchmark and reference corpus ----------------------------------------------------------


def _sentences(doc) -> list:
    body = doc.text.split("\n\n", 1)[-1]  # without its header
    return [x for x in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if x]


def _benchmark(rng, world, docs) -> list:
    """Reading-comprehension items: the sentences of two documents in a random order, and a question
    about a fact the first one states. Mixing two documents keeps an item's 13-grams out of the crawl
    unless the item itself is planted there (the world's sentences are short and recur)."""
    items = []
    for k in range(0, len(docs) - 1, 2):
        d, other = docs[k], docs[k + 1]
        if not d.facts:
            continue
        eid, attr, value = d.facts[uniform_int(rng, len(d.facts))]
        name = world.by_id[eid].name
        question = f"According to the passage, what is the {attr} of {name}?"
        passage = " ".join(shuffled(rng, _sentences(d) + _sentences(other)))
        items.append(BenchItem(len(items), passage, question, value, False))
    return items


def _reference(rng, docs_iter, n: int) -> list:
    """Up to ``n`` texts of clean prose, each a run of whole documents (fewer if the stream runs out)."""
    reference = []
    for _ in range(n):
        try:
            reference.append(_good_body(rng, docs_iter, 80 + uniform_int(rng, 320))[0])
        except StopIteration:
            break
    return reference


# --- Stage 3: the unique pages ------------------------------------------------------------------------


@dataclass
class _Draft:
    """A unique page before it is copied and numbered (mutable: planting edits its text)."""

    text: str
    quality: str  # "good" or one of JUNK_KINDS
    site: str
    family: int | None = None  # templated pages: the number of their family (1, 2, ...)
    planted: list = field(default_factory=list)  # ids of benchmark items pasted into it


@dataclass
class _Family:
    """A templated family being laid out: its pages go to consecutive "templated" slots."""

    number: int
    site: str  # all its pages are on its first page's site
    pending: list  # its pages not yet given a slot


def _page_kinds(rng, n: int) -> list:
    """The quality of each of ``n`` unique pages: JUNK_SHARES of each junk kind, the rest good, shuffled."""
    kinds = []
    for q, share in JUNK_SHARES.items():
        kinds += [q] * round(share * n)
    kinds += ["good"] * (n - len(kinds))
    return shuffled(rng, kinds)


def _write_unique_pages(rng, world, vocab, docs_iter, n: int) -> list:
    """``n`` drafts, one per slot of :func:`_page_kinds`. A templated family fills consecutive
    templated slots until its pages run out or a page of another kind interrupts it."""
    drafts, family, n_families = [], None, 0
    for q in _page_kinds(rng, n):
        site = _site(rng, world)  # drawn for every slot, even where a family's site is used instead
        if q == "good":
            drafts.append(_Draft(_good(rng, docs_iter, site), q, site))
        elif q == "templated":
            if family is None or not family.pending:  # start a new family on this page's site
                size = 2 + uniform_int(rng, 9)
                n_families += 1
                family = _Family(n_families, site, _template_family(rng, world, docs_iter, size))
            drafts.append(_Draft(family.pending.pop(), q, family.site, family.number))
        else:
            drafts.append(_Draft(JUNK_WRITERS[q](rng, world, vocab, site), q, site))
        if q != "templated":
            family = None  # an interrupted family is not resumed: the next templated slot starts a new one
    return drafts


def _good_ids(drafts) -> list:
    return [i for i, d in enumerate(drafts) if d.quality == "good"]


def _plant_benchmark(rng, drafts, benchmark) -> None:
    """Paste PLANTED_FRACTION of the benchmark's items into random good pages, each as a paragraph
    after the page's first one (a page may get several)."""
    n_planted = round(PLANTED_FRACTION * len(benchmark))
    planted_ids = sorted(shuffled(rng, range(len(benchmark)))[:n_planted])
    good = _good_ids(drafts)
    for item_id in planted_ids:
        page = drafts[good[uniform_int(rng, len(good))]]
        paras = page.text.split("\n\n")
        at = 1 + uniform_int(rng, max(1, len(paras) - 1))
        paras.insert(at, benchmark[item_id].text)
        page.text = "\n\n".join(paras)
        page.planted.append(item_id)


# --- Stage 4: originals and copies ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """A page of the crawl before shuffling gives it its id: a unique page itself or a copy of one."""

    source: int  # index of the draft it is, or copies
    text: str
    dup: str  # one of DUP_KINDS
    site: str
    jaccard: float = 1.0  # with the draft's text
    edits: int = 0  # word edits of a near copy


def _originals(drafts) -> list:
    """Each draft once: "template" for a templated family's page, "original" for any other."""
    return [
        _Entry(i, d.text, "template" if d.quality == "templated" else "original", d.site) for i, d in enumerate(drafts)
    ]


def _copies(rng, world, vocab, drafts) -> list:
    """Copies of random drafts, DUP_SHARES of the final crawl of each kind: mostly copies of good
    pages (popular articles get copied), never of short ones."""
    n_total = round(len(drafts) / (1 - sum(DUP_SHARES.values())))  # pages in the final crawl
    good = _good_ids(drafts)
    copyable = [i for i, d in enumerate(drafts) if d.quality != "short"]
    copies = []
    for kind, share in DUP_SHARES.items():
        for _ in range(round(share * n_total)):
            i = copyable[uniform_int(rng, len(copyable))]
            if drafts[i].quality != "good" and uniform_int(rng, 3):
                i = pick(rng, good)  # two in three copies of junk are redrawn as good pages
            copies.append(_copy(rng, world, vocab, i, drafts[i], kind))
    return copies


def _copy(rng, world, vocab, i: int, draft: _Draft, kind: str) -> _Entry:
    """One copy of ``draft`` (index ``i``) of the given kind: "exact", "mirror" or "near"."""
    if kind == "exact":
        return _Entry(i, draft.text, "exact", draft.site)
    if kind == "mirror":  # the same text inside another site's navigation and footer
        mirror = "mirror." + draft.site if uniform_int(rng, 2) else _site(rng, world)
        text = _nav(rng, mirror) + "\n\n" + draft.text + "\n\n" + _footer(rng, mirror)
        return _Entry(i, text, "mirror", mirror, jaccard(shingle_set(draft.text), shingle_set(text)))
    lo, hi = NEAR_JACCARD  # a near copy: word edits down to a random target Jaccard
    target = lo + (hi - lo) * rng.random()
    text, edits, jac = _near_copy(rng, draft.text, target, vocab)
    return _Entry(i, text, "near", draft.site, jac, edits)


# --- Stage 5: shuffle, number and label the pages -----------------------------------------------------


def _assemble(rng, drafts, entries, benchmark) -> list:
    """Shuffle the entries into pages with ids 0, 1, ... and their ground truth. A page's cluster is
    the id of its draft's original page; a templated family has no original, so the family page that
    comes first in the crawl stands for it (and ``jaccard`` is measured against that page)."""
    placed = [entries[k] for k in shuffled(rng, range(len(entries)))]  # placed[page id]
    page_of_draft, family_first = {}, {}  # draft index -> its page id; family -> its first draft index
    for page_id, e in enumerate(placed):
        if e.dup in ("original", "template"):
            page_of_draft[e.source] = page_id
            if drafts[e.source].family is not None:
                family_first.setdefault(drafts[e.source].family, e.source)
    pages = []
    for page_id, e in enumerate(placed):
        draft = drafts[e.source]
        if draft.family is not None:
            rep = family_first[draft.family]
            cluster = page_of_draft[rep]
            jac = jaccard(shingle_set(drafts[rep].text), shingle_set(e.text))
        else:
            cluster, jac = page_of_draft[e.source], e.jaccard
        # a copy keeps its draft's planted items only where they survived whole
        planted = tuple(b for b in draft.planted if benchmark[b].text in e.text)
        pages.append(
            Page(
                page_id,
                _url(e.site, e.text, page_id),
                e.site,
                e.text,
                draft.quality,
                cluster,
                e.dup,
                jac,
                e.edits,
                planted,
            )
        )
    return pages


def _url(site: str, text: str, page_id: int) -> str:
    """``http://site/slug-id``, the slug made of the text's first three words."""
    slug = "-".join(text.split()[:3]).lower()
    slug = "".join(c for c in slug if c.isalnum() or c == "-")[:40] or "page"
    return f"http://{site}/{slug}-{page_id}"


# --- Stage 6: pages with identical text share a cluster -----------------------------------------------


class _UnionFind:
    """Disjoint sets of ids (here: cluster ids); the root of each set is its smallest id."""

    def __init__(self, ids):
        self.parent = {x: x for x in ids}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]  # path halving: point to the grandparent
            x = self.parent[x]
        return x

    def union(self, a, b) -> bool:
        """Join the sets of ``a`` and ``b``; False if they already were one set."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        self.parent[max(a, b)] = min(a, b)
        return True


def _merge_identical_texts(pages) -> list:
    """Pages with identical text are duplicates whatever made them (short error pages repeat by
    chance): merge their clusters under the smaller id, and call such a chance copy "exact"."""
    sets = _UnionFind(p.cluster for p in pages)
    first_with_text, chance_copy = {}, set()
    for p in pages:
        if p.text not in first_with_text:
            first_with_text[p.text] = p
        elif sets.union(first_with_text[p.text].cluster, p.cluster):
            chance_copy.add(p.id)
    merged = []
    for p in pages:
        dup = "exact" if p.id in chance_copy and p.dup == "original" else p.dup
        merged.append(replace(p, cluster=sets.find(p.cluster), dup=dup))
    return merged


# ------------------------------------------------------------------------------------------------
# Statistics for the card
# ------------------------------------------------------------------------------------------------


def crawl_stats(crawl: Crawl) -> dict:
    """The numbers ``datasets/toy_crawl.md`` reports, checksums included."""
    pages = crawl.pages
    text = corpus.training_text([p.text for p in pages]).encode("utf-8")
    ref = corpus.training_text(crawl.reference).encode("utf-8")
    bench = "\n\n".join(b.text for b in crawl.benchmark).encode("utf-8")
    clusters = Counter(p.cluster for p in pages)
    return {
        "pages": len(pages),
        "bytes": len(text),
        "words": sum(len(p.text.split()) for p in pages),
        "quality": {q: sum(p.quality == q for p in pages) for q in QUALITIES},
        "dup": {d: sum(p.dup == d for p in pages) for d in DUP_KINDS},
        "clusters_with_copies": sum(c > 1 for c in clusters.values()),
        "pages_in_such_clusters": sum(c for c in clusters.values() if c > 1),
        "duplicate_pairs": len(duplicate_pairs(pages)),
        "reference_documents": len(crawl.reference),
        "reference_bytes": len(ref),
        "benchmark_items": len(crawl.benchmark),
        "planted_items": sum(b.planted for b in crawl.benchmark),
        "pages_with_planted_items": sum(bool(p.planted) for p in pages),
        "sha256_pages": hashlib.sha256(text).hexdigest(),
        "sha256_reference": hashlib.sha256(ref).hexdigest(),
        "sha256_benchmark": hashlib.sha256(bench).hexdigest(),
    }
