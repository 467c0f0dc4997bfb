# Wrong answer: attention kept at 1/sqrt(d_head) and the logits multiplied by 1/sqrt(m)
# targets: test_mup_rules
# %% cell: mup_rules
def mup_rules(base_width, width, n_head, lr):
    m = width / base_width
    same = {"init_std": 1.0, "lr": lr}
    return {
        "embedding": dict(same),
        "hidden": {"init_std": 1 / math.sqrt(m), "lr": lr / m},
        "output": dict(same),
        "vector": dict(same),
        "logit_multiplier": 1 / math.sqrt(m),
        "attention_scale": 1 / math.sqrt(width / n_head),
    }
