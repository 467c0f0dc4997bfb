# Wrong answer: the base width's best rate for both parametrisations (SP assumed to transfer like μP)
# targets: test_predict_best_lr
# %% cell: predict_best_lr
def predict_best_lr(rows, width, parametrisation):
    mine = [r for r in rows if r["parametrisation"] == parametrisation and r["loss"] is not None]
    base = min(r["width"] for r in mine)
    return float(min((r for r in mine if r["width"] == base), key=lambda r: r["loss"])["lr"])
