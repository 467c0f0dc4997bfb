import math

import pytest
import torch

from minirepro.measure import flops_per_token, measure_matmul_flops, measure_training_throughput
from minirepro.model import GPT, GPTConfig


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


def test_flops_per_token_matches_torchs_own_count():
    """6N + 12 L T d is what a forward+backward step executes, counted by torch with plain attention."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    cfg = GPTConfig(n_layer=2, n_head=2, d_model=32, n_ctx=16, bias=False)
    model = GPT(cfg)
    x = torch.randint(cfg.vocab_size, (2, cfg.n_ctx + 1))
    counter = FlopCounterMode(display=False)
    with sdpa_kernel(SDPBackend.MATH), counter:
        _, loss = model(x[:, :-1], x[:, 1:])
        loss.backward()
    counted = counter.get_total_flops() / (2 * cfg.n_ctx)
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
