"""IsoFLOP sweeps with the mini-run engine: plan them, run them, keep the table.

An IsoFLOP sweep (Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", §3.2)
fixes a few compute budgets C and, for each one, trains several model sizes N, each on exactly the
number of tokens D its budget pays for. Plotting final loss against N for one budget gives a "U":
too small a model wastes the budget on data it cannot learn from, too large a model sees too little
data. Where the minimum lies, and how it moves as C grows, is the compute-optimal allocation.

    from minirepro import scaling
    plan = scaling.isoflop_plan([1e10, 3e10], shapes, batch_size=16, n_ctx=64)
    rows = scaling.run_sweep(plan, tokens, val_tokens, lr=3e-3)
    scaling.save_results("sweep.json", rows)

The second half of the module *fits* the measurements, as lecture 04 does: Chinchilla's Approach 2
(``isoflop_parabola`` per budget, then ``power_law`` through the minima) and Approach 3 (``fit_law``:
L(N, D) = E + A/N^alpha + B/D^beta, Huber loss on log loss, L-BFGS-B from a grid of starts), and the
compute-optimal split a fitted law implies (``allocation_exponents``, ``compute_optimal``). Lab 04 asks
students to write these themselves; while it is graded they are switched off (its solution's
``minirepro.forbidden`` list).

What N and C mean here
----------------------
- **N** is the number of **non-embedding parameters**: ``GPT.num_params(non_embedding=True)``, every
  weight except the token and position tables (with tied embeddings, the output layer is the token
  table, so it is left out too). Kaplan et al. 2020 count parameters this way and write training
  compute as C ≈ 6ND with that N. With a 256-byte vocabulary and models of a few thousand
  parameters, the embedding tables are a large share of all parameters, yet a lookup costs no
  FLOPs, so counting them would blur the relation between N and compute. Rows also carry
  ``n_params_total`` so a notebook can show how much the choice matters.
- **FLOPs per token** are ``measure.model_flops_per_token(cfg)`` (``measure.matmul_params``: N + vocab * d_model):
  6 FLOPs per token for each weight that multiplies every token (the non-embedding weights plus the
  output layer, a ``vocab x d_model`` product even when tied) and 12 * n_layer * n_ctx * d_model
  for attention's score and value products (PaLM, Chowdhery et al. 2022, App. B). It is the same
  count the engine's MFU uses. At this size the output layer and attention are far from negligible
  next to 6N, so C = D * flops_per_token is the compute a run really spends, not 6ND.
- **D** is the number of training tokens: ``steps * batch_size * n_ctx``, where ``steps`` is
  ``C / flops_per_token / (batch_size * n_ctx)`` rounded to the nearest whole step. The compute a
  run spends, ``flops = D * flops_per_token``, is therefore within half a step of its budget.

Every run uses a learning-rate schedule whose length is its own number of steps (warmup, then
cosine decay to ``min_lr_ratio`` of the peak at the last step), as Chinchilla did;
``schedule_steps`` lets a run stop part-way through a longer schedule instead, as Kaplan et al.'s
runs did.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .checks import int_at_least, positive_int, positive_number
from .evaluate import heldout_loss
from .measure import model_flops_per_token
from .model import GPT, GPTConfig

FORMAT = "minirepro.scaling/1"

#: The fields every result row has (``save_results`` and ``load_results`` check them).
ROW_FIELDS = (
    "budget",
    "flops",
    "n_params",
    "n_params_total",
    "flops_per_token",
    "tokens",
    "steps",
    "batch_size",
    "n_ctx",
    "n_layer",
    "n_head",
    "d_model",
    "lr",
    "seed",
    "loss",
    "train_loss",
    "epochs",
    "wall_s",
)


@dataclass(frozen=True)
class PlannedRun:
    """One run of an IsoFLOP sweep: a model shape and the tokens its budget pays for."""

    budget: float  # C, the nominal compute budget in FLOPs
    model: GPTConfig
    n_params: int  # N: non-embedding parameters
    n_params_total: int  # every parameter, embeddings included (tied ones counted once)
    flops_per_token: float  # training FLOPs per token (see the module docstring)
    steps: int
    batch_size: int
    n_ctx: int

    @property
    def tokens(self) -> int:
        """D: the tokens the run trains on, ``steps * batch_size * n_ctx``."""
        return self.steps * self.batch_size * self.n_ctx

    @property
    def flops(self) -> float:
        """The compute the run spends: ``tokens * flops_per_token`` (within half a step of the budget)."""
        return self.tokens * self.flops_per_token


def count_params(model: GPTConfig) -> tuple[int, int]:
    """``(non-embedding, total)`` parameters of a GPT with this config, without allocating it.

    The model is built on PyTorch's ``meta`` device: no memory, and the random generator is not touched.
    """
    with torch.device("meta"):
        gpt = GPT(model)
    return gpt.num_params(non_embedding=True), gpt.num_params()


def run_flops_per_token(model: GPTConfig) -> float:
    """Training FLOPs per token of a model (6 x matmul weights + attention; see the module docstring)."""
    return model_flops_per_token(model)


def _as_config(shape, n_ctx: int) -> GPTConfig:
    if isinstance(shape, GPTConfig):
        shape = asdict(shape)
    if not isinstance(shape, dict):
        raise TypeError(f"a shape is a GPTConfig or a dict of its fields; got {type(shape).__name__}")
    return GPTConfig(**{**shape, "n_ctx": n_ctx})


def isoflop_plan(budgets, shapes, batch_size: int, n_ctx: int, min_steps: int = 1) -> list[PlannedRun]:
    """Every (budget, shape) run of an IsoFLOP sweep, in order of budget, then of N.

    ``budgets``: compute budgets C in FLOPs. ``shapes``: model shapes (``GPTConfig`` or dicts of
    its fields, e.g. ``dict(n_layer=2, n_head=2, d_model=32)``), the same for every budget, or a
    dict ``{budget: shapes}`` to give each budget its own sizes (Chinchilla centred each IsoFLOP
    curve on its minimum). Every model gets context ``n_ctx``, and every batch is ``batch_size``
    sequences of ``n_ctx`` tokens.

    Each run trains for ``steps = round(C / flops_per_token / (batch_size * n_ctx))`` steps.
    A run that would take fewer than ``min_steps`` steps is an error that names it: its budget is
    too small for that model (drop the model from that budget or raise the budget).
    """
    for name, value in (("batch_size", batch_size), ("n_ctx", n_ctx), ("min_steps", min_steps)):
        positive_int(name, value)
    budgets = list(budgets)
    if not budgets:
        raise ValueError("budgets is empty: give at least one compute budget in FLOPs")
    for c in budgets:
        positive_number("a budget", c, "a positive number of FLOPs")
    if len(set(budgets)) != len(budgets):
        raise ValueError(f"budgets repeat: {budgets}")
    if isinstance(shapes, dict):
        missing = [c for c in budgets if c not in shapes]
        if missing:
            raise ValueError(f"shapes is a dict by budget but has no shapes for budgets {missing}")
        per_budget = {c: list(shapes[c]) for c in budgets}
    else:
        shapes = list(shapes)
        per_budget = {c: shapes for c in budgets}
    tokens_per_step = batch_size * n_ctx
    plan, too_short = [], []
    for c in sorted(budgets):
        if not per_budget[c]:
            raise ValueError(f"no model shapes for budget {c:.3g} FLOPs")
        runs = []
        for shape in per_budget[c]:
            cfg = _as_config(shape, n_ctx)
            n, n_total = count_params(cfg)
            fpt = run_flops_per_token(cfg)
            steps = round(c / fpt / tokens_per_step)
            if steps < min_steps:
                too_short.append(
                    f"budget {c:.3g} FLOPs, model n_layer={cfg.n_layer} d_model={cfg.d_model} (N={n:,}): "
                    f"{c / fpt / tokens_per_step:.2f} steps of {tokens_per_step} tokens at {fpt:.3g} FLOPs/token"
                )
                continue
            runs.append(PlannedRun(float(c), cfg, n, n_total, fpt, steps, batch_size, n_ctx))
        ns = [r.n_params for r in runs]
        if len(set(ns)) != len(ns):
            raise ValueError(f"two shapes of budget {c:.3g} have the same N; an IsoFLOP curve needs distinct sizes")
        plan += sorted(runs, key=lambda r: r.n_params)
    if too_short:
        raise ValueError(
            f"budget too small for {len(too_short)} run(s) to take min_steps={min_steps} step(s):\n  "
            + "\n  ".join(too_short)
        )
    return plan


def run_sweep(
    plan,
    tokens,
    val_tokens,
    *,
    lr=3e-3,
    warmup_frac: float = 0.1,
    min_lr_ratio: float = 0.1,
    weight_decay: float = 0.1,
    grad_clip: float | None = 1.0,
    schedule_steps: int | None = None,
    seed: int = 0,
    device: str = "auto",
    precision: str = "fp32",
    eval_tokens: int | None = 65_536,
    progress: bool = True,
    **train_kwargs,
) -> list[dict]:
    """Train every run of ``plan`` and return one result row (a dict, see ``ROW_FIELDS``) per run.

    Every run starts from the same seed (initialisation ``seed``, data order ``seed``), uses peak
    learning rate ``lr`` (a number, or a function of the run's ``GPTConfig`` that returns one: GPT-3
    lowered the learning rate as models grew, Brown et al. 2020, Table 2.1), a linear warmup over
    ``warmup_frac`` of its steps (at least one) and a cosine decay to ``min_lr_ratio * lr`` at its
    last step. With ``schedule_steps``, the schedule
    spans ``max(schedule_steps, steps)`` steps and the run stops after its own ``steps``: the
    learning rate is then not fully decayed when it stops (Kaplan et al.'s setting, not Chinchilla's).
    ``device`` and ``precision`` are the engine's (``"auto"``: a GPU if there is one). Other keyword
    arguments go to ``TrainConfig`` unchanged.

    ``loss`` is the validation loss after training (``evaluate.heldout_loss`` over the first
    ``eval_tokens`` tokens of ``val_tokens``, the same tokens for every run); ``train_loss`` the mean
    training loss of the last 10% of steps; ``epochs`` how many times over ``tokens`` the run's D
    would go (above 1, data repeats); ``wall_s`` the seconds the run took (the only field that
    varies between two identical sweeps).
    """
    from .progress import tqdm
    from .train import train

    plan = _check_sweep(plan, warmup_frac, schedule_steps)
    lr_of = lr if callable(lr) else (lambda model: lr)
    tokens = torch.as_tensor(tokens, dtype=torch.long)
    val_tokens = torch.as_tensor(val_tokens, dtype=torch.long)
    longest = max(p.n_ctx for p in plan)
    if val_tokens.dim() != 1 or val_tokens.numel() < longest + 1:
        raise ValueError(f"val_tokens must be a 1-D tensor of at least n_ctx + 1 = {longest + 1} tokens")
    schedule = dict(warmup_frac=warmup_frac, min_lr_ratio=min_lr_ratio, schedule_steps=schedule_steps)
    engine = dict(weight_decay=weight_decay, grad_clip=grad_clip, precision=precision, device=device, seed=seed)
    rows = []
    bar = tqdm(plan, desc="IsoFLOP sweep", disable=not progress)
    for p in bar:
        bar.set_postfix(C=f"{p.budget:.2g}", N=f"{p.n_params:,}", steps=p.steps)
        peak_lr = positive_number("the learning rate", float(lr_of(p.model)), f"a positive number (for {p.model})")
        t0 = time.perf_counter()
        run = train(_run_config(p, peak_lr, **schedule, **engine, **train_kwargs), tokens, until=p.steps)
        loss = heldout_loss(run.model, val_tokens, p.n_ctx, max_tokens=eval_tokens)
        rows.append(_result_row(p, run, peak_lr, seed, loss, len(tokens), time.perf_counter() - t0))
        bar.set_postfix(C=f"{p.budget:.2g}", N=f"{p.n_params:,}", loss=f"{loss:.3f}")
    return rows


def _check_sweep(plan, warmup_frac, schedule_steps) -> list:
    plan = list(plan)
    if not plan:
        raise ValueError("the plan is empty: make one with isoflop_plan")
    if not all(isinstance(p, PlannedRun) for p in plan):
        raise TypeError("plan must be a list of PlannedRun, as isoflop_plan returns")
    if not 0 <= warmup_frac < 1:
        raise ValueError(f"warmup_frac must be in [0, 1); got {warmup_frac!r}")
    if schedule_steps is not None:
        int_at_least("schedule_steps", schedule_steps, 1, "a positive int or None")
    return plan


def _run_config(p: PlannedRun, peak_lr: float, *, warmup_frac, min_lr_ratio, schedule_steps, seed, **engine):
    """The engine's configuration of one planned run: its schedule spans ``max(schedule_steps, steps)``."""
    from .train import TrainConfig

    total_steps = max(schedule_steps or p.steps, p.steps)
    return TrainConfig(
        model=p.model,
        steps=total_steps,
        batch_size=p.batch_size,
        seq_len=p.n_ctx,
        lr=peak_lr,
        min_lr_ratio=min_lr_ratio,
        warmup_steps=max(1, round(warmup_frac * total_steps)),
        seed=seed,
        data_seed=seed,
        eval_every=0,
        probe_every=0,
        progress=False,
        **engine,
    )


def _result_row(p: PlannedRun, run, peak_lr: float, seed: int, loss: float, n_tokens: int, wall: float) -> dict:
    """One row of ``ROW_FIELDS``: the plan's numbers, the run's losses and its wall time."""
    kept = run.log.losses
    tail = kept[-max(1, len(kept) // 10) :]
    return {
        "budget": p.budget,
        "flops": p.flops,
        "n_params": p.n_params,
        "n_params_total": p.n_params_total,
        "flops_per_token": p.flops_per_token,
        "tokens": p.tokens,
        "steps": p.steps,
        "batch_size": p.batch_size,
        "n_ctx": p.n_ctx,
        "n_layer": p.model.n_layer,
        "n_head": p.model.n_head,
        "d_model": p.model.d_model,
        "lr": peak_lr,
        "seed": seed,
        "loss": loss,
        "train_loss": sum(tail) / len(tail),
        "epochs": p.tokens / n_tokens,
        "wall_s": wall,
    }


def save_results(path, rows, meta: dict | None = None) -> Path:
    """Write result rows (and optional ``meta``, e.g. how the sweep was made) to a JSON file."""
    rows = [dict(r) for r in rows]
    _check_rows(rows, "save_results")
    path = Path(path)
    payload = {"format": FORMAT, "meta": dict(meta or {}), "runs": rows}
    path.write_text(json.dumps(payload, indent=1, allow_nan=True) + "\n")
    return path


def load_results(path, with_meta: bool = False):
    """The rows ``save_results`` wrote (and, with ``with_meta=True``, ``(rows, meta)``)."""
    path = Path(path)
    try:
        payload = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not a JSON file written by save_results: {err}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or not isinstance(payload.get("runs"), list):
        raise ValueError(f"{path} is not a sweep table of format {FORMAT!r} (as save_results writes)")
    rows = payload["runs"]
    _check_rows(rows, str(path))
    return (rows, payload.get("meta", {})) if with_meta else rows


#: The smoke sweep lecture 04 writes, shipped inside the library (card: datasets/scaling_sweep.md), so that a
#: notebook finds it wherever it is opened: a fetched lab, Colab, a copy in the home folder.
SHIPPED_SWEEP = "scaling_sweep_smoke.json"


def shipped_sweep_path() -> Path:
    """Where the library's copy of lecture 04's smoke sweep table lies (package data, read-only)."""
    from importlib import resources

    path = Path(str(resources.files("minirepro") / "shipped" / SHIPPED_SWEEP))
    if not path.is_file():  # a broken install: say what is missing rather than failing later on a None
        raise FileNotFoundError(f"{path} is missing: reinstall the course library (pip install -e . from the course)")
    return path


def load_shipped_sweep(with_meta: bool = False):
    """Lecture 04's smoke sweep as ``load_results`` returns it, from the copy shipped with the library."""
    return load_results(shipped_sweep_path(), with_meta=with_meta)


def _check_rows(rows, where: str) -> None:
    if not rows:
        raise ValueError(f"{where}: no result rows")
    for i, r in enumerate(rows):
        missing = [k for k in ROW_FIELDS if k not in r]
        if missing:
            raise ValueError(f"{where}: row {i} lacks {missing} (rows come from run_sweep)")


# ------------------------------------------------------------------------------------------------
# Fitting a sweep: Chinchilla's Approaches 2 and 3 (Hoffmann et al. 2022, §3.2-3.3)
# ------------------------------------------------------------------------------------------------

#: Huber's delta on log loss, as in the Chinchilla paper (§3.3).
HUBER_DELTA = 1e-3
#: Approach 3's grid of starting points (a = ln A, b = ln B, e = ln E, alpha, beta): 6 x 6 x 5 x 5 x 5.
LAW_GRID = tuple(
    itertools.product(
        np.arange(0, 26, 5.0),
        np.arange(0, 26, 5.0),
        np.arange(-1, 1.01, 0.5),
        np.arange(0, 2.01, 0.5),
        np.arange(0, 2.01, 0.5),
    )
)


def law_loss(fit: dict, n, d):
    """Approach 3's loss ``E + A / N**alpha + B / D**beta`` of a fit (a dict with those keys), elementwise."""
    return fit["E"] + fit["A"] / np.asarray(n, float) ** fit["alpha"] + fit["B"] / np.asarray(d, float) ** fit["beta"]


def huber(r, delta: float = HUBER_DELTA):
    """Huber's loss of residuals ``r``, elementwise: quadratic within ``delta``, linear beyond (Huber 1964)."""
    r = np.asarray(r, float)
    return np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))


def _log_law(p, ln_n, ln_d):
    """ln L_hat = LSE(a - alpha ln N, b - beta ln D, e) for p = (a, b, e, alpha, beta), or a stack of them."""
    from scipy.special import logsumexp

    a, b, e, alpha, beta = (v[..., None] for v in np.moveaxis(np.asarray(p, float), -1, 0))
    terms = np.stack(np.broadcast_arrays(a - alpha * ln_n, b - beta * ln_d, e + 0 * ln_n))
    return logsumexp(terms, axis=0), terms


def law_objective(p, ln_n, ln_d, ln_l, delta: float = HUBER_DELTA):
    """Approach 3's objective and its gradient: the sum over runs of Huber(ln L_hat - ln L).

    ``p = (a, b, e, alpha, beta)`` with A = exp(a), B = exp(b), E = exp(e); ``ln_n``, ``ln_d``, ``ln_l`` the logs
    of each run's N, D and measured loss. Returns ``(value, gradient)``, as ``scipy.optimize.minimize(jac=True)`` wants.
    """
    lse, terms = _log_law(p, ln_n, ln_d)
    r = lse - ln_l
    dr = np.clip(r, -delta, delta)  # d huber / d r
    w = np.exp(terms - lse)  # d lse / d term: the share of each term in the prediction
    grad = np.array(
        [(dr * w[0]).sum(), (dr * w[1]).sum(), (dr * w[2]).sum(), -(dr * w[0] * ln_n).sum(), -(dr * w[1] * ln_d).sum()]
    )
    return float(huber(r, delta).sum()), grad


def _one_blas_thread():
    """A context in which numpy's BLAS uses one thread (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1)


def fit_law(n, d, loss, *, delta: float = HUBER_DELTA, n_starts: int = 20) -> dict:
    """Approach 3: fit ``L(N, D) = E + A/N**alpha + B/D**beta`` to runs (Hoffmann et al. 2022, §3.3).

    Minimises ``law_objective`` (Huber, ``delta``, on log loss) with L-BFGS-B. The objective is evaluated at every
    point of ``LAW_GRID`` and L-BFGS-B started from the ``n_starts`` best of them (starting from all, as the paper
    did, can only find the same minimum or a better one). Returns ``{"E", "A", "B", "alpha", "beta", "objective"}``.
    """
    from scipy.optimize import minimize

    ln_n, ln_d, ln_l = (np.log(np.asarray(x, float)) for x in (n, d, loss))
    if not (ln_n.shape == ln_d.shape == ln_l.shape) or ln_n.ndim != 1 or len(ln_n) < 5:
        raise ValueError("n, d and loss must be 1-D and of the same length, at least 5 runs for 5 parameters")
    grid = np.array(LAW_GRID)
    at_grid = huber(_log_law(grid, ln_n, ln_d)[0] - ln_l, delta).sum(axis=1)
    with _one_blas_thread():  # thousands of tiny vector operations: BLAS threads only wait on each other
        fits = [
            minimize(law_objective, grid[i], args=(ln_n, ln_d, ln_l, delta), jac=True, method="L-BFGS-B")
            for i in np.argsort(at_grid)[:n_starts]
        ]
    best = min(fits, key=lambda f: f.fun)
    a, b, e, alpha, beta = (float(v) for v in best.x)
    return {
        "E": math.exp(e),
        "A": math.exp(a),
        "B": math.exp(b),
        "alpha": alpha,
        "beta": beta,
        "objective": float(best.fun),
    }


def allocation_exponents(alpha: float, beta: float) -> tuple[float, float]:
    """``(a, b)`` with N_opt ∝ C**a and D_opt ∝ C**b for a law E + A/N**alpha + B/D**beta under C = 6ND."""
    s = alpha + beta
    return beta / s, alpha / s


def compute_optimal(fit: dict, c):
    """``(N_opt, D_opt)``: the split of ``c`` FLOPs (C = 6ND) that minimises ``law_loss(fit, N, D)``.

    The closed form of Hoffmann et al. 2022, §3.3, Eq. (4). For Chinchilla's own allocation pass
    ``facts.CHINCHILLA_FIT_UNROUNDED``: at Gopher's 5.76e23 FLOPs it gives the paper's 40B parameters (Figure 4),
    while the exponents as printed (``facts.CHINCHILLA_FIT``: alpha 0.34, beta 0.28) give 32B; the allocation
    depends on alpha and beta through powers of order 1 / (alpha + beta), so their third digit matters.
    """
    a, b = allocation_exponents(fit["alpha"], fit["beta"])
    g = (fit["alpha"] * fit["A"] / (fit["beta"] * fit["B"])) ** (1 / (fit["alpha"] + fit["beta"]))
    c = np.asarray(c, float)
    return g * (c / 6) ** a, (c / 6) ** b / g


def isoflop_parabola(x, y):
    """Approach 2 for one budget: least squares ``y = c2 x**2 + c1 x + c0`` (x is ln N, or ln D).

    Returns ``(coefficients, x_min)``, with ``x_min`` the vertex, or ``None`` if the parabola does not open upwards.
    """
    coef = np.polyfit(np.asarray(x, float), np.asarray(y, float), 2)
    return coef, (float(-coef[1] / (2 * coef[0])) if coef[0] > 0 else None)


def power_law(xs, ys) -> tuple[float, float]:
    """``ys = k * xs**p`` fitted as a straight line in log-log (least squares): returns ``(p, k)``."""
    p, ln_k = np.polyfit(np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float)), 1)
    return float(p), math.exp(ln_k)
