# Wrong answer: rents as many GPUs as allowed and finishes early: more GPUs fail more often, so less compute trains
# targets: test_plan
# %% cell: plan
def plan_training(scenario):
    s, fit = scenario, scenario["fit"]

    def delivered(g):
        hours = min(24 * s["max_days"], s["budget_usd"] / (g * s["usd_per_gpu_hour"]))
        mtbf = 1 / (s["failure_rate"] * g)
        useful = goodput(young_interval(s["ckpt_hours"], mtbf), s["ckpt_hours"], mtbf, s["restart_hours"])
        return g * hours * 3600 * s["peak_flops"] * s["mfu"] * max(useful, 0.0), hours

    n_gpus = s["max_gpus"]
    flops, hours = delivered(n_gpus)
    n_params = _n_opt(flops, fit)
    return {"n_params": n_params, "n_tokens": flops / (6 * n_params), "n_gpus": n_gpus, "days": hours / 24}


def _n_opt(flops, fit):  # the closed form along the IsoFLOP curve C = 6ND
    a, b = fit["alpha"], fit["beta"]
    return (a * fit["A"] / (b * fit["B"])) ** (1 / (a + b)) * (flops / 6) ** (b / (a + b))
