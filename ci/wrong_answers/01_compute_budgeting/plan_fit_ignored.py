# Wrong answer: always splits with Chinchilla's own (unrounded Approach 3) fit, whatever fit the scenario gives
# targets: test_plan
# %% cell: plan
def plan_training(scenario):
    s, fit = scenario, scenario["fit"]  # noqa: F841 (the scenario's fit read and ignored: the mistake kept)

    def delivered(g):
        hours = min(24 * s["max_days"], s["budget_usd"] / (g * s["usd_per_gpu_hour"]))
        mtbf = 1 / (s["failure_rate"] * g)
        useful = goodput(young_interval(s["ckpt_hours"], mtbf), s["ckpt_hours"], mtbf, s["restart_hours"])
        return g * hours * 3600 * s["peak_flops"] * s["mfu"] * max(useful, 0.0), hours

    n_gpus = max(range(1, s["max_gpus"] + 1), key=lambda g: delivered(g)[0])
    flops, hours = delivered(n_gpus)
    n_params = _n_opt(flops, facts.CHINCHILLA_FIT_UNROUNDED)
    return {"n_params": n_params, "n_tokens": flops / (6 * n_params), "n_gpus": n_gpus, "days": hours / 24}


def _n_opt(flops, fit):  # the closed form along the IsoFLOP curve C = 6ND
    a, b = fit["alpha"], fit["beta"]
    return (a * fit["A"] / (b * fit["B"])) ** (1 / (a + b)) * (flops / 6) ** (b / (a + b))
