# Wrong answer: μP's initialisation and multipliers, but one Adam learning rate for every layer
# targets: test_mup_rules
# %% cell: mup_rules
def mup_rules(base_width, width, n_head, lr):
    m = width / base_width
    same = {"init_std": 1.0, "lr": lr}
    return {
        "embedding": dict(same),
        "hidden": {"init_std": 1 / math.sqrt(m), "lr": lr},
        "output": dict(same),
        "vector": dict(same),
        "logit_multiplier": 1 / m,
        "attention_scale": math.sqrt(base_width / n_head) / (width / n_head),
    }
