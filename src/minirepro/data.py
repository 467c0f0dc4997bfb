"""From text to training batches: byte-level tokens, packing, a split, and batches that are a pure
function of ``(seed, step)``.

Tokens are UTF-8 bytes (vocabulary 256), as in ByT5 (Xue et al. 2022): no tokenizer to train, no
file to ship, and a loss in nats per token *is* nats per byte, so it compares directly with
``corpus.entropy_floor`` (divide by ln 2 for bits per byte). GPT-3 used GPT-2's byte-level BPE of
50,257 tokens (Radford et al. 2019) over about 4 bytes of text each; a per-token loss there must be
divided by bytes per token before it compares with ours.

Documents are joined the way ``corpus.training_text`` joins them: each one followed by one
separator byte, ``EOT = 0`` (NUL, which no document contains), like GPT-2's ``<|endoftext|>``.

Data order is a pure function of ``(seed, step)`` (``get_batch``), never of a generator's state, so
a run resumed from a checkpoint at step k sees exactly the batches the uninterrupted run saw, and a
run can roll back and skip the batches around a loss spike, as PaLM did (Chowdhery et al. 2022,
Sec. 5.1), with nothing but the step counter to save. Batch offsets come from Python's
``random.Random(seed * 2**64 + step).random()``, whose sequence the Python documentation guarantees
across versions; torch's generators promise nothing across versions or devices.
"""

from __future__ import annotations

import random

import torch

from .checks import non_negative_int, positive_int
from .checks import seed as check_seed
from .corpus import SEPARATOR, training_text
from .rng import shuffled, uniform_int

VOCAB_SIZE = 256
EOT = ord(SEPARATOR)  # 0: the byte that ends every document


def encode(text: str) -> torch.Tensor:
    """UTF-8 bytes of ``text`` as a 1-D LongTensor of values in 0..255."""
    data = text.encode("utf-8")
    if not data:
        return torch.zeros(0, dtype=torch.long)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).long()


def decode(ids) -> str:
    """Text from byte ids (a tensor or a list); invalid UTF-8 (a sample cut mid-character) becomes U+FFFD."""
    if isinstance(ids, torch.Tensor):
        ids = ids.flatten().tolist()
    try:
        return bytes(ids).decode("utf-8", errors="replace")
    except (ValueError, TypeError) as err:
        raise ValueError(f"decode needs ints in 0..255 (byte ids); {err}") from None


def tokenize(docs) -> torch.Tensor:
    """The training stream of ``docs`` (strings or documents): each one's bytes, then ``EOT``."""
    docs = list(docs)
    for i, d in enumerate(docs):
        if SEPARATOR in (d if isinstance(d, str) else d.text):
            raise ValueError(f"document {i} contains the separator byte {EOT}; it would split in two")
    return encode(training_text(docs))


def pack(tokens, seq_len: int) -> torch.Tensor:
    """Cut a stream (or documents, tokenized first) into rows of ``seq_len + 1`` tokens.

    Row i is ``tokens[i * seq_len : i * seq_len + seq_len + 1]``: consecutive rows share one token, so
    ``x, y = rows[:, :-1], rows[:, 1:]`` trains on every next-token target exactly once. Documents are
    packed across row boundaries (separated by ``EOT``), as GPT-3 did (Brown et al. 2020, App. B);
    the tail that does not fill a row is dropped. Returns a LongTensor ``[n_rows, seq_len + 1]``.
    """
    tokens = _stream(tokens, docs_ok=True)
    positive_int("seq_len", seq_len)
    n_rows = (len(tokens) - 1) // seq_len
    if n_rows < 1:
        raise ValueError(f"{len(tokens)} tokens cannot fill one row of seq_len + 1 = {seq_len + 1}")
    index = torch.arange(n_rows)[:, None] * seq_len + torch.arange(seq_len + 1)
    return tokens[index].long()


def train_val_split(docs, val_fraction: float = 0.1, seed: int = 0) -> tuple[list, list]:
    """Split documents (not bytes: no document straddles the two) into ``(train, val)``.

    ``round(val_fraction * len(docs))`` documents, at least one, chosen by a seeded shuffle; both
    lists keep the original order. Deterministic across Python versions (see the module docstring).
    """
    docs = list(docs)
    if not isinstance(val_fraction, (int, float)) or not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1); got {val_fraction!r}")
    check_seed(seed)
    if len(docs) < 2:
        raise ValueError(f"need at least 2 documents to split; got {len(docs)}")
    n_val = min(max(1, int(val_fraction * len(docs) + 0.5)), len(docs) - 1)
    is_val = [False] * len(docs)
    for i in shuffled(random.Random(seed), range(len(docs)))[:n_val]:
        is_val[i] = True
    return [d for d, v in zip(docs, is_val) if not v], [d for d, v in zip(docs, is_val) if v]


def batch_seed(seed: int, step: int) -> int:
    """The seed of step ``step``'s batch: ``seed * 2**64 + step``, distinct for every pair with
    ``0 <= step < 2**64`` (Python's ``random.Random`` takes integers of any size)."""
    check_seed(seed)
    non_negative_int("step", step)
    if step >= 2**64:
        raise ValueError(f"step must be < 2**64; got {step}")
    return seed * 2**64 + step


def get_batch(tokens, step: int, batch_size: int, seq_len: int, seed: int = 0, device=None):
    """The training batch of step ``step``: ``(x, y)``, LongTensors ``[batch_size, seq_len]``.

    Each row starts at a uniformly random offset of the 1-D stream ``tokens``; ``y`` is ``x`` shifted
    by one. The offsets depend only on ``(seed, step)`` and the stream's length: not on the global RNG,
    on earlier calls, or on the device, so batch k is the same whenever and wherever it is drawn.
    """
    tokens = _stream(tokens)
    positive_int("batch_size", batch_size)
    positive_int("seq_len", seq_len)
    n_starts = len(tokens) - seq_len
    if n_starts < 1:
        raise ValueError(f"seq_len={seq_len} needs at least {seq_len + 1} tokens; the stream has {len(tokens)}")
    rng = random.Random(batch_seed(seed, step))
    starts = torch.tensor([uniform_int(rng, n_starts) for _ in range(batch_size)])
    rows = tokens[starts[:, None] + torch.arange(seq_len + 1)].long()
    x, y = rows[:, :-1].contiguous(), rows[:, 1:].contiguous()
    if device is not None:
        x, y = x.to(device), y.to(device)
    return x, y


def eval_batches(tokens, batch_size: int, seq_len: int):
    """Yield ``(x, y)`` over ``pack(tokens, seq_len)`` in order: every target once, no randomness
    (validation loss, bits per byte). The last batch may be smaller."""
    positive_int("batch_size", batch_size)
    rows = pack(tokens, seq_len)
    for i in range(0, len(rows), batch_size):
        chunk = rows[i : i + batch_size]
        yield chunk[:, :-1], chunk[:, 1:]


def _stream(tokens, docs_ok: bool = False) -> torch.Tensor:
    if isinstance(tokens, str):
        raise ValueError("pass a list of documents or a token tensor (encode(text)), not a str")
    if not isinstance(tokens, torch.Tensor):
        if not docs_ok:
            raise ValueError(
                f"tokens must be a 1-D integer tensor (tokenize(docs) makes one); got {type(tokens).__name__}"
            )
        tokens = tokenize(tokens)
    if tokens.dim() != 1 or tokens.is_floating_point() or tokens.is_complex() or tokens.dtype == torch.bool:
        raise ValueError(f"tokens must be a 1-D integer tensor; got {tokens.dtype} of shape {tuple(tokens.shape)}")
    return tokens
