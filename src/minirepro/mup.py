"""μP's per-layer learning rates for Adam (Yang et al. 2022, "Tensor Programs V", Tables 3 and 8).

μP ("maximal update parametrisation") scales initialisation, multipliers and learning rates with the
width so that every layer's update stays the same size as the model widens: the best learning rate
found on a narrow proxy then holds for a wide model. Width is compared with a base width,
``m = d_model / GPTConfig.mup_base_width``. The model's half of the rules is in ``minirepro.model``; the
optimizer's half is here. With Adam:

| parameter                                   | init              | Adam learning rate |
|---------------------------------------------|-------------------|--------------------|
| token and position embeddings               | unchanged         | lr                 |
| hidden matrices (the blocks' linear layers) | std / sqrt(m)     | lr / m             |
| output layer (tied: the token embedding)    | unchanged         | lr; logits x 1/m   |
| biases, LayerNorm gains                     | unchanged         | lr                 |

and attention scores ``q.k / d_head`` (times sqrt of the base d_head, so that m = 1 is the standard model).
AdamW decays a weight by ``lr * weight_decay`` each step; the hidden groups' weight decay is multiplied by m,
so that their decay per step does not change with width (as the ``mup`` package's ``MuAdamW`` does by default).
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def param_groups(model, lr: float, weight_decay: float) -> list[dict]:
    """AdamW parameter groups with μP's per-layer rates for ``model`` (a ``minirepro.model.GPT``).

    Each group has its own ``"lr"`` and ``"weight_decay"``, and ``"lr_scale"``, its rate over ``lr`` (1/m for
    the hidden matrices, 1 elsewhere): the engine's ``train_step`` sets each group's rate to the scheduled rate
    times its ``lr_scale``. As in the
    engine's standard optimizer, matrices (dim >= 2) are decayed and vectors (biases, LayerNorm gains) are not.
    With μP off (m = 1) the rates are all ``lr``.
    """
    m = model.cfg.mup_width_mult
    hidden = {id(p) for _, p in model.hidden_matrices()}
    params = list(model.parameters())  # each parameter once, even where tied
    groups = [
        {
            "params": [p for p in params if id(p) in hidden],
            "lr": lr / m,
            "weight_decay": weight_decay * m,
            "lr_scale": 1.0 / m,
        },
        {
            "params": [p for p in params if p.dim() >= 2 and id(p) not in hidden],
            "lr": lr,
            "weight_decay": weight_decay,
            "lr_scale": 1.0,
        },
        {"params": [p for p in params if p.dim() < 2], "lr": lr, "weight_decay": 0.0, "lr_scale": 1.0},
    ]
    return [g for g in groups if g["params"]]


# ------------------------------------------------------------------------------------------------
# The learning-rate sweep across widths (lecture 06, §3), and its shipped copy (lab 06, question 7)
# ------------------------------------------------------------------------------------------------

#: Lecture 06's grid of peak learning rates: 10^-3.5 to 10^-1 in half-decade steps (a factor of about 3.16).
LR_GRID = tuple(10 ** (-3.5 + 0.5 * i) for i in range(6))
#: The parametrisations a sweep compares: the standard one, and μP with ``base_width`` as its base.
PARAMETRISATIONS = ("sp", "mup")
#: The widths whose sweep ships with the library (lecture 06's smoke widths); the file's name.
SHIPPED_LR_WIDTHS = (16, 32, 64)
SHIPPED_LR_SWEEP = "lr_width_sweep.json"
LR_SWEEP_FORMAT = "minirepro.mup.lr_width_sweep/1"
#: The fields of every row ``lr_width_sweep`` returns.
LR_SWEEP_FIELDS = (
    "parametrisation",
    "width",
    "base_width",
    "lr",
    "loss",
    "n_layer",
    "n_head",
    "n_ctx",
    "steps",
    "batch_size",
    "seed",
)


def _sweep_data(scale: str, seed: int, tokens, val_tokens):
    """The lecture's text: ``corpus.generate_corpus(seed, scale)`` split 90/10 by documents, unless given."""
    if tokens is not None and val_tokens is not None:
        return tokens, val_tokens
    if tokens is not None or val_tokens is not None:
        raise ValueError("give both tokens and val_tokens, or neither (then the lecture's corpus is generated)")
    from minirepro import corpus, data

    train_docs, val_docs = data.train_val_split(corpus.generate_corpus(seed, scale), 0.1, seed=seed)
    return data.tokenize(train_docs), data.tokenize(val_docs)


def lr_width_sweep(
    widths,
    lrs=LR_GRID,
    parametrisations=PARAMETRISATIONS,
    base_width: int | None = None,
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    tokens=None,
    val_tokens=None,
    scale: str = "smoke",
    device: str = "cpu",
    progress: bool = True,
) -> list[dict]:
    """Final held-out loss of one run per (parametrisation, width, learning rate): lecture 06's §3 sweep.

    Every unset size is lecture 06's at ``scale`` (``sizes.for_notebook("06_architecture", scale)``): the model
    ``MUP_MODEL`` at ``d_model = width``, ``MUP_STEPS`` steps of ``MUP_BATCH`` sequences, the held-out loss over
    the first ``EVAL_TOKENS`` validation bytes (``evaluate.heldout_loss``), ``base_width`` the narrowest of
    ``MUP_WIDTHS``. Training as in the lecture: peak rate ``lr`` (μP's hidden matrices get ``lr / m``), 10% warmup
    then cosine, no weight decay, no clipping, seed ``seed`` for initialisation and data order. On the CPU (the
    default, and how the shipped file is made) it runs on one thread, so that the losses are the same on any
    machine with the same software; ``device="cuda"`` is for the lecture at full size. A run that diverged has
    ``loss = None``. Rows in the order parametrisation, width, lr.
    """
    from minirepro import sizes
    from minirepro.evaluate import heldout_loss
    from minirepro.model import GPTConfig
    from minirepro.progress import tqdm
    from minirepro.train import TrainConfig, train

    unknown = set(parametrisations) - set(PARAMETRISATIONS)
    if unknown:
        raise ValueError(f"parametrisations are among {PARAMETRISATIONS}; got {sorted(unknown)}")
    cfg = sizes.for_notebook("06_architecture", scale)
    base_width = cfg.MUP_WIDTHS[0] if base_width is None else int(base_width)
    steps = cfg.MUP_STEPS if steps is None else int(steps)
    batch_size = cfg.MUP_BATCH if batch_size is None else int(batch_size)
    tokens, val_tokens = _sweep_data(scale, seed, tokens, val_tokens)
    grid = [(p, int(w), float(lr)) for p in parametrisations for w in widths for lr in lrs]
    rows = []
    with sizes.one_thread(device):
        for p, width, lr in tqdm(grid, desc="LR x width x parametrisation", disable=not progress):
            model = GPTConfig(**cfg.MUP_MODEL, d_model=width, mup_base_width=base_width if p == "mup" else None)
            run_cfg = TrainConfig(
                model=model,
                steps=steps,
                batch_size=batch_size,
                lr=lr,
                warmup_steps=steps // 10,
                weight_decay=0.0,
                grad_clip=None,
                device=device,
                seed=seed,
                data_seed=seed,
                probe_every=0,
                progress=False,
            )
            run = train(run_cfg, tokens)
            loss = heldout_loss(run.model, val_tokens, run.config.seq_len, max_tokens=cfg.EVAL_TOKENS)
            row = dict(parametrisation=p, width=width, base_width=base_width if p == "mup" else None, lr=lr)
            row.update(loss=loss if math.isfinite(loss) else None, n_layer=model.n_layer, n_head=model.n_head)
            row.update(n_ctx=model.n_ctx, steps=steps, batch_size=batch_size, seed=seed)
            rows.append(row)
    return rows


def best_lr(rows, width: int, parametrisation: str) -> float:
    """The learning rate with the lowest loss among ``rows`` at ``width`` under ``parametrisation`` (ties: the
    smaller rate; a diverged run, ``loss = None``, never wins)."""
    mine = [r for r in rows if r["width"] == width and r["parametrisation"] == parametrisation]
    finite = [r for r in mine if r["loss"] is not None]
    if not finite:
        raise ValueError(f"no finished run at width {width} under {parametrisation!r}")
    return min(finite, key=lambda r: (r["loss"], r["lr"]))["lr"]


def shipped_lr_sweep_path() -> Path:
    """Where the library's copy of the sweep at ``SHIPPED_LR_WIDTHS`` lies (package data, read-only)."""
    from importlib import resources

    path = Path(str(resources.files("minirepro") / "shipped" / SHIPPED_LR_SWEEP))
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the course library (pip install -e . from the course)")
    return path


def load_shipped_lr_sweep(with_meta: bool = False):
    """Lecture 06's smoke learning-rate sweep at the widths ``SHIPPED_LR_WIDTHS`` (card: datasets/lr_width_sweep.md):
    a list of row dicts, and with ``with_meta=True`` ``(rows, meta)``."""
    path = shipped_lr_sweep_path()
    payload = json.loads(path.read_text())
    if not isinstance(payload, dict) or payload.get("format") != LR_SWEEP_FORMAT:
        raise ValueError(f"{path} is not a sweep of format {LR_SWEEP_FORMAT!r}")
    rows = payload["runs"]
    for i, r in enumerate(rows):
        missing = [k for k in LR_SWEEP_FIELDS if k not in r]
        if missing:
            raise ValueError(f"{path}: row {i} lacks {missing}")
    return (rows, payload.get("meta", {})) if with_meta else rows


def write_shipped_lr_sweep(path=None, progress: bool = True) -> Path:
    """Run the shipped sweep (``SHIPPED_LR_WIDTHS``, lecture 06's smoke sizes, seed 0) and write it to ``path``
    (default: the library's own copy). ``python -m minirepro.mup --write-shipped`` calls this."""
    import platform

    import torch

    rows = lr_width_sweep(SHIPPED_LR_WIDTHS, progress=progress)
    meta = {
        "made_by": "python -m minirepro.mup --write-shipped",
        "scale": "smoke",
        "widths": list(SHIPPED_LR_WIDTHS),
        "lrs": list(LR_GRID),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    payload = {"format": LR_SWEEP_FORMAT, "meta": meta, "runs": rows}
    path = Path(path) if path is not None else Path(__file__).parent / "shipped" / SHIPPED_LR_SWEEP
    path.write_text(json.dumps(payload, indent=1) + "\n")
    return path


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Regenerate the shipped learning-rate sweep (lecture 06, smoke).")
    parser.add_argument("--write-shipped", action="store_true", help="write src/minirepro/shipped/" + SHIPPED_LR_SWEEP)
    parser.add_argument("--out", default=None, help="write here instead of the library's copy")
    args = parser.parse_args()
    if not args.write_shipped:
        parser.error("nothing to do: pass --write-shipped")
    print(write_shipped_lr_sweep(args.out))
