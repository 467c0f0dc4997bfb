"""minirepro.budget reproduces the published figures lecture 01 prints next to it."""

import math

import numpy as np
import pytest

from minirepro import budget, facts


def test_param_count_reproduces_table_2_1_and_an_exact_small_case():
    for s in facts.GPT3_SIZES:
        assert abs(budget.param_count(s.n_layer, s.d_model) / s.params - 1) < 0.02, s.name
    # 1 layer, d = 2, vocab 3, context 4: 12 d^2 + 13 d per block, embeddings, final LayerNorm
    assert budget.param_count(1, 2, n_ctx=4, vocab=3) == 12 * 4 + 13 * 2 + 3 * 2 + 4 * 2 + 2 * 2


def test_param_count_refuses_a_d_model_the_heads_do_not_span():
    # GPT-3 13B: Table 2.1 prints d_model 5140 with 40 heads of 128 (= 5120). 5120 reproduces Table D.1's
    # 12,850M parameters within 0.03%; 5140 is 0.8% over, and the counter refuses it when told the heads.
    n_5120 = budget.param_count(40, 5120, n_heads=40, d_head=128)
    assert abs(n_5120 / facts.GPT3_13B_PARAMS_EXACT - 1) < 0.0005
    assert budget.param_count(40, 5140) / facts.GPT3_13B_PARAMS_EXACT - 1 > 0.007  # without heads: counted, as before
    for heads in ({"n_heads": 40, "d_head": 128}, {"n_heads": 40}, {"d_head": 128}):
        with pytest.raises(ValueError) as err:
            budget.param_count(40, 5140, **heads)
        message = str(err.value)
        assert "must equal n_heads x d_head" in message
        assert "Table 2.1 prints 5140 for GPT-3 13B, but 40 x 128 = 5120" in message and "12,850M" in message
    with pytest.raises(ValueError, match="must equal n_heads x d_head"):
        budget.param_breakdown(2, 64, n_heads=3, d_head=16)
    # every row of facts.GPT3_SIZES passes with its heads, except XL as printed (24 x 128 = 3072, d_model 2048)
    for s in facts.GPT3_SIZES:
        if s.name == "XL":
            with pytest.raises(ValueError, match="24 x 128 = 3072"):
                budget.param_count(s.n_layer, s.d_model, n_heads=s.n_heads, d_head=s.d_head)
        else:
            assert budget.param_count(s.n_layer, s.d_model, n_heads=s.n_heads, d_head=s.d_head) == budget.param_count(
                s.n_layer, s.d_model
            )


def test_param_count_matches_the_course_model():
    import torch

    from minirepro.model import GPT, GPTConfig

    with torch.device("meta"):
        model = GPT(GPTConfig(n_layer=2, n_head=2, d_model=64, n_ctx=32, vocab_size=100))
    assert model.num_params() == budget.param_count(2, 64, n_ctx=32, vocab=100)


def test_flops_and_pf_days_reproduce_app_d():
    flops = budget.train_flops(facts.GPT3_175B_PARAMS_EXACT, facts.GPT3_TOKENS)
    assert math.isclose(flops, facts.GPT3_175B_TRAIN_FLOPS, rel_tol=0.005)
    assert math.isclose(budget.pf_days(flops), facts.GPT3_175B_PF_DAYS, rel_tol=0.005)


def test_zero_reproduces_figure_1_and_min_gpus_rounds_up():
    for stage, gb in {0: 120, 1: 31.4, 2: 16.6, 3: 1.875}.items():
        assert math.isclose(budget.zero_bytes_per_gpu(7.5e9, 64, stage) / 1e9, gb, rel_tol=0.01)
    assert budget.training_state_bytes(1e9) == 16e9
    assert budget.min_gpus(facts.GPT3_175B_PARAMS_EXACT) == 35
    assert budget.min_gpus(10e9, 80e9, 2) == 3
    with pytest.raises(ValueError):
        budget.min_gpus(facts.GPT3_175B_PARAMS_EXACT, 80e9, 1)
    with pytest.raises(ValueError):
        budget.zero_bytes_per_gpu(1e9, 8, 4)
    per_gpu = budget.zero_bytes_per_gpu(1e9, np.array([1, 2, 4]), 3)  # arrays, for plots
    assert np.allclose(per_gpu, [16e9, 8e9, 4e9])


def test_activations_time_money_and_mfu():
    got = budget.activation_bytes(2048, 1, 12288, 96, 96)
    assert math.isclose(got, 96 * 2048 * 12288 * (34 + 5 * 96 * 2048 / 12288))
    assert math.isclose(budget.gpu_days(86400 * 1e14, 1e14, 0.5), 2.0)
    assert math.isclose(budget.training_cost(86400 * 1e14, 1e14, 1.0, 3.0), 72.0)
    assert math.isclose(budget.mfu(1000, 6e9, 1.2e13), 0.5)


def test_failures_and_checkpoints():
    rate = budget.interruption_rate(facts.LLAMA3_UNEXPECTED_INTERRUPTIONS, facts.LLAMA3_GPUS, facts.LLAMA3_DAYS)
    assert math.isclose(budget.expected_interruptions(facts.LLAMA3_GPUS, facts.LLAMA3_DAYS, rate), 419)
    assert math.isclose(budget.young_interval(0.08, 100.0), 4.0)
    assert math.isclose(budget.daly_interval(0.08, 100.0), 3.92)
    # Daly 2006's higher-order estimate reproduces the intervals his Figs. 3-5 quote for delta = 5 min:
    # M = 24 h -> 117 min, M = 6 h -> 57 min, M = 15 min -> 9.1 min; for delta >= 2M it is M itself.
    for mtbf_min, published, digits in ((24 * 60, 117, 0), (6 * 60, 57, 0), (15, 9.1, 1)):  # as printed, rounded
        assert round(budget.daly_interval(5.0, mtbf_min, higher_order=True), digits) == published, mtbf_min
    assert budget.daly_interval(5.0, 2.5, higher_order=True) == 2.5
    # its dropped (1/3) term is delta / 3: the higher-order interval is the first-order one + about delta / 3
    gap = budget.daly_interval(0.08, 100.0, higher_order=True) - budget.daly_interval(0.08, 100.0)
    assert math.isclose(gap, 0.08 / 3, rel_tol=0.01)
    tau = budget.daly_interval(np.array([0.08, 5.0]), np.array([100.0, 2.0]), higher_order=True)
    assert tau.shape == (2,) and math.isclose(tau[0], 0.08 / 3 + 3.92, rel_tol=1e-3) and tau[1] == 2.0
    taus = np.linspace(0.05, 20, 40_000)
    best = taus[np.argmax(budget.goodput(taus, 0.1, 20.0, 0.0))]
    assert math.isclose(best, budget.young_interval(0.1, 20.0), rel_tol=1e-3)
