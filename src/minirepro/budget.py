"""Compute budgeting: parameters, FLOPs, memory, time, money, failures and checkpoints.

The calculators lecture 01 uses as black boxes, each citing the paper its formula comes from:

    from minirepro import budget, facts
    budget.param_count(96, 12288)                         # GPT-3 175B from its shape (Table 2.1)
    budget.train_flops(facts.GPT3_175B_PARAMS_EXACT, 300e9)  # 3.14e23 FLOPs (App. D)
    budget.zero_bytes_per_gpu(7.5e9, 64, stage=3)         # ZeRO, Figure 1
    budget.goodput(budget.young_interval(0.1, 3.0), 0.1, 3.0, 0.25)

Module 01's lab asks students to write these themselves; while a lab is graded they are switched off
for the answers (:mod:`minirepro.grading.forbid`, listed in the solution's metadata), so a one-line
wrapper earns nothing. Every function accepts numpy arrays where a plot needs it. The Chinchilla split of
a budget is :func:`minirepro.scaling.compute_optimal`.
"""

from __future__ import annotations

from . import facts

#: Mixed-precision Adam: fp16 weights and gradients (2 + 2) and fp32 master weights, momentum and
#: variance (4 + 4 + 4) per parameter (Rajbhandari et al. 2020, ZeRO, §3.1, where the 12 is K).
BYTES_PER_PARAM = 16
#: Per parameter, what no number of GPUs removes under each ZeRO stage (ZeRO, Figure 1).
_REPLICATED = {0: 16, 1: 4, 2: 2, 3: 0}
SECONDS_PER_DAY = 86_400


# --------------------------------------------------------------------------------------------
# Parameters and FLOPs
# --------------------------------------------------------------------------------------------


def param_breakdown(n_layer, d_model, n_ctx=facts.GPT3_N_CTX, vocab=facts.GPT3_VOCAB) -> dict:
    """Parameters of a GPT-2/GPT-3 style decoder by component (Brown et al. 2020, §2.1; Radford et al. 2019).

    Tied output embedding, d_ff = 4 d_model, biases on every linear layer, two LayerNorms per block
    and a final one.
    """
    d = d_model
    return {
        "attention weights": n_layer * 4 * d * d,
        "MLP weights": n_layer * 8 * d * d,
        "biases + LayerNorms": n_layer * 13 * d + 2 * d,
        "token embedding": vocab * d,
        "position embedding": n_ctx * d,
    }


def param_count(n_layer, d_model, n_ctx=facts.GPT3_N_CTX, vocab=facts.GPT3_VOCAB):
    """All parameters of that decoder, counted once where tied (reproduces GPT-3's Table 2.1)."""
    return sum(param_breakdown(n_layer, d_model, n_ctx, vocab).values())


def train_flops(n_params, n_tokens):
    """Training FLOPs, forward and backward, weight matmuls only: 6 N D (Kaplan et al. 2020, §2.1)."""
    return 6 * n_params * n_tokens


def pf_days(flops):
    """FLOPs in petaflop/s-days, 1e15 FLOP/s for a day (Brown et al. 2020, App. D)."""
    return flops / facts.PF_DAY_FLOPS


# --------------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------------


def training_state_bytes(n_params):
    """Bytes of mixed-precision Adam training state (ZeRO, §3.1)."""
    return BYTES_PER_PARAM * n_params


def zero_bytes_per_gpu(n_params, n_gpus, stage):
    """Training-state bytes per GPU under ZeRO stage 0 (plain data parallel) to 3 (Rajbhandari et al. 2020, Figure 1)."""
    if stage not in _REPLICATED:
        raise ValueError(f"ZeRO stage must be 0, 1, 2 or 3; got {stage!r}")
    kept = _REPLICATED[stage] * n_params
    return kept + (BYTES_PER_PARAM * n_params - kept) / n_gpus


def min_gpus(n_params, gpu_bytes=80e9, stage=3) -> int:
    """Fewest GPUs of ``gpu_bytes`` each that hold the training state (activations and buffers ignored)."""
    kept = _REPLICATED[stage] * n_params
    if kept >= gpu_bytes:
        raise ValueError(f"stage {stage} keeps {kept / 1e9:.0f} GB on every GPU: no number of GPUs fits it")
    g = max(1, -(-(BYTES_PER_PARAM * n_params - kept) // (gpu_bytes - kept)))
    g = int(g)
    while zero_bytes_per_gpu(n_params, g, stage) > gpu_bytes:  # rounding at the boundary
        g += 1
    return g


def activation_bytes(seq_len, micro_batch, d_model, n_heads, n_layer=1):
    """16-bit activations of ``n_layer`` layers, no recomputation, no tensor parallelism (Korthikanti et al. 2022, Eq. 1)."""
    s, b, h, a = seq_len, micro_batch, d_model, n_heads
    return n_layer * s * b * h * (34 + 5 * a * s / h)


# --------------------------------------------------------------------------------------------
# Time and money
# --------------------------------------------------------------------------------------------


def gpu_days(flops, peak_flops, mfu):
    """GPU-days to do ``flops`` on GPUs of ``peak_flops`` each at model FLOPs utilisation ``mfu``."""
    return flops / (peak_flops * mfu) / SECONDS_PER_DAY


def training_cost(flops, peak_flops, mfu, usd_per_gpu_hour):
    """Dollars for the same run at a price per GPU-hour."""
    return gpu_days(flops, peak_flops, mfu) * 24 * usd_per_gpu_hour


def mfu(tokens_per_s, flops_per_token, peak_flops):
    """Model FLOPs utilisation: achieved model FLOP/s over peak FLOP/s (Chowdhery et al. 2022, PaLM, App. B)."""
    return tokens_per_s * flops_per_token / peak_flops


# --------------------------------------------------------------------------------------------
# Failures and checkpoints
# --------------------------------------------------------------------------------------------


def interruption_rate(interruptions, n_gpus, days):
    """Interruptions per GPU-hour, assuming each GPU fails independently at a constant rate."""
    return interruptions / (n_gpus * days * 24)


def expected_interruptions(n_gpus, days, rate):
    """Expected interruptions of a job on ``n_gpus`` for ``days`` at ``rate`` per GPU-hour."""
    return rate * n_gpus * days * 24


def young_interval(ckpt_cost, mtbf):
    """Young's (1974) checkpoint interval sqrt(2 delta M), in the units of the inputs."""
    return (2 * ckpt_cost * mtbf) ** 0.5


def daly_interval(ckpt_cost, mtbf):
    """Daly's (2006) first-order refinement sqrt(2 delta M) - delta, for delta much smaller than M."""
    return (2 * ckpt_cost * mtbf) ** 0.5 - ckpt_cost


def goodput(interval, ckpt_cost, mtbf, restart_cost):
    """Fraction of wall-clock time that advances training, in the course's first-order model.

    A checkpoint costs ``ckpt_cost`` every ``interval``; each failure (one per ``mtbf``) loses half an
    interval of work on average plus ``restart_cost``. All in the same unit of time.
    """
    return 1 - ckpt_cost / interval - (interval / 2 + restart_cost) / mtbf
