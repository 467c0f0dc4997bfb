# Wrong answer: the final losses not capped at the initial loss (diverged runs dropped instead)
# targets: test_lr_sensitivity
# %% cell: lr_sensitivity
def lr_sensitivity(final_losses, initial_loss):
    finite = [x for x in final_losses if math.isfinite(x)]
    best = min(finite)
    return sum(x - best for x in finite) / len(finite)
