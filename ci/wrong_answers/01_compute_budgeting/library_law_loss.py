# Wrong answer: scaling.law_loss minimised over a grid: the library's finished version, wrapped in one line (switched
# off while grading)
# targets: test_plan
# %% cell: plan
from minirepro import scaling


def plan_training(scenario):
    s, fit = scenario, scenario["fit"]

    def delivered(g):
        hours = min(24 * s["max_days"], s["budget_usd"] / (g * s["usd_per_gpu_hour"]))
        mtbf = 1 / (s["failure_rate"] * g)
        useful = goodput(young_interval(s["ckpt_hours"], mtbf), s["ckpt_hours"], mtbf, s["restart_hours"])
        return g * hours * 3600 * s["peak_flops"] * s["mfu"] * max(useful, 0.0), hours

    n_gpus = max(range(1, s["max_gpus"] + 1), key=lambda g: delivered(g)[0])
    flops, hours = delivered(n_gpus)
    n_params = min(
        (10 ** (k / 200) for k in range(1200, 2800)), key=lambda n: float(scaling.law_loss(fit, n, flops / (6 * n)))
    )
    return {"n_params": n_params, "n_tokens": flops / (6 * n_params), "n_gpus": n_gpus, "days": hours / 24}
