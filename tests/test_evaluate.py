"""Evaluation: log-likelihood scoring, acc / acc_norm, bits per byte, few-shot prompts, memorisation."""

import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

from minirepro import evaluate as ev
from minirepro.corpus import QAItem
from minirepro.data import EOT
from minirepro.model import GPT, GPTConfig


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models: one thread is faster, and far steadier when another process shares the CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class TableModel(torch.nn.Module):
    """A bigram model whose probabilities we know: the logits at a position depend only on its token."""

    def __init__(self, table: torch.Tensor, n_ctx: int = 16):
        super().__init__()
        self.register_buffer("table", table.float())
        self.cfg = SimpleNamespace(n_ctx=n_ctx, vocab_size=table.shape[0])
        self.limit, self.calls = n_ctx, []

    def forward(self, idx, targets=None):
        assert idx.shape[1] <= self.limit, "the scorer fed more than n_ctx tokens"
        self.calls.append(tuple(idx.shape))
        return self.table[idx], None

    def logp(self, prev: int, nxt: int) -> float:
        return F.log_softmax(self.table[prev], dim=-1)[nxt].item()


def random_table(seed=0, vocab=256):
    return torch.randn(vocab, vocab, generator=torch.Generator().manual_seed(seed)) * 2


def uniform_model(n_ctx=16):
    return TableModel(torch.zeros(256, 256), n_ctx)


def chain_model(sequence, n_ctx=64):
    """Built to continue ``sequence``: after byte s[i] it puts almost all its mass on s[i + 1]."""
    table = torch.zeros(256, 256)
    for a, b in zip(sequence, sequence[1:]):
        table[a, b] = 20.0
    return TableModel(table, n_ctx)


@pytest.fixture(scope="module")
def gpt():
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_layer=2, n_head=2, d_model=32, n_ctx=24))
    with torch.no_grad():  # sharpen the random model so that its choices are not near-ties
        model.lm_head.weight.mul_(20)
    return model


def slow_loglikelihood(model, context: str, continuation: str) -> tuple[float, bool]:
    """Reference: one forward pass per continuation token, no batching, no padding. As in
    lm-evaluation-harness, the model sees one window: the last n_ctx + 1 tokens of context and
    continuation, less the last one (a long context loses its beginning)."""
    ctx = list(context.encode()) or [EOT]
    cont = list(continuation.encode())
    seq = ctx + cont
    first = max(0, len(seq) - model.cfg.n_ctx - 1)
    total, greedy = 0.0, True
    model.eval()
    with torch.no_grad():
        for j in range(len(ctx), len(seq)):
            window = seq[first:j]
            logits = model(torch.tensor([window]))[0][0, -1]
            total += F.log_softmax(logits.float(), dim=-1)[seq[j]].item()
            greedy &= int(logits.argmax()) == seq[j]
    return total, greedy


REQUESTS = [
    ("Q: What is the capital of Krorkar?\nA:", " Gentend."),
    ("", "Empty context: EOT."),
    ("short", " x"),
    ("a context much longer than the window, which must be cut from the left to fit", " and scored."),
    ("The town of", " Rulson"),
    ("é, ü and 漢 are several bytes each:", " 字"),
    ("x", "y"),
]


def test_batched_loglikelihood_matches_a_slow_per_token_reference(gpt):
    fast = ev.loglikelihoods(gpt, REQUESTS, batch_size=3)  # several batches, each padded
    for (ctx, cont), got in zip(REQUESTS, fast):
        want, want_greedy = slow_loglikelihood(gpt, ctx, cont)
        assert got.logprob == pytest.approx(want, abs=1e-4), (ctx, cont)
        assert got.is_greedy == want_greedy
    one_batch = ev.loglikelihoods(gpt, REQUESTS, batch_size=64)
    assert [r.logprob for r in one_batch] == pytest.approx([r.logprob for r in fast], abs=1e-4)


def test_loglikelihood_against_known_probabilities():
    model = TableModel(random_table(1), n_ctx=8)
    (r,) = ev.loglikelihoods(model, [("ab", "cde")])
    want = model.logp(ord("b"), ord("c")) + model.logp(ord("c"), ord("d")) + model.logp(ord("d"), ord("e"))
    assert r.logprob == pytest.approx(want, abs=1e-5)
    (empty,) = ev.loglikelihoods(model, [("", "c")])  # an empty context is the end-of-text byte
    assert empty.logprob == pytest.approx(model.logp(EOT, ord("c")), abs=1e-5)
    # the context only conditions: changing all but its last byte changes nothing for a bigram model
    (other,) = ev.loglikelihoods(model, [("zzzzzzzzzzzzzzzzzzzzb", "cde")])
    assert other.logprob == pytest.approx(want, abs=1e-5)
    assert all(shape[1] <= 8 for shape in model.calls)


def test_context_is_cut_from_the_left_to_the_window(gpt):
    n = gpt.cfg.n_ctx
    context, continuation = "0123456789" * 5, " abc"
    (long,) = ev.loglikelihoods(gpt, [(context, continuation)])
    keep = n + 1 - len(continuation)  # what fits: n_ctx inputs predict the last n_ctx tokens
    (cut,) = ev.loglikelihoods(gpt, [(context[-keep:], continuation)])
    assert long.logprob == pytest.approx(cut.logprob, abs=1e-5)
    (cut_more,) = ev.loglikelihoods(gpt, [(context[-keep + 1 :], continuation)])
    assert cut_more.logprob != pytest.approx(long.logprob, abs=1e-5)


def test_is_greedy_is_true_for_the_models_own_continuation(gpt):
    prompt = "Q: Who discovered"
    cont = ev.greedy_continuation(gpt, [prompt], 6)[0].tolist()
    (r,) = ev.loglikelihoods(gpt, [(prompt, cont)])
    assert r.is_greedy
    wrong = cont[:-1] + [(cont[-1] + 1) % 256]
    (r2,) = ev.loglikelihoods(gpt, [(prompt, wrong)])
    assert not r2.is_greedy and r2.logprob < r.logprob


def test_scoring_is_deterministic_and_restores_training_mode(gpt):
    gpt.train()
    a = ev.loglikelihoods(gpt, REQUESTS, batch_size=2)
    assert gpt.training
    b = ev.loglikelihoods(gpt, REQUESTS, batch_size=2)
    assert a == b


def test_acc_and_acc_norm_differ_where_length_decides():
    # Under a uniform model every byte costs ln 256: the raw log-likelihood prefers the shortest
    # choice, the per-character one the longest (the delimiter is scored but not counted).
    model = uniform_model()
    choices = ["ab", "abcdefgh", "abcd"]
    r = ev.score_multiple_choice(model, "Pick one:", choices)
    assert r.loglikelihoods == pytest.approx([-(len(c) + 1) * math.log(256) for c in choices])
    assert r.lengths == (2.0, 8.0, 4.0)
    assert (r.pred, r.pred_norm) == (0, 1)
    assert (ev.acc(r, 1), ev.acc_norm(r, 1)) == (0.0, 1.0)
    assert (ev.acc(r, 0), ev.acc_norm(r, 0)) == (1.0, 0.0)


def test_acc_norm_counts_characters_not_bytes():
    model = uniform_model()
    r = ev.score_multiple_choice(model, "x", ["ééé", "abcd"])  # 3 characters (6 bytes) vs 4 characters
    assert r.lengths == (3.0, 4.0)
    assert r.loglikelihoods[0] == pytest.approx(-7 * math.log(256))  # " " + 6 bytes
    assert r.pred_norm == 1  # -7 ln256 / 3 < -5 ln256 / 4


def test_multiple_choice_ties_go_to_the_first_choice_and_metrics_average():
    model = uniform_model()
    results = ev.multiple_choice(model, [("q", ["aa", "bb"]), ("q", ["cc", "d"]), ("q", ["e", "ff"])])
    assert [r.pred for r in results] == [0, 1, 0]
    assert [r.pred_norm for r in results] == [0, 0, 1]
    assert ev.mc_metrics(results, [0, 1, 0]) == {"acc": 1.0, "acc_norm": pytest.approx(1 / 3)}


def test_multiple_choice_batched_equals_one_at_a_time(gpt):
    qs = [
        ("Q: What is the capital of Krorkar?\nA:", ["Gentend.", "Krimfim.", "Thesshas."]),
        ("The chemical symbol of luskonium is", ["Lu.", "Lk.", "Ls.", "Xy."]),
    ]
    together = ev.multiple_choice(gpt, qs, batch_size=2)
    for (ctx, choices), r in zip(qs, together):
        alone = ev.score_multiple_choice(gpt, ctx, choices)
        assert r.loglikelihoods == pytest.approx(alone.loglikelihoods, abs=1e-4)
        assert (r.pred, r.pred_norm) == (alone.pred, alone.pred_norm)


def test_bits_per_byte_and_perplexity_of_a_uniform_model():
    model = uniform_model(n_ctx=8)
    text = "A text longer than the window, with é (two bytes)."
    assert ev.bits_per_byte(model, text) == pytest.approx(8.0)
    assert ev.perplexity(model, [text, "short"]) == pytest.approx(256.0)


@pytest.mark.parametrize("stride", [None, 1, 3, 8])
def test_rolling_loglikelihood_scores_every_byte_once(stride):
    model = TableModel(random_table(2), n_ctx=8)
    text = "Rolling windows must cover every byte exactly once."
    seq = [EOT] + list(text.encode())
    want = sum(model.logp(a, b) for a, b in zip(seq, seq[1:]))
    (got,) = ev.rolling_loglikelihoods(model, [text], stride=stride)
    assert got == pytest.approx(want, abs=1e-4)
    assert ev.bits_per_byte(model, text, stride=stride) == pytest.approx(-want / len(text.encode()) / math.log(2))


def test_rolling_loglikelihood_of_a_short_text_is_its_loglikelihood_after_eot(gpt):
    text = "Luskonium is grey."
    (rolled,) = ev.rolling_loglikelihoods(gpt, [text])
    (direct,) = ev.loglikelihoods(gpt, [("", text)])
    assert rolled == pytest.approx(direct.logprob, abs=1e-5)


def test_rolling_windows_give_at_least_the_promised_context(gpt):
    text = "abcdefghij" * 8
    n = gpt.cfg.n_ctx
    stride = 6
    (got,) = ev.rolling_loglikelihoods(gpt, [text], stride=stride)
    seq = [EOT] + list(text.encode())
    want = 0.0
    with torch.no_grad():
        a = 1
        while a < len(seq):
            b = min(len(seq), a + (n if a == 1 else stride))
            for j in range(a, b):
                window = seq[max(0, b - 1 - n) : j]
                want += F.log_softmax(gpt(torch.tensor([window]))[0][0, -1], -1)[seq[j]].item()
            a = b
    assert got == pytest.approx(want, abs=1e-3)


POOL = [QAItem(f"What is the population of Town{i}?", f"{1000 + i:,}", f"place:{i}", "population") for i in range(40)]


@pytest.mark.parametrize("k", [0, 1, 5, 39])
def test_few_shot_prompt_never_contains_the_item(k):
    for item in POOL[:10]:
        prompt = ev.few_shot_prompt(item, POOL, k, seed=3)
        assert prompt.count("Q: ") == k + 1
        assert prompt.endswith(f"Q: {item.question}\nA:")
        assert prompt.count(item.question) == 1, "the item's own question appears among the examples"
        assert f" {item.answer}." not in prompt, "the item's answer leaked into its prompt"
        lines = prompt.split("\n")
        assert len(lines) == 2 * k + 2  # examples separated by one newline each
        for line in lines[1:-1:2]:
            assert line.startswith("A: ") and line.endswith(".")


def test_few_shot_prompt_excludes_duplicates_of_the_question_and_is_deterministic():
    item = POOL[0]
    dupes = [QAItem(item.question, "999", "place:x", "population")] * 5
    pool = dupes + POOL[1:4]
    prompt = ev.few_shot_prompt(item, pool, 3, seed=0)
    assert "999" not in prompt and prompt.count(item.question) == 1
    with pytest.raises(ValueError, match="only 3"):
        ev.few_shot_prompt(item, pool, 4, seed=0)
    assert ev.few_shot_prompt(item, POOL, 5, seed=1) == ev.few_shot_prompt(item, POOL, 5, seed=1)
    prompts = {ev.few_shot_prompt(item, POOL, 5, seed=s) for s in range(5)}
    assert len(prompts) > 1, "the seed does not change the examples drawn"
    # the draw depends on the item, not on where it sits in a list: other items get other examples
    assert len({ev.few_shot_prompt(it, POOL, 5, seed=1).split("\nQ: " + it.question)[0] for it in POOL[:5]}) > 1
    as_dicts = [dict(question=p.question, answer=p.answer) for p in POOL]
    assert ev.few_shot_prompt(as_dicts[0], as_dicts, 5, seed=1) == ev.few_shot_prompt(POOL[0], POOL, 5, seed=1)


def test_few_shot_prompt_uses_the_templates():
    item = dict(question="The weather was dry.", answer="travel")
    pool = [dict(question="Weighed a sample.", answer="lab")]
    prompt = ev.few_shot_prompt(
        item, pool, 1, template="Text: {question}\nGenre:", target=" {answer}", separator="\n\n"
    )
    assert prompt == "Text: Weighed a sample.\nGenre: lab\n\nText: The weather was dry.\nGenre:"


def test_greedy_continuation_batched_equals_one_at_a_time(gpt):
    prompts = ["The town of", "Q: What", "Q: Who", "x" * 40]  # two share a length; one outgrows the window
    together = ev.greedy_continuation(gpt, prompts, 8, batch_size=2)
    assert together.shape == (4, 8) and together.dtype == torch.long
    for p, row in zip(prompts, together):
        seq = list(p.encode())
        with torch.no_grad():
            for _ in range(8):
                seq.append(int(gpt(torch.tensor([seq[-gpt.cfg.n_ctx :]]))[0][0, -1].argmax()))
        assert row.tolist() == seq[len(p.encode()) :]


def test_memorisation_of_a_sequence_the_model_was_built_to_continue():
    seq = list(range(1, 65))  # 64 distinct bytes: a chain model continues it exactly
    model = chain_model(seq)
    assert ev.memorisation_rate(model, [seq]) == 1.0
    other = list(range(100, 164))
    flags = ev.memorised(model, torch.tensor([seq, other, seq[:40] + other[:24]]))
    assert flags.tolist() == [True, False, False]
    assert ev.memorisation_rate(model, [seq, other]) == 0.5
    # one wrong token in the 32-token continuation is enough to fail Pythia's exact-match test
    assert not ev.memorised(model, [seq[:63] + [200]])[0]
    # a 16-token prompt and continuation: the test uses only the first 32 tokens
    assert ev.memorisation_rate(model, [seq[:32] + [200] * 8], prompt_len=16, cont_len=16) == 1.0


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m: ev.loglikelihoods(m, [("ctx", "")]), "empty"),
        (lambda m: ev.loglikelihoods(m, [("ctx", "y" * 17)]), "more than the model's context"),
        (lambda m: ev.loglikelihoods(m, ["just a string"]), "pair"),
        (lambda m: ev.loglikelihoods(m, [("a", "b")], batch_size=0), "batch_size"),
        (lambda m: ev.loglikelihoods(m, [("a", [300])]), "outside"),
        (lambda m: ev.loglikelihoods(m, [("a", 3.5)]), "str, bytes"),
        (lambda m: ev.score_multiple_choice(m, "q", []), "non-empty"),
        (lambda m: ev.score_multiple_choice(m, "q", ["a", ""]), "non-empty str"),
        (lambda m: ev.acc(ev.score_multiple_choice(m, "q", ["a", "b"]), 2), "gold"),
        (lambda m: ev.mc_metrics([], []), "at least one"),
        (lambda m: ev.rolling_loglikelihoods(m, [""]), "empty"),
        (lambda m: ev.rolling_loglikelihoods(m, ["abc"], stride=17), "stride"),
        (lambda m: ev.memorised(m, ["too short"]), "needs prompt_len"),
        (lambda m: ev.greedy_continuation(m, [""], 4), "empty"),
        (lambda m: ev.greedy_continuation(m, ["a"], 0), "n must"),
        (lambda m: ev.few_shot_prompt(POOL[0], POOL, -1), "k must"),
        (lambda m: ev.few_shot_prompt(("q", "a"), POOL, 1), "question"),
    ],
)
def test_bad_input_is_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call(uniform_model())


def test_a_model_without_a_context_length_needs_n_ctx():
    model = uniform_model()
    del model.cfg
    with pytest.raises(ValueError, match="n_ctx"):
        ev.loglikelihoods(model, [("a", "b")])
    model.limit = 4
    assert ev.loglikelihoods(model, [("a", "b")], n_ctx=4)[0].logprob == pytest.approx(-math.log(256))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_scoring_on_cuda_matches_cpu(gpt):
    cpu = ev.loglikelihoods(gpt, REQUESTS)
    model = GPT(gpt.cfg)
    model.load_state_dict(gpt.state_dict())
    model = model.cuda()
    gpu = ev.loglikelihoods(model, REQUESTS)
    assert [r.logprob for r in gpu] == pytest.approx([r.logprob for r in cpu], abs=1e-3)
    assert ev.greedy_continuation(model, ["The town of"], 5).device.type == "cpu"


# ------------------------------------------------------------------------------------------------
# Contamination: GPT-3's n-gram test, and the benchmark with planted leaks (lab 05, question 6)
# ------------------------------------------------------------------------------------------------


def test_ngram_contaminated_follows_gpt3_rule():
    w = [f"t{i}" for i in range(30)]
    docs = [" ".join(w[:15]), " ".join(w[15:])]
    items = [" ".join(w[2:15]).upper() + "!", " ".join(w[10:23]), " ".join(w[:12]), "x y"]
    assert ev.ngram_contaminated(items, docs) == [True, False, False, False]  # case and punctuation aside; no crossing
    assert ev.ngram_contaminated([" ".join(w[5:15] + ["zz"] * 5)], docs, n=8) == [True]
    assert ev.ngram_contaminated([" ".join(w[2:15])], docs * 11, max_docs=10) == [False]  # frequent: ignored
    assert ev.ngram_contaminated([" ".join(w[2:15])], docs * 10, max_docs=10) == [True]
    assert ev.ngram_contaminated([], docs) == []


def test_contamination_task_is_deterministic_and_has_its_planted_kinds():
    a, b = ev.contamination_task(3), ev.contamination_task(3)
    assert a == b
    assert a != ev.contamination_task(4)
    assert len(a.items) == len(a.dirty) == len(a.correct) == len(a.kind) == 1000 and len(a.documents) == 500
    counts = {k: a.kind.count(k) for k in set(a.kind)}
    assert counts == {"clean": 600, "fact": 200, "verbatim": 80, "heavy": 40, "paraphrase": 80}
    assert all(d == (k in ("verbatim", "heavy", "paraphrase")) for d, k in zip(a.dirty, a.kind))
    # a verbatim leak shares its 13-grams (when it has one) with the documents; a clean item never shares its own words
    flags = ev.ngram_contaminated(a.items, a.documents, n=13)
    long_verbatim = [f for f, k, t in zip(flags, a.kind, a.items) if k == "verbatim" and len(t.split()) >= 14]
    assert long_verbatim and all(long_verbatim)


def test_contamination_task_bytes_are_pinned():
    """The hidden grading pairs are regenerated on the grader's Python: the generator must not drift
    (datasets/contamination_task.md holds the checksum)."""
    import hashlib
    import re
    from pathlib import Path

    card = (Path(__file__).resolve().parents[1] / "datasets" / "contamination_task.md").read_text()
    want = re.search(r"SHA-256 \(seed 0\): `([0-9a-f]{64})`", card)[1]
    task = ev.contamination_task(0)
    digest = hashlib.sha256("\x00".join(task.items + task.documents + [str(task.correct)]).encode()).hexdigest()
    assert digest == want, "contamination_task changed: update datasets/contamination_task.md only if on purpose"


def test_decontamination_score_rewards_the_clean_score_recovered():
    task = ev.contamination_task(1)
    truth = ev.decontamination_score(list(task.dirty), task)
    assert truth["error"] == 0 and truth["kept"] == 1 and truth["score"] == 1
    nothing = ev.decontamination_score([False] * len(task.items), task)
    assert nothing["clean_acc"] > nothing["true_clean_acc"] + 0.06 and nothing["score"] == 0
    assert ev.decontamination_score([True] * len(task.items), task)["score"] == 0
    gpt3 = ev.decontamination_score(ev.ngram_contaminated(task.items, task.documents), task)
    assert gpt3["score"] < 0.5  # the 13-gram rule misses short and paraphrased leaks, and flags quoted stems
    with pytest.raises(ValueError, match="one bool per item"):
        ev.decontamination_score([True], task)


def test_heldout_loss_is_the_mean_over_every_target():
    T = 16
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_layer=1, n_head=1, d_model=8, n_ctx=T))
    val = torch.randint(256, (1000,))
    loss = ev.heldout_loss(model, val, T, batch_size=7)
    rows = (len(val) - 1) // T
    x = torch.stack([val[i * T : (i + 1) * T] for i in range(rows)])
    y = torch.stack([val[i * T + 1 : (i + 1) * T + 1] for i in range(rows)])
    with torch.no_grad():
        expected = model(x, y)[1].item()
    assert loss == pytest.approx(expected, rel=1e-5)
    assert model.training  # left as it was found
    first = ev.heldout_loss(model, val, T, batch_size=7, max_tokens=3 * T)
    with torch.no_grad():
        assert first == pytest.approx(model(x[:3], y[:3])[1].item(), rel=1e-5)
    with pytest.raises(ValueError, match="cannot fill one row"):
        ev.heldout_loss(model, val[:T], T)


def test_mean_loss_weights_every_target_once_and_leaves_no_graph():
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_layer=1, n_head=1, d_model=8, n_ctx=8))
    big = (torch.randint(256, (3, 8)), torch.randint(256, (3, 8)))
    small = (torch.randint(256, (1, 8)), torch.randint(256, (1, 8)))
    with torch.no_grad():
        expected = (model(*big)[1].item() * 24 + model(*small)[1].item() * 8) / 32
    assert ev.mean_loss(model, [big, small]) == pytest.approx(expected, rel=1e-6)
    assert all(p.grad is None for p in model.parameters())
