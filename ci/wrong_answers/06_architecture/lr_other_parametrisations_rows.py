# Wrong answer: the rows filtered on the other parametrisation (!= for ==): SP predicted from the μP runs and μP
# from the SP runs
# targets: test_predict_best_lr
# %% cell: predict_best_lr
def predict_best_lr(rows, width, parametrisation):
    mine = [r for r in rows if r["parametrisation"] != parametrisation and r["loss"] is not None]

    def best_at(w):
        return min((r for r in mine if r["width"] == w), key=lambda r: r["loss"])["lr"]

    widths = sorted({r["width"] for r in mine})
    if parametrisation == "mup":
        return float(best_at(widths[0]))
    return float(best_at(widths[-1]) * widths[-1] / width)
