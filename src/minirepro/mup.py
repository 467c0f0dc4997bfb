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
