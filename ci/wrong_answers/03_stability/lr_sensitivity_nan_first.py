# Wrong answer: min(loss, l0) with a nan loss first: Python's min returns the nan, and the mean becomes nan
# targets: test_lr_sensitivity
# %% cell: lr_sensitivity
def lr_sensitivity(final_losses, initial_loss):
    capped = [min(x, initial_loss) for x in final_losses]
    best = min(capped)
    return sum(c - best for c in capped) / len(capped)
