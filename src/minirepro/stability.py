"""Summaries of stability experiments (module 03).

- ``lr_sensitivity``: one number for a learning-rate sweep (Wortsman et al. 2023, "Small-scale proxies
  for large-scale Transformer training instabilities", §2.2).

The engine itself (warmup, clipping, z-loss, qk-layernorm, loss scaling, spike policy) lives in
``minirepro.train`` and ``minirepro.model``.
"""

from __future__ import annotations

import math


def lr_sensitivity(final_losses, initial_loss: float) -> float:
    """Mean over a learning-rate sweep of ``min(final loss, initial_loss)`` minus the sweep's best.

    Wortsman et al. 2023, §2.2: ``E_eta[min(l(eta), l0) - l*]``, with ``l0`` the loss at initialisation and
    ``l*`` the best final loss of the sweep. A run that diverged (``nan`` or ``inf``) counts as ``l0``: no
    worse than not training. Small values mean that the recipe trains well over a wide range of learning rates.
    """
    losses = list(final_losses)
    if not losses:
        raise ValueError("lr_sensitivity needs at least one final loss")
    capped = [min(x, initial_loss) if math.isfinite(x) else initial_loss for x in losses]
    best = min(capped)
    return sum(c - best for c in capped) / len(capped)
