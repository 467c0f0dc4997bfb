# Wrong answer: the learning rate of the highest loss (max for min), with the solution's rules
# targets: test_predict_best_lr
# %% cell: predict_best_lr
def predict_best_lr(rows, width, parametrisation):
    mine = [r for r in rows if r["parametrisation"] == parametrisation and r["loss"] is not None]

    def best_at(w):
        return max((r for r in mine if r["width"] == w), key=lambda r: r["loss"])["lr"]

    widths = sorted({r["width"] for r in mine})
    if parametrisation == "mup":
        return float(best_at(widths[0]))
    return float(best_at(widths[-1]) * widths[-1] / width)
