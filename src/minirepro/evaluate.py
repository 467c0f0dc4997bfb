"""Evaluating a language model the way GPT-3 and lm-evaluation-harness do, for the course's byte-level GPT.

Everything here reduces to one primitive, the **log-likelihood of a continuation given a context**:

    loglikelihoods(model, [("Q: What is the capital of Krorkar?\\nA:", " Gentend.")])

returns, for each ``(context, continuation)`` pair of strings, the sum of the log-probabilities
(natural log) of the continuation's tokens given everything before them, and whether the
continuation is what greedy decoding would have produced. The context only conditions: its own
likelihood is not counted. That is the ``loglikelihood`` request of EleutherAI's
lm-evaluation-harness (Gao et al.); on top of it:

- **multiple choice** (``score_multiple_choice``, ``multiple_choice``, ``acc``, ``acc_norm``): each
  choice is scored as the continuation ``delimiter + choice``; ``acc`` is 1 when the choice with the
  highest log-likelihood is the gold one, ``acc_norm`` when the highest log-likelihood divided by the
  choice's length **in characters** is (the harness's definitions; the delimiter is scored but not
  counted in the length);
- **perplexity and bits per byte** (``rolling_loglikelihoods``, ``bits_per_byte``, ``perplexity``):
  every token of a text scored given the tokens before it; bits per byte = -sum(ll) / sum(UTF-8
  bytes) / ln 2, which does not depend on the tokenizer, so models with different tokenizers compare;
- **held-out loss** (``heldout_loss``, ``mean_loss``): the mean next-token loss over a held-out token stream,
  the one definition the training engine's evaluations, the scaling sweeps and the lectures share;
- **few-shot prompts** (``few_shot_prompt``): GPT-3's protocol (Brown et al. 2020, Sec. 2.4):
  K solved examples drawn at random from the training set, separated by newlines, then the question;
- **memorisation** (``greedy_continuation``, ``memorised``, ``memorisation_rate``): Pythia's
  definition (Biderman et al. 2023): a training sequence is memorised when, prompted with its first
  32 tokens, greedy decoding reproduces the next 32 exactly;
- **contamination** (``ngram_contaminated``): GPT-3's 13-gram overlap test (Brown et al. 2020, App. C),
  and a benchmark with planted leaks and known ground truth to judge a decontamination rule on
  (``contamination_task``, ``decontamination_score``).

The course's model is byte-level (``minirepro.data``): one token is one UTF-8 byte, so strings are
encoded with ``data.encode`` and "per token" is "per byte". An empty context is replaced by the
end-of-text byte ``data.EOT`` (a document starts after one), as the harness conditions on its EOT
token. Contexts longer than the model's window are cut from the left, keeping the tokens nearest the
continuation.

Every function runs the model in ``eval`` mode under ``torch.no_grad`` on the model's own device
(CPU or CUDA), restores its training mode afterwards, and is deterministic: batches are formed in a
fixed order (longest first) and right-padded, which a causal model cannot see.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import random
import re
from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

import torch
import torch.nn.functional as F

from .checks import int_at_least, is_int, positive_int
from .checks import seed as check_seed
from .data import EOT, eval_batches
from .rng import pick, shuffled, uniform_int

__all__ = [
    "LogLikelihood",
    "MCResult",
    "loglikelihoods",
    "score_multiple_choice",
    "multiple_choice",
    "acc",
    "acc_norm",
    "mc_metrics",
    "rolling_loglikelihoods",
    "mean_loss",
    "heldout_loss",
    "bits_per_byte",
    "perplexity",
    "few_shot_prompt",
    "greedy_continuation",
    "memorised",
    "memorisation_rate",
    "ngram_contaminated",
    "ContaminationTask",
    "contamination_task",
    "decontamination_score",
]


class LogLikelihood(NamedTuple):
    """The answer to one ``(context, continuation)`` request."""

    logprob: float  # sum over the continuation's tokens of ln p(token | everything before it)
    is_greedy: bool  # True when every continuation token is the model's argmax at its position


class MCResult(NamedTuple):
    """One multiple-choice question scored by log-likelihood."""

    loglikelihoods: tuple  # of each choice, scored as delimiter + choice
    lengths: tuple  # len(choice) in characters: acc_norm's denominator
    pred: int  # argmax of loglikelihoods (the first one on a tie, as numpy's argmax)
    pred_norm: int  # argmax of loglikelihoods / lengths


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def _tokens(x, what: str) -> list:
    """Token ids of a string (UTF-8 bytes), bytes, a 1-D integer tensor or a sequence of ints."""
    if isinstance(x, str):
        return list(x.encode("utf-8"))
    if isinstance(x, (bytes, bytearray)):
        return list(x)
    if isinstance(x, torch.Tensor):
        if x.dim() != 1 or x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
            raise ValueError(f"{what} must be a 1-D integer tensor; got {x.dtype} of shape {tuple(x.shape)}")
        return x.tolist()
    try:
        items = list(x)
        out = [int(t) for t in items]
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} must be a str, bytes, a 1-D integer tensor or a sequence of ints; got {type(x).__name__}"
        ) from None
    if any(isinstance(t, bool) for t in items) or any(o != t for o, t in zip(out, items)):
        raise ValueError(f"{what} must contain integer token ids")
    return out


def _window(model, n_ctx) -> int:
    """The model's context length: ``n_ctx`` if given, else ``model.cfg.n_ctx`` (the course's GPT)."""
    if n_ctx is None:
        n_ctx = getattr(getattr(model, "cfg", None), "n_ctx", None)
        if n_ctx is None:
            raise ValueError("cannot tell the model's context length: pass n_ctx=... (the course's GPT has cfg.n_ctx)")
    return positive_int("n_ctx", n_ctx)


def _device(model) -> torch.device:
    first = next(iter(model.parameters()), None)
    if first is None:
        first = next(iter(model.buffers()), None)
    return torch.device("cpu") if first is None else first.device


def _logits(model, x: torch.Tensor) -> torch.Tensor:
    out = model(x)
    return out[0] if isinstance(out, (tuple, list)) else out


class _EvalMode:
    """``model.eval()`` and ``torch.no_grad()`` inside, the model's previous mode restored after."""

    def __init__(self, model):
        self.model, self.grad = model, torch.no_grad()

    def __enter__(self):
        self.was_training = self.model.training
        self.model.eval()
        self.grad.__enter__()

    def __exit__(self, *exc):
        self.grad.__exit__(*exc)
        self.model.train(self.was_training)


def _check_vocab(tokens: list, vocab: int | None, what: str) -> None:
    if tokens and vocab is not None and (min(tokens) < 0 or max(tokens) >= vocab):
        raise ValueError(f"{what} has token ids outside [0, {vocab})")


# ------------------------------------------------------------------------------------------------
# The primitive: log-likelihood of a continuation
# ------------------------------------------------------------------------------------------------


def _score(model, pairs: list, batch_size: int, n_ctx: int) -> list:
    """``pairs`` of (context ids, continuation ids) -> LogLikelihood each; batched, padded on the right."""
    vocab = getattr(getattr(model, "cfg", None), "vocab_size", None)
    rows = []
    for i, (ctx, cont) in enumerate(pairs):
        if not cont:
            raise ValueError(f"request {i}: the continuation is empty; there is nothing to score")
        if len(cont) > n_ctx:
            raise ValueError(
                f"request {i}: the continuation has {len(cont)} tokens, more than the model's "
                f"context n_ctx={n_ctx}; score it with rolling_loglikelihoods instead"
            )
        ctx = ctx or [EOT]
        _check_vocab(ctx, vocab, f"request {i}'s context")
        _check_vocab(cont, vocab, f"request {i}'s continuation")
        full = (ctx + cont)[-(n_ctx + 1) :]  # cut the context from the left
        rows.append((full[:-1], cont))
    order = sorted(range(len(rows)), key=lambda i: -len(rows[i][0]))  # longest first: less padding; stable
    out = [None] * len(rows)
    device = _device(model)
    with _EvalMode(model):
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = len(rows[chunk[0]][0])
            x = torch.zeros(len(chunk), width, dtype=torch.long)
            target = torch.zeros(len(chunk), width, dtype=torch.long)
            mask = torch.zeros(len(chunk), width, dtype=torch.bool)
            for b, i in enumerate(chunk):
                inp, cont = rows[i]
                x[b, : len(inp)] = torch.tensor(inp)
                target[b, len(inp) - len(cont) : len(inp)] = torch.tensor(cont)  # position t predicts token t + 1
                mask[b, len(inp) - len(cont) : len(inp)] = True
            x, target, mask = x.to(device), target.to(device), mask.to(device)
            logits = _logits(model, x).float()
            logp = F.log_softmax(logits, dim=-1).gather(-1, target[..., None]).squeeze(-1)
            ll = (logp * mask).sum(dim=1)
            greedy = ((logits.argmax(dim=-1) == target) | ~mask).all(dim=1)
            for b, i in enumerate(chunk):
                out[i] = LogLikelihood(float(ll[b]), bool(greedy[b]))
    return out


def loglikelihoods(model, requests, batch_size: int = 32, n_ctx: int | None = None) -> list:
    """``LogLikelihood(logprob, is_greedy)`` for each ``(context, continuation)`` in ``requests``.

    ``logprob`` = sum of ln p(continuation token | context and the continuation tokens before it),
    in nats; the context's own probability is not counted. ``is_greedy``: every continuation token
    is the argmax of the model's distribution at its position (greedy decoding would write it).
    Strings are encoded as UTF-8 bytes; token-id sequences are accepted too. An empty context
    becomes ``[EOT]``; a context that does not fit the model's window (``n_ctx``, default
    ``model.cfg.n_ctx``) with the continuation is cut from the left. Requests are scored
    ``batch_size`` at a time, longest first, right-padded, in one forward pass per batch.
    """
    positive_int("batch_size", batch_size)
    n_ctx = _window(model, n_ctx)
    pairs = []
    for i, req in enumerate(requests):
        if isinstance(req, (str, bytes)) or len(req) != 2:
            raise ValueError(f"request {i} must be a (context, continuation) pair; got {req!r:.80}")
        pairs.append((_tokens(req[0], f"request {i}'s context"), _tokens(req[1], f"request {i}'s continuation")))
    return _score(model, pairs, batch_size, n_ctx)


# ------------------------------------------------------------------------------------------------
# Multiple choice: acc and acc_norm
# ------------------------------------------------------------------------------------------------


def multiple_choice(model, questions, delimiter: str = " ", batch_size: int = 32, n_ctx: int | None = None) -> list:
    """Score many ``(context, choices)`` questions at once: an ``MCResult`` each.

    Each choice is scored as the continuation ``delimiter + choice`` of its question's context (the
    harness's ``target_delimiter``); ``pred`` is the argmax of the log-likelihoods, ``pred_norm`` the
    argmax of log-likelihood / ``len(choice)`` in characters (lm-evaluation-harness's ``acc_norm``).
    All choices of all questions go through the model together, ``batch_size`` requests a pass.
    """
    if not isinstance(delimiter, str):
        raise ValueError(f"delimiter must be a str; got {delimiter!r}")
    requests, spans = [], []
    for q, item in enumerate(questions):
        if isinstance(item, (str, bytes)) or len(item) != 2:
            raise ValueError(f"question {q} must be a (context, choices) pair; got {item!r:.80}")
        context, choices = item
        if isinstance(choices, str) or len(choices) < 1:
            raise ValueError(f"question {q}: choices must be a non-empty list of strings; got {choices!r:.80}")
        for c in choices:
            if not isinstance(c, str) or not c:
                raise ValueError(f"question {q}: every choice must be a non-empty str; got {c!r}")
        spans.append((len(requests), len(choices), tuple(float(len(c)) for c in choices)))
        requests += [(context, delimiter + c) for c in choices]
    lls = [r.logprob for r in loglikelihoods(model, requests, batch_size=batch_size, n_ctx=n_ctx)]
    out = []
    for start, n, lengths in spans:
        ll = lls[start : start + n]
        pred = max(range(n), key=lambda j: (ll[j], -j))  # the first maximum, as numpy's argmax
        pred_norm = max(range(n), key=lambda j: (ll[j] / lengths[j], -j))
        out.append(MCResult(tuple(ll), lengths, pred, pred_norm))
    return out


def score_multiple_choice(model, context, choices, delimiter: str = " ", n_ctx: int | None = None) -> MCResult:
    """One multiple-choice question: the log-likelihood of each ``delimiter + choice`` after
    ``context``, with the harness's two predictions (see ``multiple_choice``)."""
    return multiple_choice(model, [(context, choices)], delimiter=delimiter, n_ctx=n_ctx)[0]


def _gold(result: MCResult, gold) -> int:
    n = len(result.loglikelihoods)
    if not is_int(gold) or not 0 <= gold < n:
        raise ValueError(f"gold must be the index of the right choice, an int in [0, {n}); got {gold!r}")
    return gold


def acc(result: MCResult, gold: int) -> float:
    """lm-evaluation-harness's ``acc``: 1.0 if the choice with the highest log-likelihood is ``gold``."""
    return 1.0 if result.pred == _gold(result, gold) else 0.0


def acc_norm(result: MCResult, gold: int) -> float:
    """lm-evaluation-harness's ``acc_norm``: 1.0 if the highest log-likelihood per character is ``gold``."""
    return 1.0 if result.pred_norm == _gold(result, gold) else 0.0


def mc_metrics(results, golds) -> dict:
    """Mean ``acc`` and ``acc_norm`` over questions (the harness aggregates both by the mean)."""
    results, golds = list(results), list(golds)
    if len(results) != len(golds) or not results:
        raise ValueError(f"need one gold index per result, and at least one; got {len(results)} and {len(golds)}")
    return {
        "acc": sum(map(acc, results, golds)) / len(results),
        "acc_norm": sum(map(acc_norm, results, golds)) / len(results),
    }


# ------------------------------------------------------------------------------------------------
# Perplexity and bits per byte
# ------------------------------------------------------------------------------------------------


def rolling_loglikelihoods(
    model, texts, stride: int | None = None, batch_size: int = 32, n_ctx: int | None = None
) -> list:
    """Total log-likelihood (nats) of each text: every token given the tokens before it.

    A text is scored as a document: its first token is conditioned on ``EOT``. Texts longer than the
    window are scored in pieces: the first ``n_ctx`` tokens in one piece, then ``stride`` new tokens
    at a time (default ``n_ctx // 2``), each conditioned on the ``n_ctx - stride`` tokens before it,
    so every token is scored exactly once and (after the first window) with at least
    ``n_ctx - stride`` tokens of context. ``stride = n_ctx`` gives disjoint windows.
    ``texts``: a str (one text) or a list of them (or of token sequences).
    """
    n_ctx = _window(model, n_ctx)
    if stride is None:
        stride = max(1, n_ctx // 2)
    positive_int("stride", stride)
    if stride > n_ctx:
        raise ValueError(f"stride must be <= n_ctx={n_ctx}; got {stride}")
    single = isinstance(texts, (str, bytes))
    texts = [texts] if single else list(texts)
    pairs, owner = [], []
    for t, text in enumerate(texts):
        seq = [EOT] + _tokens(text, f"text {t}")
        if len(seq) == 1:
            raise ValueError(f"text {t} is empty; it has no tokens to score")
        a = 1
        while a < len(seq):
            b = min(len(seq), a + (n_ctx if a == 1 else stride))
            pairs.append((seq[max(0, b - 1 - n_ctx) : a], seq[a:b]))
            owner.append(t)
            a = b
    totals = [0.0] * len(texts)
    for t, r in zip(owner, _score(model, pairs, batch_size, n_ctx)):
        totals[t] += r.logprob
    return totals


def mean_loss(model, batches, autocast=None) -> float:
    """Mean next-token loss (nats per token) over ``(x, y)`` batches, every target counted once.

    The course's one definition of a held-out loss: ``heldout_loss`` feeds it every row of a token stream,
    the training engine a fixed sample of batches (``TrainConfig.eval_batches``). ``autocast`` is a context
    manager to run the forward under (the engine's mixed precision); the loss itself is computed in fp32.
    """
    device = _device(model)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        with torch.no_grad():
            for x, y in batches:
                with autocast() if autocast is not None else contextlib.nullcontext():
                    loss = model(x.to(device), y.to(device))[1]
                total += loss.item() * y.numel()
                count += y.numel()
    finally:
        model.train(was_training)
    if not count:
        raise ValueError("no batches to evaluate")
    return total / count


def heldout_loss(model, tokens, n_ctx: int, batch_size: int = 32, max_tokens: int | None = None) -> float:
    """Mean next-token loss over a held-out token stream cut into consecutive rows of ``n_ctx`` (``data.pack``).

    Deterministic: every target of the (first ``max_tokens``) tokens once, in order.
    """
    tokens = torch.as_tensor(tokens, dtype=torch.long)
    if max_tokens is not None:
        tokens = tokens[: positive_int("max_tokens", max_tokens) + 1]
    return mean_loss(model, eval_batches(tokens, batch_size, n_ctx))


def _bytes_of(texts) -> int:
    texts = [texts] if isinstance(texts, (str, bytes)) else list(texts)
    return sum(len(t.encode("utf-8")) if isinstance(t, str) else len(t) for t in texts)


def bits_per_byte(model, texts, stride: int | None = None, batch_size: int = 32, n_ctx: int | None = None) -> float:
    """-sum(log-likelihood) / sum(UTF-8 bytes) / ln 2 over ``texts`` (lm-evaluation-harness's
    ``bits_per_byte``). It is a property of the text, not of how a tokenizer cuts it, so models with
    different vocabularies compare on it; a per-token loss does not."""
    lls = rolling_loglikelihoods(model, texts, stride=stride, batch_size=batch_size, n_ctx=n_ctx)
    return -math.fsum(lls) / _bytes_of(texts) / math.log(2)


def perplexity(model, texts, stride: int | None = None, batch_size: int = 32, n_ctx: int | None = None) -> float:
    """exp(-sum(log-likelihood) / number of tokens). Per *token*: for the course's byte-level model a
    token is a byte, so this is 2 ** bits_per_byte; a model with longer tokens has a larger
    perplexity on the same text even when it predicts the text equally well."""
    lls = rolling_loglikelihoods(model, texts, stride=stride, batch_size=batch_size, n_ctx=n_ctx)
    texts = [texts] if isinstance(texts, (str, bytes)) else list(texts)
    n_tokens = sum(len(_tokens(t, "text")) for t in texts)
    return math.exp(-math.fsum(lls) / n_tokens)


# ------------------------------------------------------------------------------------------------
# Few-shot prompts (GPT-3, Sec. 2.4)
# ------------------------------------------------------------------------------------------------


def _field(item, name: str):
    value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
    if not isinstance(value, str):
        raise ValueError(f"an item needs a str {name!r} (a QAItem, a namedtuple or a dict); got {item!r:.80}")
    return value


def _item_seed(seed: int, question: str) -> int:
    digest = hashlib.sha256(f"{seed}\x00{question}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def few_shot_prompt(
    item,
    pool,
    k: int,
    seed: int = 0,
    *,
    template: str = "Q: {question}\nA:",
    target: str = " {answer}.",
    separator: str = "\n",
) -> str:
    """A GPT-3-style k-shot prompt (Brown et al. 2020, Sec. 2.4) for ``item``.

    ``k`` examples are drawn without replacement from ``pool`` (the training set's solved examples),
    rendered as ``template + target`` and joined by ``separator``, followed by the item's own
    ``template`` (its question, without the answer). Items and pool entries have ``question`` and
    ``answer`` fields (``corpus.QAItem``, any namedtuple, or a dict). The pool never contributes the
    item itself, nor any entry that asks the same question. The draw depends only on ``seed`` and
    the item's question (not on its position in a list), and is the same on every Python version.
    Score the answer as the continuation ``target.format(answer=...)``.
    """
    int_at_least("k", k, 0)
    check_seed(seed)
    question = _field(item, "question")
    candidates = [p for p in pool if _field(p, "question") != question]
    if k > len(candidates):
        raise ValueError(f"k={k} examples requested but the pool has only {len(candidates)} other than the item")
    rng = random.Random(_item_seed(seed, question))
    for i in range(k):  # a partial Fisher-Yates shuffle: the first k are a uniform sample
        j = i + uniform_int(rng, len(candidates) - i)
        candidates[i], candidates[j] = candidates[j], candidates[i]
    shots = [
        template.format(question=_field(p, "question")) + target.format(answer=_field(p, "answer"))
        for p in candidates[:k]
    ]
    return separator.join(shots + [template.format(question=question)])


# ------------------------------------------------------------------------------------------------
# Greedy decoding and memorisation (Pythia)
# ------------------------------------------------------------------------------------------------


def greedy_continuation(model, prompts, n: int, batch_size: int = 64, n_ctx: int | None = None) -> torch.Tensor:
    """The ``n`` tokens greedy decoding appends to each prompt: a LongTensor ``[len(prompts), n]`` on the CPU.

    ``prompts``: a 2-D integer tensor (one prompt a row) or a list of strings / token sequences,
    of any lengths (prompts of equal length are decoded together, ``batch_size`` at a time). When a
    prompt plus what has been written outgrows the window, the model sees the last ``n_ctx`` tokens.
    """
    positive_int("n", n)
    positive_int("batch_size", batch_size)
    n_ctx = _window(model, n_ctx)
    vocab = getattr(getattr(model, "cfg", None), "vocab_size", None)
    if isinstance(prompts, torch.Tensor):
        if prompts.dim() != 2:
            raise ValueError(f"a tensor of prompts must be 2-D [n_prompts, length]; got shape {tuple(prompts.shape)}")
        prompts = list(prompts)
    seqs = []
    for i, p in enumerate(prompts):
        seq = _tokens(p, f"prompt {i}")
        if not seq:
            raise ValueError(f"prompt {i} is empty: greedy decoding needs at least one token to start from")
        _check_vocab(seq, vocab, f"prompt {i}")
        seqs.append(seq)
    out = torch.zeros(len(seqs), n, dtype=torch.long)
    by_length = {}
    for i, s in enumerate(seqs):
        by_length.setdefault(len(s), []).append(i)
    device = _device(model)
    with _EvalMode(model):
        for length in sorted(by_length):
            idx = by_length[length]
            for start in range(0, len(idx), batch_size):
                chunk = idx[start : start + batch_size]
                x = torch.tensor([seqs[i] for i in chunk], dtype=torch.long, device=device)
                for _ in range(n):
                    nxt = _logits(model, x[:, -n_ctx:])[:, -1].argmax(dim=-1)
                    x = torch.cat([x, nxt[:, None]], dim=1)
                out[chunk] = x[:, length:].cpu()
    return out


def memorised(
    model, sequences, prompt_len: int = 32, cont_len: int = 32, batch_size: int = 64, n_ctx: int | None = None
) -> torch.Tensor:
    """Pythia's memorisation test, one bool per sequence: prompted with the first ``prompt_len``
    tokens, does greedy decoding write the next ``cont_len`` tokens exactly? Longer sequences use
    their first ``prompt_len + cont_len`` tokens; shorter ones are an error."""
    positive_int("prompt_len", prompt_len)
    positive_int("cont_len", cont_len)
    need = prompt_len + cont_len
    if isinstance(sequences, torch.Tensor):
        if sequences.dim() != 2:
            raise ValueError(f"a tensor of sequences must be 2-D; got shape {tuple(sequences.shape)}")
        sequences = list(sequences)
    seqs = [_tokens(s, f"sequence {i}") for i, s in enumerate(sequences)]
    if not seqs:
        raise ValueError("no sequences to test")
    for i, s in enumerate(seqs):
        if len(s) < need:
            raise ValueError(f"sequence {i} has {len(s)} tokens; the test needs prompt_len + cont_len = {need}")
    cont = greedy_continuation(model, [s[:prompt_len] for s in seqs], cont_len, batch_size=batch_size, n_ctx=n_ctx)
    truth = torch.tensor([s[prompt_len:need] for s in seqs], dtype=torch.long)
    return (cont == truth).all(dim=1)


def memorisation_rate(
    model, sequences, prompt_len: int = 32, cont_len: int = 32, batch_size: int = 64, n_ctx: int | None = None
) -> float:
    """The share of ``sequences`` that are memorised in Pythia's sense (see ``memorised``)."""
    return memorised(model, sequences, prompt_len, cont_len, batch_size, n_ctx).float().mean().item()


# ------------------------------------------------------------------------------------------------
# Contamination (GPT-3, App. C)
# ------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def _ngrams(text: str, n: int) -> set:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def ngram_contaminated(items, documents, n: int = 13, max_docs: int | None = None) -> list:
    """GPT-3's contamination test (Brown et al. 2020, App. C): one bool per benchmark item, True ("dirty")
    when the item shares a word ``n``-gram with some training document.

    Words are lower-cased runs of ASCII letters and digits; an n-gram lies inside one document (documents
    are not joined); an item shorter than ``n`` words has no n-gram and is clean. ``max_docs``: ignore the
    n-grams found in more than that many documents (GPT-3 ignored 13-grams frequent in its training data
    as common phrases; a leak copied that often is then missed too).
    """
    positive_int("n", n)
    if max_docs is not None:
        positive_int("max_docs", max_docs)
    item_grams = [_ngrams(t, n) for t in items]
    wanted = set().union(*item_grams) if item_grams else set()
    docs_with = Counter()
    for doc in documents:
        docs_with.update(_ngrams(doc, n) & wanted)
    limit = math.inf if max_docs is None else max_docs
    return [any(0 < docs_with[g] <= limit for g in grams) for grams in item_grams]


class ContaminationTask(NamedTuple):
    """A benchmark, a training set with planted leaks, and what the evaluator cannot see."""

    items: list  # the benchmark's items: "question? Answer: answer."
    documents: list  # the training documents
    dirty: list  # ground truth: did the item leak into the training documents (in any form)?
    correct: list  # did the model answer the item correctly?
    kind: list  # "clean", "fact" (clean, but its fact is stated in prose), "verbatim", "heavy", "paraphrase"


_STEMS = (
    "what is the",
    "name the",
    "which of the following is the",
    "according to the text what is the",
    "in the passage above which word best describes the",
    "read the passage below and then answer the question that follows about the",
    "choose the answer that best completes the sentence about the",
    "fill in the blank with the word that the author uses for the",
)
_GLUE = ("the", "of", "and", "a", "in", "is", "to", "was", "for", "on", "with", "by", "as", "that", "it")
#: The chance that the model answers an item right, by kind: a leaked item is recited, a clean item whose fact the
#: training prose states is answered more often than one the model never read about.
_P_CORRECT = {"clean": 0.3, "fact": 0.55, "verbatim": 0.95, "heavy": 1.0, "paraphrase": 0.75}


def _between(rng: random.Random, lo: int, hi: int) -> int:
    """A uniform integer from ``lo`` to ``hi``, both included."""
    return lo + uniform_int(rng, hi - lo + 1)


def _invented_vocab(rng: random.Random) -> list:
    """Invented words of 2 or 3 syllables, sorted, none of them a glue word, a stem word, "q" or "answer"."""
    cons, vows = "bdfgklmnprstvz", "aeiou"
    words = {"".join(pick(rng, cons) + pick(rng, vows) for _ in range(_between(rng, 2, 3))) for _ in range(6000)}
    return sorted(words - set(_GLUE) - {w for s in _STEMS for w in s.split()} - {"q", "answer"})


def _prose(rng: random.Random, vocab: list, n: int) -> list:
    """``n`` words: a glue word three times in ten, else an invented word."""
    return [pick(rng, _GLUE) if rng.random() < 0.3 else pick(rng, vocab) for _ in range(n)]


def _benchmark_items(rng: random.Random, vocab: list, n_items: int) -> tuple:
    """The items as ``(stem, content, answer)`` word lists, and as the questions a model is asked."""
    parts, items = [], []
    for _ in range(n_items):
        stem = pick(rng, _STEMS).split()
        content = [pick(rng, vocab) for _ in range(_between(rng, 2, 9))]
        answer = [pick(rng, vocab) for _ in range(_between(rng, 1, 2))]
        parts.append((stem, content, answer))
        items.append(" ".join(stem + content) + "? Answer: " + " ".join(answer) + ".")
    return parts, items


def _document_sentence(rng: random.Random, vocab: list) -> list:
    """A sentence of a training document: prose, one in seven quoting a stem (a quiz site, exam advice)."""
    if rng.random() < 0.15:
        return pick(rng, _STEMS).split() + _prose(rng, vocab, _between(rng, 3, 8))
    return _prose(rng, vocab, _between(rng, 6, 16))


def _contamination_kinds(rng: random.Random, n_items: int) -> list:
    """What happens to each item: a fifth leak (verbatim, heavy, paraphrase: 2:1:2), a fifth have their
    fact stated in prose ("fact"), the rest stay clean."""
    kind = ["clean"] * n_items
    order = shuffled(rng, range(n_items))
    n_dirty = n_items // 5
    for j, i in enumerate(order[:n_dirty]):
        kind[i] = ("verbatim", "verbatim", "heavy", "paraphrase", "paraphrase")[j % 5]
    for i in order[n_dirty : n_dirty + n_items // 5]:
        kind[i] = "fact"
    return kind


def _leaked_sentences(rng: random.Random, vocab: list, part: tuple, kind: str) -> list:
    """The sentences an item of this kind puts into the documents (none when it is clean)."""
    stem, content, answer = part
    if kind in ("verbatim", "heavy"):
        copies = _between(rng, 1, 3) if kind == "verbatim" else _between(rng, 12, 30)
        return [["q"] + stem + content + ["answer"] + answer for _ in range(copies)]
    if kind == "paraphrase":  # one word in seven replaced
        start = _between(rng, 0, 6)
        words = stem + content + ["answer"] + answer
        return [[pick(rng, vocab) if (p - start) % 7 == 0 else w for p, w in enumerate(words)]]
    if kind == "fact":  # "the <last content words> is <answer>" inside prose
        before = _prose(rng, vocab, _between(rng, 0, 4))
        fact = ["the"] + content[-_between(rng, 2, 3) :] + ["is"] + answer
        return [before + fact + _prose(rng, vocab, _between(rng, 0, 4))]
    return []


def _plant(rng: random.Random, docs: list, sentence: list) -> None:
    """Insert ``sentence`` at a random place in a random document."""
    d = uniform_int(rng, len(docs))
    docs[d].insert(_between(rng, 0, len(docs[d])), sentence)


def contamination_task(seed: int = 0, n_items: int = 1000, n_docs: int = 500) -> ContaminationTask:
    """A synthetic benchmark and training set with planted contamination and known ground truth.

    Items are a question stem (a few shared ones, some long), invented content words and an answer. The
    documents are prose in invented words, some quoting the stems (quiz sites, exam advice). One item in five
    leaked into the documents, in one of three ways: verbatim (1 to 3 copies, reformatted), heavily (12 to 30
    copies: a quiz mirrored across many pages) or paraphrased (one word in seven replaced). One clean item in
    four has its fact stated in a prose sentence (a few words shared with the item, not the item). ``correct``
    simulates the model: leaked items are mostly right, clean ones less often (``_P_CORRECT``). Deterministic:
    only ``random.Random(seed).random()`` is used.
    """
    check_seed(seed)
    positive_int("n_items", n_items)
    positive_int("n_docs", n_docs)
    rng = random.Random(seed)  # every draw below comes from it, in this order
    vocab = _invented_vocab(rng)
    parts, items = _benchmark_items(rng, vocab, n_items)
    docs = [[_document_sentence(rng, vocab) for _ in range(_between(rng, 4, 12))] for _ in range(n_docs)]
    kind = _contamination_kinds(rng, n_items)
    for part, k in zip(parts, kind):
        for sentence in _leaked_sentences(rng, vocab, part, k):
            _plant(rng, docs, sentence)
    correct = [rng.random() < _P_CORRECT[k] for k in kind]
    documents = [" ".join(" ".join(s).capitalize() + "." for s in sentences) for sentences in docs]
    return ContaminationTask(items, documents, [k not in ("clean", "fact") for k in kind], correct, kind)


def _ramp(x: float, zero: float, full: float) -> float:
    """0 at ``zero``, 1 at ``full``, linear between, clipped (either direction)."""
    return min(1.0, max(0.0, (x - zero) / (full - zero)))


def decontamination_score(flags, task: ContaminationTask, tolerance=(0.015, 0.06), keep=(0.6, 0.9)) -> dict:
    """How well a decontamination rule's verdicts (``flags``: one bool per item, True = dirty, removed) recover
    the clean score on ``task``.

    ``true_clean_acc``: the accuracy on the items that truly did not leak; ``clean_acc``: the accuracy on the
    items the rule calls clean; ``kept``: the share of the truly clean items the rule calls clean. ``score`` in
    [0, 1] is ``A * K``: A = 1 when |clean_acc - true_clean_acc| <= tolerance[0], 0 when >= tolerance[1], linear
    between; K = 1 when kept >= keep[1], 0 when <= keep[0], linear between. No item called clean scores 0.
    """
    flags = list(flags)
    if (
        len(flags) != len(task.items)
        or not all(isinstance(f, (bool, int, float)) or type(f).__name__ == "bool_" for f in flags)
        or not all(f == 0 or f == 1 for f in flags)
    ):
        raise ValueError(f"need one bool per item ({len(task.items)}); got {len(flags)} values: {flags[:5]!r:.80}")
    flags = [bool(f) for f in flags]
    truly_clean = [c for c, d in zip(task.correct, task.dirty) if not d]
    true_acc = sum(truly_clean) / len(truly_clean)
    called_clean = [c for c, f in zip(task.correct, flags) if not f]
    kept = sum(1 for f, d in zip(flags, task.dirty) if not f and not d) / len(truly_clean)
    if not called_clean:
        return dict(true_clean_acc=true_acc, clean_acc=math.nan, error=math.nan, kept=0.0, score=0.0)
    clean_acc = sum(called_clean) / len(called_clean)
    error = abs(clean_acc - true_acc)
    score = _ramp(error, tolerance[1], tolerance[0]) * _ramp(kept, keep[0], keep[1])
    return dict(true_clean_acc=true_acc, clean_acc=clean_acc, error=error, kept=kept, score=score)
