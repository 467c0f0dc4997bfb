"""IsoFLOP sweeps: the plan's arithmetic, deterministic runs, the JSON table, clear errors."""

import hashlib
import json
import math
from pathlib import Path

import pytest
from conftest import learnable_tokens
import torch

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
            flops_per_token(p.n_params + cfg.vocab_size * cfg.d_model, cfg.n_layer, T, cfg.d_model))
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


@pytest.mark.parametrize("kwargs, message", [
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
])
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


def test_validation_loss_is_the_mean_over_every_target():
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_layer=1, n_head=1, d_model=8, n_ctx=T))
    val = _tokens(1000)
    loss = scaling.validation_loss(model, val, T, batch_size=7)
    rows = (len(val) - 1) // T
    x = torch.stack([val[i * T:(i + 1) * T] for i in range(rows)])
    y = torch.stack([val[i * T + 1:(i + 1) * T + 1] for i in range(rows)])
    with torch.no_grad():
        expected = model(x, y)[1].item()
    assert loss == pytest.approx(expected, rel=1e-5)
    assert model.training  # left as it was found


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
    """datasets/scaling_sweep_smoke.json: the checksum its card gives, and rows the plan arithmetic agrees with."""
    path = DATASETS / "scaling_sweep_smoke.json"
    card = (DATASETS / "scaling_sweep.md").read_text()
    assert hashlib.sha256(path.read_bytes()).hexdigest() in card, "the card's SHA-256 is not the file's"
    rows, meta = scaling.load_results(path, with_meta=True)
    assert meta["scale"] == "smoke" and len({r["budget"] for r in rows}) >= 3
    for r in rows:
        shape = dict(n_layer=r["n_layer"], n_head=r["n_head"], d_model=r["d_model"], bias=False)
        (p,) = scaling.isoflop_plan([r["budget"]], [shape], r["batch_size"], r["n_ctx"])
        assert (p.n_params, p.n_params_total, p.steps, p.tokens) == (
            r["n_params"], r["n_params_total"], r["steps"], r["tokens"])
        assert (p.flops_per_token, p.flops) == (r["flops_per_token"], r["flops"])
        assert math.isfinite(r["loss"]) and r["loss"] < math.log(256)
