"""Byte tokens, packing, the split, and batches that are a pure function of (seed, step)."""

import random

import pytest
import torch

from minirepro import data
from minirepro.corpus import SEPARATOR, generate_corpus, training_text
from minirepro.data import batch_seed, decode, encode, eval_batches, get_batch, pack, tokenize, train_val_split


@pytest.fixture(scope="module")
def docs():
    return generate_corpus(0, "smoke", n_docs=300)


def test_encode_decode_round_trip():
    for text in ["", "hello", "Velmora lies in Kasthen.\n", "héllo wörld ✓ 漢字"]:
        ids = encode(text)
        assert ids.dtype == torch.long and ids.dim() == 1
        assert len(ids) == len(text.encode("utf-8"))
        assert all(0 <= i < data.VOCAB_SIZE for i in ids.tolist())
        assert decode(ids) == text and decode(ids.tolist()) == text
    assert decode(encode("é")[:1]) == "\ufffd"  # a sample cut mid-character still prints
    with pytest.raises(ValueError, match="0..255"):
        decode([65, 256])


def test_tokenize_ends_every_document_with_eot(docs):
    assert data.EOT == 0 and data.VOCAB_SIZE == 256 and chr(data.EOT) == SEPARATOR
    tokens = tokenize(docs)
    assert (tokens == data.EOT).sum().item() == len(docs)
    assert tokens[-1].item() == data.EOT
    assert decode(tokens) == training_text(docs)
    assert tokenize(["ab", "c"]).tolist() == [97, 98, 0, 99, 0]
    with pytest.raises(ValueError, match="separator"):
        tokenize(["fine", "bro" + SEPARATOR + "ken"])


def test_pack_shapes_and_every_target_once(docs):
    tokens = tokenize(docs)
    rows = pack(tokens, 64)
    n = (len(tokens) - 1) // 64
    assert rows.shape == (n, 65) and rows.dtype == torch.long
    assert torch.equal(rows[:, -1][:-1], rows[1:, 0])  # consecutive rows share one token
    assert torch.equal(torch.cat([rows[0]] + [r[1:] for r in rows[1:]]), tokens[: n * 64 + 1])
    assert torch.equal(pack(docs, 64), rows)
    assert pack(torch.arange(10), 3).tolist() == [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]
    with pytest.raises(ValueError, match="row"):
        pack(torch.arange(4), 4)
    with pytest.raises(ValueError, match="seq_len"):
        pack(tokens, 0)


def test_eval_batches_cover_every_row_in_order(docs):
    tokens = tokenize(docs)
    rows = pack(tokens, 32)
    batches = list(eval_batches(tokens, 7, 32))
    assert sum(len(x) for x, _ in batches) == len(rows)
    x, y = batches[0]
    assert torch.equal(x, rows[:7, :-1]) and torch.equal(y, rows[:7, 1:])


def test_train_val_split_is_deterministic_and_by_document(docs):
    train, val = train_val_split(docs, 0.1, seed=0)
    assert (train, val) == train_val_split(docs, 0.1, seed=0)
    assert len(val) == 30 and len(train) == 270
    ids = [id(d) for d in docs]
    assert sorted(map(id, train + val)) == sorted(ids)
    assert [id(d) for d in train] == [i for i in ids if i in set(map(id, train))]  # original order kept
    assert train_val_split(docs, 0.1, seed=1)[1] != val
    assert len(train_val_split(["a", "b"], 0.01)[1]) == 1
    for bad in [dict(val_fraction=0), dict(val_fraction=1), dict(val_fraction=0.1, seed=-1)]:
        with pytest.raises(ValueError):
            train_val_split(docs, **bad)
    with pytest.raises(ValueError, match="2 documents"):
        train_val_split(["only"], 0.5)


def test_batch_is_a_pure_function_of_seed_and_step(docs):
    tokens = tokenize(docs)
    forward = [get_batch(tokens, s, 8, 32, seed=3) for s in range(6)]
    torch.manual_seed(123)
    random.seed(9)
    torch_state, py_state = torch.get_rng_state(), random.getstate()
    backward = [get_batch(tokens, s, 8, 32, seed=3) for s in reversed(range(6))][::-1]
    assert torch.equal(torch.get_rng_state(), torch_state) and random.getstate() == py_state  # globals untouched
    for (x1, y1), (x2, y2) in zip(forward, backward):
        assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert torch.equal(get_batch(tokens, 4, 8, 32, seed=3)[0], forward[4][0])  # skip straight to step 4
    assert not torch.equal(forward[0][0], forward[1][0])
    assert not torch.equal(get_batch(tokens, 0, 8, 32, seed=4)[0], forward[0][0])


def test_batch_shapes_shift_and_pinned_offsets(docs):
    tokens = tokenize(docs)
    x, y = get_batch(tokens, 0, 5, 16, seed=0)
    assert x.shape == y.shape == (5, 16) and x.dtype == y.dtype == torch.long
    assert torch.equal(x[:, 1:], y[:, :-1])
    for row in x:
        assert decode(row) in training_text(docs) or "\ufffd" in decode(row)
    # The offsets come from random.Random(seed * 2**64 + step).random(), fixed across Python versions.
    x, _ = get_batch(torch.arange(1000), 0, 4, 3, seed=0)
    assert x[:, 0].tolist() == [841, 755, 419, 258]
    x, y = get_batch(torch.arange(1000), 7, 4, 3, seed=3)
    assert x[:, 0].tolist() == [340, 648, 503, 875] and y[0].tolist() == [341, 342, 343]
    x, _ = get_batch(torch.arange(5, dtype=torch.uint8), 0, 3, 4)  # the only window there is
    assert x.dtype == torch.long and x.tolist() == [[0, 1, 2, 3]] * 3


def test_batch_seed_is_collision_free():
    pairs = [(s, t) for s in range(20) for t in list(range(50)) + [2**64 - 1]]
    assert len({batch_seed(s, t) for s, t in pairs}) == len(pairs)
    for bad in [(-1, 0), (0, -1), (0, 2**64), (0, 1.0), (True, 0)]:
        with pytest.raises(ValueError):
            batch_seed(*bad)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(seq_len=100), "needs at least 101 tokens"),
        (dict(seq_len=0), "seq_len"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=2.0), "batch_size"),
        (dict(step=-1), "step"),
        (dict(seed=-2), "seed"),
        (dict(tokens=torch.zeros(4, 25, dtype=torch.long)), "1-D integer"),
        (dict(tokens=torch.zeros(100)), "1-D integer"),
        (dict(tokens="some text"), "not a str"),
        (dict(tokens=["a document"]), "tokenize"),
    ],
)
def test_bad_batch_requests_are_clear_errors(kwargs, message):
    args = dict(tokens=torch.arange(100), step=0, batch_size=2, seq_len=8, seed=0) | kwargs
    with pytest.raises(ValueError, match=message):
        get_batch(**args)
