# Wrong answer: the learning rates of μP for SGD (Table 8's SGD column: hidden unchanged, embeddings and vectors
# times m), not Adam's
# targets: test_mup_rules
# %% cell: mup_rules
def mup_rules(base_width, width, n_head, lr):
    m = width / base_width
    return {
        "embedding": {"init_std": 1.0, "lr": lr * m},
        "hidden": {"init_std": 1 / math.sqrt(m), "lr": lr},
        "output": {"init_std": 1.0, "lr": lr},
        "vector": {"init_std": 1.0, "lr": lr * m},
        "logit_multiplier": 1 / m,
        "attention_scale": math.sqrt(base_width / n_head) / (width / n_head),
    }
