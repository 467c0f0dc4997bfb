# Wrong answer: SP's 1/width drift started from the narrowest width's best rate instead of the nearest (widest)
# measured width's
# targets: test_predict_best_lr
# %% cell: predict_best_lr
def predict_best_lr(rows, width, parametrisation):
    mine = [r for r in rows if r["parametrisation"] == parametrisation and r["loss"] is not None]
    base = min(r["width"] for r in mine)
    best = min((r for r in mine if r["width"] == base), key=lambda r: r["loss"])["lr"]
    return float(best if parametrisation == "mup" else best * base / width)
