# Wrong answer: the closed form (T - w)(T - w + 1) / 2 of the pairs saved, without clipping at w >= T (a band wider
# than the context "saves" FLOPs)
# targets: test_score_flops_saved
# %% cell: score_flops_saved
def score_flops_saved(T, w, d_model, n_layer):
    return 12 * d_model * (n_layer // 2) * ((T - w) * (T - w + 1) // 2)
