# Wrong answer: every layer banded, not the alternate (odd) ones
# targets: test_score_flops_saved
# %% cell: score_flops_saved
def score_flops_saved(T, w, d_model, n_layer):
    dense = int(banded_mask(T, T).sum())
    banded = int(banded_mask(T, w).sum())
    return 12 * d_model * n_layer * (dense - banded)
