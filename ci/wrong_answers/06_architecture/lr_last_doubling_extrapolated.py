# Wrong answer: the change of the best rate between the two widest widths, repeated for the next doubling, in
# both parametrisations (one seed's grid noise read as a trend)
# targets: test_predict_best_lr
# %% cell: predict_best_lr
def predict_best_lr(rows, width, parametrisation):
    mine = [r for r in rows if r["parametrisation"] == parametrisation and r["loss"] is not None]

    def best_at(w):
        return min((r for r in mine if r["width"] == w), key=lambda r: r["loss"])["lr"]

    w1, w2 = sorted({r["width"] for r in mine})[-2:]
    doublings = math.log2(width / w2) / math.log2(w2 / w1)
    return float(best_at(w2) * (best_at(w2) / best_at(w1)) ** doublings)
