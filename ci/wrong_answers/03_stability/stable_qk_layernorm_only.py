# Wrong answer: qk-layernorm alone, without warmup or clipping
# targets: test_stable_overrides
# %% cell: stable_overrides
def stable_overrides():
    return {"qk_layernorm": True}
