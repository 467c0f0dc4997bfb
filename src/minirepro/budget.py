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

import numpy as np

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


def check_width(d_model, n_heads=None, d_head=None) -> None:
    """Raise ``ValueError`` unless ``d_model`` is the width ``n_heads`` heads of ``d_head`` make.

    The count below has Q, K, V and the output projection as square ``d_model x d_model`` matrices: that is
    only true when the heads together are exactly ``d_model`` wide, ``d_model == n_heads * d_head``. Either may
    be ``None`` (not checked); with ``n_heads`` alone, ``d_model`` must split into that many equal heads.
    """
    if n_heads is None and d_head is None:
        return
    if d_head is None:
        if d_model % n_heads == 0:
            return
        why = f"{d_model} / {n_heads} = {d_model / n_heads:g} is not a whole head width"
    elif n_heads is None:
        if d_model % d_head == 0:
            return
        why = f"{d_model} / {d_head} = {d_model / d_head:g} is not a whole number of heads"
    elif n_heads * d_head == d_model:
        return
    else:
        why = f"{n_heads} x {d_head} = {n_heads * d_head}"
    message = (
        f"d_model = {d_model} must equal n_heads x d_head ({why}): the count takes the attention's Q, K, V and "
        "output projections as d_model x d_model matrices, which they are only when the heads span d_model"
    )
    exact = {"13B": facts.GPT3_13B_PARAMS_EXACT}  # App. D, Table D.1
    for s in facts.GPT3_SIZES:  # the published row this shape comes from, if any
        if s.d_model_printed == d_model and (n_heads, d_head) in (
            (s.n_heads, s.d_head),
            (s.n_heads, None),
            (None, s.d_head),
        ):
            message += f". Table 2.1 prints {d_model} for GPT-3 {s.name}, but {s.n_heads} x {s.d_head} = {s.d_model}"
            if s.name in exact:
                fits, printed = (param_count(s.n_layer, d) / exact[s.name] - 1 for d in (s.d_model, d_model))
                message += (
                    f", and {s.d_model} reproduces Table D.1's {exact[s.name] / 1e6:,.0f}M parameters "
                    f"({fits:+.2%}; {d_model} gives {printed:+.1%})"
                )
            message += f": facts.GPT3_SIZES uses d_model = {s.d_model} and keeps {d_model} as d_model_printed"
    raise ValueError(message)


def param_breakdown(
    n_layer, d_model, n_ctx=facts.GPT3_N_CTX, vocab=facts.GPT3_VOCAB, *, n_heads=None, d_head=None
) -> dict:
    """Parameters of a GPT-2/GPT-3 style decoder by component (Brown et al. 2020, §2.1; Radford et al. 2019).

    Tied output embedding, d_ff = 4 d_model, biases on every linear layer, two LayerNorms per block
    and a final one. Give ``n_heads`` and ``d_head`` to have the shape checked first (:func:`check_width`):
    a ``d_model`` that is not ``n_heads * d_head`` is refused with the reason.
    """
    check_width(d_model, n_heads, d_head)
    d = d_model
    return {
        "attention weights": n_layer * 4 * d * d,
        "MLP weights": n_layer * 8 * d * d,
        "biases + LayerNorms": n_layer * 13 * d + 2 * d,
        "token embedding": vocab * d,
        "position embedding": n_ctx * d,
    }


def param_count(n_layer, d_model, n_ctx=facts.GPT3_N_CTX, vocab=facts.GPT3_VOCAB, *, n_heads=None, d_head=None):
    """All parameters of that decoder, counted once where tied (reproduces GPT-3's Table 2.1).

    ``n_heads`` and ``d_head``, when given, are checked against ``d_model`` first (:func:`check_width`):
    ``param_count(40, 5140, n_heads=40, d_head=128)``, GPT-3 13B as Table 2.1 prints it, is refused.
    """
    return sum(param_breakdown(n_layer, d_model, n_ctx, vocab, n_heads=n_heads, d_head=d_head).values())


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
    """Training-state bytes per GPU under ZeRO stage 0 (plain data parallel) to 3.

    Rajbhandari et al. 2020, Figure 1.
    """
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
    """16-bit activations of ``n_layer`` layers, no recomputation, no tensor parallelism.

    Korthikanti et al. 2022, Eq. 1.
    """
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


def daly_interval(ckpt_cost, mtbf, higher_order=False):
    """Daly's (2006) checkpoint interval: by default the first-order form sqrt(2 delta M) - delta.

    Daly ("A higher order estimate of the optimum checkpoint interval for restart dumps", 2006) minimises
    the expected run time of a model in which failures (exponential, mean M) may also strike while a
    checkpoint is written, and solves it as a perturbation series in delta / (2M)::

        tau = sqrt(2 delta M) * [1 + (1/3) sqrt(delta / 2M) + (1/9) (delta / 2M)] - delta   for delta < 2M
        tau = M                                                                          for delta >= 2M

    ``higher_order=True`` returns that estimate. The default keeps only the leading 1 in the brackets,
    sqrt(2 delta M) - delta: the form usually quoted, fine for delta much smaller than M. The dropped
    (1/3) term is exactly delta / 3 (sqrt(2 delta M) sqrt(delta / 2M) = delta), so the higher-order
    interval is longer by about delta / 3.
    """
    first = (2 * ckpt_cost * mtbf) ** 0.5 - ckpt_cost
    if not higher_order:
        return first
    ratio = np.asarray(ckpt_cost / (2 * np.asarray(mtbf, float)), float)
    tau = (2 * ckpt_cost * mtbf) ** 0.5 * (1 + np.sqrt(ratio) / 3 + ratio / 9) - ckpt_cost
    tau = np.where(ratio < 1, tau, np.broadcast_to(mtbf, np.shape(tau)))
    return float(tau) if tau.ndim == 0 else tau


def goodput(interval, ckpt_cost, mtbf, restart_cost):
    """Fraction of wall-clock time that advances training, in the course's first-order model.

    A checkpoint costs ``ckpt_cost`` every ``interval``; each failure (one per ``mtbf``) loses half an
    interval of work on average plus ``restart_cost``. All in the same unit of time.
    """
    return 1 - ckpt_cost / interval - (interval / 2 + restart_cost) / mtbf
