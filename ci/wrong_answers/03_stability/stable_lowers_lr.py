# Wrong answer: lowers the learning rate instead of stabilising the run at it
# targets: test_stable_overrides
# %% cell: stable_overrides
def stable_overrides():
    return {"lr": 1e-3, "warmup_steps": 20}
