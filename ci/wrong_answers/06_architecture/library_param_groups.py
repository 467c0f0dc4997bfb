# Wrong answer: the learning rates read off the library's μP parameter groups (on a stand-in model)
# targets: test_mup_rules
# %% cell: mup_rules
from types import SimpleNamespace

from minirepro.mup import param_groups


def mup_rules(base_width, width, n_head, lr):
    m = width / base_width
    hidden, table, gain = torch.zeros(2, 2), torch.zeros(3, 2), torch.zeros(2)
    model = SimpleNamespace(
        cfg=SimpleNamespace(mup_width_mult=m),
        hidden_matrices=lambda: [("h", hidden)],
        parameters=lambda: [hidden, table, gain],
    )
    rates = [g["lr"] for g in param_groups(model, lr, 0.0)]
    return {
        "embedding": {"init_std": 1.0, "lr": rates[1]},
        "hidden": {"init_std": 1 / math.sqrt(m), "lr": rates[0]},
        "output": {"init_std": 1.0, "lr": rates[1]},
        "vector": {"init_std": 1.0, "lr": rates[2]},
        "logit_multiplier": 1 / m,
        "attention_scale": math.sqrt(base_width / n_head) / (width / n_head),
    }
