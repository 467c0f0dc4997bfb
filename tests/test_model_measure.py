import math

import pytest
import torch

from minirepro.measure import (
    attention_flops_per_token,
    flops_per_token,
    matmul_params,
    measure_matmul_flops,
    measure_training_throughput,
    model_flops_per_token,
)
from minirepro.model import GPT, GPTConfig, swiglu_hidden


def test_forward_shapes_and_initial_loss_near_uniform():
    torch.manual_seed(0)
    cfg = GPTConfig(n_layer=2, n_head=2, d_model=32, n_ctx=16)
    model = GPT(cfg)
    x = torch.randint(cfg.vocab_size, (3, 16))
    y = torch.randint(cfg.vocab_size, (3, 16))
    logits, loss = model(x, y)
    assert logits.shape == (3, 16, 256)
    assert abs(loss.item() - math.log(256)) < 0.1  # a fresh model is close to uniform over bytes


def test_param_count_matches_the_architecture():
    cfg = GPTConfig(n_layer=3, n_head=4, d_model=64, n_ctx=32, vocab_size=100)
    d = cfg.d_model
    expected = cfg.n_layer * (12 * d * d + 13 * d) + 2 * d + cfg.vocab_size * d + cfg.n_ctx * d
    assert GPT(cfg).num_params() == expected
    assert GPT(cfg).num_params(non_embedding=True) == expected - cfg.vocab_size * d - cfg.n_ctx * d


def test_bad_config_and_too_long_input_are_clear_errors():
    with pytest.raises(ValueError, match="divisible"):
        GPTConfig(d_model=130, n_head=4)
    with pytest.raises(ValueError, match="positive int"):
        GPTConfig(n_layer=0)
    model = GPT(GPTConfig(n_layer=1, n_head=1, d_model=8, n_ctx=4))
    with pytest.raises(ValueError, match="exceeds"):
        model(torch.zeros(1, 5, dtype=torch.long))


def _counted_by_torch(cfg: GPTConfig) -> float:
    """FLOPs per token of one forward+backward step as torch counts them, with plain (math) attention."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    model = GPT(cfg)
    x = torch.randint(cfg.vocab_size, (2, cfg.n_ctx + 1))
    counter = FlopCounterMode(display=False)
    with sdpa_kernel(SDPBackend.MATH), counter:
        _, loss = model(x[:, :-1], x[:, 1:])
        loss.backward()
    return counter.get_total_flops() / (2 * cfg.n_ctx)


def test_flops_per_token_matches_torchs_own_count():
    """6N + 12 L T d is what a forward+backward step executes, counted by torch with plain attention."""
    cfg = GPTConfig(n_layer=2, n_head=2, d_model=32, n_ctx=16, bias=False)
    counted = _counted_by_torch(cfg)
    n_matmul = cfg.n_layer * 12 * cfg.d_model**2 + cfg.vocab_size * cfg.d_model
    assert counted == flops_per_token(n_matmul, cfg.n_layer, cfg.n_ctx, cfg.d_model)


def test_measure_training_throughput_reports_consistent_numbers():
    cfg = GPTConfig(n_layer=1, n_head=2, d_model=32, n_ctx=16)
    t = measure_training_throughput(cfg, batch_size=2, steps=1, warmup=1)
    assert t.tokens_per_s > 0 and t.step_seconds > 0
    assert math.isclose(t.achieved_flops, t.tokens_per_s * t.flops_per_token)
    assert t.n_params == GPT(cfg).num_params(non_embedding=True) + cfg.vocab_size * cfg.d_model
    with pytest.raises(ValueError):
        measure_training_throughput(cfg, steps=0)
    assert measure_matmul_flops(n=64, repeats=2) > 0


@pytest.mark.parametrize("precision", ["auto", "bf16", "fp16"])
def test_measure_runs_in_the_engines_precisions_and_has_no_mfu_on_a_cpu(precision):
    cfg = GPTConfig(n_layer=1, n_head=2, d_model=32, n_ctx=16)
    t = measure_training_throughput(cfg, batch_size=2, steps=1, warmup=1, precision=precision)
    assert t.precision == ("fp32" if precision == "auto" else precision) and t.tokens_per_s > 0
    assert t.peak_flops is None and t.mfu is None  # no datasheet peak for a CPU
    assert t.mfu_text().startswith("unknown: cpu has no datasheet peak")


# --- FLOPs with the architecture switches (module 06), against hand counts --------------------------------

ARCH = dict(n_layer=4, n_head=4, d_model=48, n_ctx=32, vocab_size=100, bias=False)


def _hand_n(cfg: GPTConfig) -> int:
    """N of 6N by hand: per layer the q/k/v and output projections, the MLP and the LayerNorm gains; then ln_f
    and the output layer (counted tied or not). bias=False."""
    d, h = cfg.d_model, cfg.hidden_width()
    kv = cfg.kv_heads * cfg.d_head
    mlp = 3 * d * h if cfg.swiglu else 2 * d * h
    norms = (1 if cfg.parallel_block else 2) * d
    return cfg.n_layer * (d * (d + 2 * kv) + d * d + mlp + norms) + d + cfg.vocab_size * d


@pytest.mark.parametrize(
    "kw",
    [{}, dict(swiglu=True), dict(n_kv_head=1), dict(n_kv_head=2), dict(parallel_block=True), dict(rope=True)]
    + [dict(swiglu=True, n_kv_head=1, parallel_block=True, rope=True, tie_embeddings=False)],
)
def test_matmul_params_is_the_real_count_for_every_switch(kw):
    cfg = GPTConfig(**ARCH, **kw)
    assert matmul_params(cfg) == _hand_n(cfg)
    T, d, L = cfg.n_ctx, cfg.d_model, cfg.n_layer
    assert model_flops_per_token(cfg) == 6 * _hand_n(cfg) + 12 * L * T * d  # MQA: every query head still scores


def test_default_flops_are_the_palm_formula():
    cfg = GPTConfig()
    n = GPT(cfg).num_params(non_embedding=True) + cfg.vocab_size * cfg.d_model
    assert model_flops_per_token(cfg) == flops_per_token(n, cfg.n_layer, cfg.n_ctx, cfg.d_model)
    assert model_flops_per_token(cfg, 64) == flops_per_token(n, cfg.n_layer, 64, cfg.d_model)


def test_banded_layers_count_their_band_not_the_context():
    cfg = GPTConfig(**ARCH, attn_band=8)  # layers 1 and 3 banded
    d = cfg.d_model
    assert attention_flops_per_token(cfg) == 12 * d * (32 + 8 + 32 + 8)
    assert attention_flops_per_token(cfg, 4) == 12 * d * 4 * 4  # a band wider than the sequence is the sequence
    assert model_flops_per_token(cfg) == 6 * _hand_n(cfg) + 12 * d * 80
    one_layer = GPTConfig(**{**ARCH, "n_layer": 1}, attn_band=8)  # layer 0 is dense
    assert attention_flops_per_token(one_layer) == 12 * d * 32
    # GPT-3 175B's shape: half the layers at a band of 256 of 2048 save 7/16 of attention's term
    gpt3 = GPTConfig(n_layer=96, n_head=96, d_model=12288, n_ctx=2048, attn_band=256)
    dense = GPTConfig(n_layer=96, n_head=96, d_model=12288, n_ctx=2048)
    assert attention_flops_per_token(gpt3) / attention_flops_per_token(dense) == pytest.approx(1 - 7 / 16)


def test_switched_flops_match_torchs_own_count():
    """SwiGLU, grouped-query attention and the parallel block: 6N + 12 L T d is what a step executes."""
    cfg = GPTConfig(
        n_layer=2, n_head=4, d_model=48, n_ctx=16, swiglu=True, n_kv_head=2, parallel_block=True, bias=False
    )
    counted = _counted_by_torch(cfg)
    d = cfg.d_model
    weights = cfg.n_layer * (d * (d + 2 * 2 * 12) + d * d + 3 * d * swiglu_hidden(d)) + cfg.vocab_size * d
    assert counted == 6 * weights + 12 * cfg.n_layer * cfg.n_ctx * d
