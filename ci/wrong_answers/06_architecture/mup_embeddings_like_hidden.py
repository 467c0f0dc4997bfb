# Wrong answer: μP's hidden-layer rules applied to the embeddings too (their fan-in is the vocabulary, which does
# not grow with width)
# targets: test_mup_rules
# %% cell: mup_rules
def mup_rules(base_width, width, n_head, lr):
    m = width / base_width
    hidden = {"init_std": 1 / math.sqrt(m), "lr": lr / m}
    return {
        "embedding": dict(hidden),
        "hidden": dict(hidden),
        "output": {"init_std": 1.0, "lr": lr},
        "vector": {"init_std": 1.0, "lr": lr},
        "logit_multiplier": 1 / m,
        "attention_scale": math.sqrt(base_width / n_head) / (width / n_head),
    }
