# Wrong answer: solves (2 - mean score) ** -alpha = keep_share, the keep probability of the average score, which is
# not the average keep probability (Jensen's inequality: the curve is convex)
# targets: test_choose_alpha
# %% cell: choose_alpha
def choose_alpha(scores, keep_share):
    s = np.asarray(scores, dtype=float)
    if not np.mean(s >= 1.0) < keep_share < 1.0:
        raise ValueError("no alpha keeps that share")
    return float(-math.log(keep_share) / math.log(2.0 - s.mean()))
