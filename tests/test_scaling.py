"""IsoFLOP sweeps: the plan's arithmetic, deterministic runs, the JSON table, clear errors."""

import hashlib
import json
import math
from pathlib import Path

import pytest
import torch
from conftest import learnable_tokens

from minirepro import scaling
from minirepro.measure import flops_per_token
from minirepro.model import GPT, GPTConfig

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
SHAPES = [dict(n_layer=1, n_head=1, d_model=8, bias=False), dict(n_layer=1, n_head=2, d_model=16, bias=False)]
B, T = 2, 16


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny models run as fast on one thread, and far steadier when other programs share the CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _tokens(n=4000, seed=0):
    return learnable_tokens(n, seed)


def _fpt(shape):
    cfg = GPTConfig(**shape, n_ctx=T)
    n = GPT(cfg).num_params(non_embedding=True)
    return flops_per_token(n + cfg.vocab_size * cfg.d_model, cfg.n_layer, T, cfg.d_model)


def test_plan_arithmetic():
    budgets = [3e7, 1e7]
    plan = scaling.isoflop_plan(budgets, SHAPES, batch_size=B, n_ctx=T)
    assert [p.budget for p in plan] == [1e7, 1e7, 3e7, 3e7]  # by budget, then by N
    assert plan[0].n_params < plan[1].n_params
    for p in plan:
        cfg = p.model
        assert cfg.n_ctx == T and p.batch_size == B and p.n_ctx == T
        gpt = GPT(cfg)
        assert p.n_params == gpt.num_params(non_embedding=True)  # N: non-embedding parameters
        assert p.n_params_total == gpt.num_params()
        assert p.flops_per_token == pytest.approx(
            flops_per_token(p.n_params + cfg.vocab_size * cfg.d_model, cfg.n_layer, T, cfg.d_model)
        )
        exact_steps = p.budget / p.flops_per_token / (B * T)
        assert p.steps == round(exact_steps)  # rounded to the nearest whole step
        assert p.tokens == p.steps * B * T
        assert p.flops == p.tokens * p.flops_per_token
        assert abs(p.flops - p.budget) <= 0.5 * B * T * p.flops_per_token  # within half a step of C


def test_plan_tokens_times_flops_per_token_is_the_budget_when_it_divides():
    fpt = _fpt(SHAPES[0])
    budget = 37 * B * T * fpt  # exactly 37 steps
    (p,) = scaling.isoflop_plan([budget], SHAPES[:1], batch_size=B, n_ctx=T)
    assert p.steps == 37
    assert p.tokens * p.flops_per_token == pytest.approx(budget, rel=1e-12)


def test_plan_shapes_per_budget_and_configs():
    shapes = {1e7: [GPTConfig(n_layer=1, n_head=1, d_model=8, n_ctx=999)], 3e7: SHAPES}
    plan = scaling.isoflop_plan([1e7, 3e7], shapes, batch_size=B, n_ctx=T)
    assert [p.budget for p in plan] == [1e7, 3e7, 3e7]
    assert plan[0].model.n_ctx == T  # the plan's context wins over the shape's


def test_count_params_leaves_the_random_generator_alone():
    state = torch.get_rng_state().clone()
    n, total = scaling.count_params(GPTConfig(n_layer=2, n_head=2, d_model=32, n_ctx=32))
    assert torch.equal(state, torch.get_rng_state())
    assert 0 < n < total


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(budgets=[1e3]), "budget too small"),
        (dict(budgets=[]), "budgets is empty"),
        (dict(budgets=[-1e7]), "positive number of FLOPs"),
        (dict(budgets=[float("nan")]), "positive number of FLOPs"),
        (dict(budgets=[1e7, 1e7]), "repeat"),
        (dict(batch_size=0), "batch_size must be a positive int"),
        (dict(n_ctx=1.5), "n_ctx must be a positive int"),
        (dict(shapes={3e7: SHAPES}), "no shapes for budgets"),
        (dict(shapes=[SHAPES[0], SHAPES[0]]), "same N"),
        (dict(shapes=[]), "no model shapes"),
    ],
)
def test_plan_errors_are_clear(kwargs, message):
    args = dict(budgets=[1e7], shapes=SHAPES, batch_size=B, n_ctx=T) | kwargs
    with pytest.raises(ValueError, match=message):
        scaling.isoflop_plan(**args)


def test_plan_names_the_run_that_is_too_short():
    with pytest.raises(ValueError) as err:
        scaling.isoflop_plan([1e7], SHAPES, batch_size=B, n_ctx=T, min_steps=100)
    assert "min_steps=100" in str(err.value) and "d_model=16" in str(err.value)
    with pytest.raises(TypeError, match="GPTConfig or a dict"):
        scaling.isoflop_plan([1e7], [(1, 8)], batch_size=B, n_ctx=T)


def _tiny_sweep(**kw):
    budgets = [2 * B * T * _fpt(SHAPES[1]), 3 * B * T * _fpt(SHAPES[1])]  # 2 and 3 steps for the larger model
    plan = scaling.isoflop_plan(budgets, SHAPES, batch_size=B, n_ctx=T)
    tokens = _tokens()
    return plan, scaling.run_sweep(plan, tokens[:3000], tokens[3000:], progress=False, eval_tokens=256, **kw)


def test_sweep_rows_are_deterministic_and_complete():
    plan, first = _tiny_sweep()
    _, second = _tiny_sweep()
    assert len(first) == len(plan) == 4
    for a, b, p in zip(first, second, plan):
        assert set(a) == set(scaling.ROW_FIELDS)
        assert {k: v for k, v in a.items() if k != "wall_s"} == {k: v for k, v in b.items() if k != "wall_s"}
        assert a["steps"] == p.steps and a["tokens"] == p.tokens and a["n_params"] == p.n_params
        assert a["flops"] == p.flops and a["epochs"] == p.tokens / 3000
        assert math.isfinite(a["loss"]) and 0 < a["loss"] < 2 * math.log(256)
        assert a["wall_s"] > 0


def test_sweep_learning_rate_rule_and_schedule():
    _, rows = _tiny_sweep(lr=lambda model: 0.08 / model.d_model)
    assert [r["lr"] for r in rows] == [0.01, 0.005, 0.01, 0.005]
    _, base = _tiny_sweep()
    _, long = _tiny_sweep(schedule_steps=1000)  # stops early in a long schedule: a different run
    assert [r["steps"] for r in long] == [r["steps"] for r in base]
    assert [r["loss"] for r in long] != [r["loss"] for r in base]
    plan, _ = _tiny_sweep()
    with pytest.raises(ValueError, match="learning rate must be a positive number"):
        scaling.run_sweep(plan[:1], _tokens(), _tokens(), lr=lambda m: 0.0, progress=False)
    with pytest.raises(ValueError, match="plan is empty"):
        scaling.run_sweep([], _tokens(), _tokens(), progress=False)
    with pytest.raises(TypeError, match="PlannedRun"):
        scaling.run_sweep([{"budget": 1e7}], _tokens(), _tokens(), progress=False)
    with pytest.raises(ValueError, match="val_tokens"):
        scaling.run_sweep(plan[:1], _tokens(), _tokens()[:5], progress=False)


def test_results_json_round_trip(tmp_path):
    _, rows = _tiny_sweep()
    path = scaling.save_results(tmp_path / "sweep.json", rows, meta={"corpus": "test", "seed": 0})
    assert scaling.load_results(path) == rows
    loaded, meta = scaling.load_results(path, with_meta=True)
    assert loaded == rows and meta == {"corpus": "test", "seed": 0}
    assert json.loads(path.read_text())["format"] == scaling.FORMAT


def test_results_errors_are_clear(tmp_path):
    _, rows = _tiny_sweep()
    with pytest.raises(ValueError, match="no result rows"):
        scaling.save_results(tmp_path / "empty.json", [])
    with pytest.raises(ValueError, match="lacks"):
        scaling.save_results(tmp_path / "bad.json", [{k: v for k, v in rows[0].items() if k != "loss"}])
    (tmp_path / "junk.json").write_text("not json")
    with pytest.raises(ValueError, match="not a JSON file"):
        scaling.load_results(tmp_path / "junk.json")
    (tmp_path / "other.json").write_text(json.dumps({"runs": rows}))
    with pytest.raises(ValueError, match="not a sweep table"):
        scaling.load_results(tmp_path / "other.json")


def test_shipped_smoke_table_matches_its_card_and_the_plan():
    """The shipped smoke table (package data): the checksum its card gives, and rows the plan arithmetic agrees with."""
    path = scaling.shipped_sweep_path()
    assert path == Path(scaling.__file__).parent / "shipped" / "scaling_sweep_smoke.json"
    assert scaling.load_shipped_sweep() == scaling.load_results(path)
    card = (DATASETS / "scaling_sweep.md").read_text()
    assert hashlib.sha256(path.read_bytes()).hexdigest() in card, "the card's SHA-256 is not the file's"
    rows, meta = scaling.load_results(path, with_meta=True)
    assert meta["scale"] == "smoke" and len({r["budget"] for r in rows}) >= 3
    for r in rows:
        shape = dict(n_layer=r["n_layer"], n_head=r["n_head"], d_model=r["d_model"], bias=False)
        (p,) = scaling.isoflop_plan([r["budget"]], [shape], r["batch_size"], r["n_ctx"])
        assert (p.n_params, p.n_params_total, p.steps, p.tokens) == (
            r["n_params"],
            r["n_params_total"],
            r["steps"],
            r["tokens"],
        )
        assert (p.flops_per_token, p.flops) == (r["flops_per_token"], r["flops"])
        assert math.isfinite(r["loss"]) and r["loss"] < math.log(256)


# ---- fitting (Approaches 2 and 3) ----------------------------------------------------------------

CHIN = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


def test_law_loss_and_huber():
    import numpy as np

    assert math.isclose(float(scaling.law_loss(CHIN, 70e9, 1.4e12)), 1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28)
    assert scaling.law_loss(CHIN, np.array([1e8, 1e9]), np.array([1e10, 1e11])).shape == (2,)
    h = scaling.huber(np.array([0.0, 5e-4, -5e-4, 2.0, -2.0]), 1.0)
    assert np.allclose(h, [0.0, 1.25e-7, 1.25e-7, 1.5, 1.5])


def test_law_objective_gradient_matches_finite_differences():
    """The analytic gradient fit_law hands to L-BFGS-B (jac=True) is the objective's, at random points in both of
    Huber's regimes: near the truth with small noise (quadratic), and anywhere on the start grid (linear)."""
    import numpy as np

    rng = np.random.default_rng(0)
    ln_n, ln_d = np.log(np.geomspace(1e7, 1e10, 12)), np.log(np.geomspace(1e9, 1e12, 12))
    truth = np.array([math.log(406.4), math.log(410.7), math.log(1.69), 0.34, 0.28])
    seen_quadratic = seen_linear = 0
    for noise in (3e-4, 1e-2):
        ln_l = np.log(scaling.law_loss(CHIN, np.exp(ln_n), np.exp(ln_d))) + rng.normal(0, noise, 12)
        points = [truth + rng.normal(0, s, 5) for s in (1e-4, 3e-3, 3e-2, 0.3)]
        points += [rng.uniform([0, 0, -1, 0, 0], [25, 25, 1, 2, 2]) for _ in range(4)]
        for p in points:
            value, grad = scaling.law_objective(p, ln_n, ln_d, ln_l)
            r = scaling._log_law(p, ln_n, ln_d)[0] - ln_l
            seen_quadratic += int(np.sum(np.abs(r) < scaling.HUBER_DELTA))
            seen_linear += int(np.sum(np.abs(r) > scaling.HUBER_DELTA))
            eps = 1e-6
            num = np.array(
                [
                    (
                        scaling.law_objective(p + eps * np.eye(5)[i], ln_n, ln_d, ln_l)[0]
                        - scaling.law_objective(p - eps * np.eye(5)[i], ln_n, ln_d, ln_l)[0]
                    )
                    / (2 * eps)
                    for i in range(5)
                ]
            )
            assert value > 0 and grad.shape == (5,)
            # rtol 1e-5 per component; atol for components many orders below the largest (round-off of the difference)
            assert np.allclose(grad, num, rtol=1e-5, atol=1e-7 * np.abs(num).max()), (p, grad, num)
    assert seen_quadratic > 10 and seen_linear > 10, "both Huber regimes are checked"


def test_fit_law_recovers_a_known_law_despite_outliers():
    import numpy as np

    rng = np.random.default_rng(1)
    n = np.exp(rng.uniform(np.log(1e7), np.log(1e10), 40))
    d = np.exp(rng.uniform(np.log(1e9), np.log(3e11), 40))
    loss = scaling.law_loss(CHIN, n, d) * np.exp(rng.normal(0, 0.003, 40))
    loss[:3] *= 1.3
    fit = scaling.fit_law(n, d, loss)
    assert abs(fit["alpha"] - 0.34) < 0.04 and abs(fit["beta"] - 0.28) < 0.04 and abs(fit["E"] - 1.69) < 0.15
    assert abs(float(scaling.law_loss(fit, 3e10, 1e12)) / float(scaling.law_loss(CHIN, 3e10, 1e12)) - 1) < 0.02
    with pytest.raises(ValueError):
        scaling.fit_law(n[:3], d[:3], loss[:3])


def test_compute_optimal_is_the_minimum_along_the_budget():
    import numpy as np

    a, b = scaling.allocation_exponents(0.34, 0.28)
    assert math.isclose(a, 0.28 / 0.62) and math.isclose(a + b, 1.0)
    for c in (1e20, 5.76e23):
        n_opt, d_opt = (float(x) for x in scaling.compute_optimal(CHIN, c))
        assert math.isclose(6 * n_opt * d_opt, c, rel_tol=1e-9)
        grid = np.exp(np.linspace(np.log(n_opt) - 2, np.log(n_opt) + 2, 4001))
        best = grid[np.argmin(scaling.law_loss(CHIN, grid, c / (6 * grid)))]
        assert abs(math.log(best / n_opt)) < 2e-3


def test_isoflop_parabola_and_power_law():
    import numpy as np

    x = np.linspace(10, 20, 7)
    coef, x_min = scaling.isoflop_parabola(x, 0.05 * (x - 14.2) ** 2 + 2.5)
    assert math.isclose(x_min, 14.2, rel_tol=1e-9) and len(coef) == 3
    assert scaling.isoflop_parabola(x, -((x - 14.2) ** 2))[1] is None
    p, k = scaling.power_law([1e18, 1e20], [3e8, 3e9])
    assert math.isclose(p, 0.5, rel_tol=1e-9) and math.isclose(k * 1e18**0.5, 3e8, rel_tol=1e-9)


def test_compute_optimal_reproduces_chinchillas_approach3_only_unrounded():
    # Hoffmann et al. 2022, Figure 4: 40B parameters at Gopher's 5.76e23 FLOPs (facts.CHINCHILLA_APPROACH3_N_AT_GOPHER).
    from minirepro import facts

    c = facts.GOPHER_TRAIN_FLOPS
    n_unrounded = float(scaling.compute_optimal(facts.CHINCHILLA_FIT_UNROUNDED, c)[0])
    n_rounded = float(scaling.compute_optimal(facts.CHINCHILLA_FIT, c)[0])
    assert abs(n_unrounded / facts.CHINCHILLA_APPROACH3_N_AT_GOPHER - 1) < 0.02
    assert abs(n_rounded / 32e9 - 1) < 0.02  # the exponents as printed: a fifth smaller
