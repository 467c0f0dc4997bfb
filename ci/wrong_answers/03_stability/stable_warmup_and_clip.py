# Wrong answer: warmup and clipping only (they buy headroom, but on the hidden runs the attention logits still grow)
# targets: test_stable_overrides
# %% cell: stable_overrides
def stable_overrides():
    return {"warmup_steps": 20, "grad_clip": 1.0}
