# Wrong answer: z-loss alone (it does not stop the attention logits, and the run still stalls)
# targets: test_stable_overrides
# %% cell: stable_overrides
def stable_overrides():
    return {"z_loss": 1e-4}
