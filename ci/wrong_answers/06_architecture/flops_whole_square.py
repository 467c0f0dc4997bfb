# Wrong answer: PaLM's MFU convention instead of the pairs the masks allow: T keys per query when dense, w when
# banded, so (T - w) * T pairs saved
# targets: test_score_flops_saved
# %% cell: score_flops_saved
def score_flops_saved(T, w, d_model, n_layer):
    return 12 * d_model * (n_layer // 2) * max(T - w, 0) * T
