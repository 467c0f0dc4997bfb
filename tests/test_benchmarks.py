"""The benchmark scripts run what they claim to run (their timings are not tested: see benchmarks/)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dedup_benchmark_runs_the_lab_reference_solution_and_datasketch():
    bench = load("dedup_speed")
    ref = bench.load_reference()  # the answer cells of solutions/02_data/02_data.ipynb
    texts = [
        "alpha beta gamma delta epsilon zeta eta theta iota kappa",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda",
        "one two three four five six seven eight nine ten eleven",
    ]
    assert list(ref["dedup"](texts)) == [0, 0, 2]
    sets = [ref["shingles"](t) for t in texts]
    labels, t_sign, t_total = bench.datasketch_dedup(sets, ref)
    assert list(labels) == [0, 0, 2] and 0 <= t_sign <= t_total


def test_engine_benchmark_runs_both_loops_in_the_same_precision():
    import torch

    from minirepro.model import GPTConfig

    bench = load("engine_speed")
    cfg = GPTConfig(n_layer=1, n_head=1, d_model=16, n_ctx=16)
    tokens = torch.randint(256, (2000,), generator=torch.Generator().manual_seed(0))
    for precision in ("fp32", "fp16"):
        assert bench.plain_loop(cfg, tokens, 2, 2, 1e-3, "cpu", precision) > 0
        assert bench.engine(cfg, tokens, 2, 2, 1e-3, "cpu", 0, precision) > 0
    assert bench.mfu_column("cpu", "fp32", 1e4, 1e6) is None  # a CPU has no datasheet peak: no MFU column


def test_engine_benchmark_pins_its_threads_and_prints_them(capsys):
    import torch

    bench = load("engine_speed")
    before = torch.get_num_threads()
    try:
        assert bench.main(["--steps", "1", "--repeats", "1", "--batch-size", "2", "--threads", "1"]) == 0
        assert torch.get_num_threads() == 1
        out = capsys.readouterr().out
        assert "threads 1;" in out and "measured on 1 torch thread (--threads 1)" in out
        assert bench.set_threads(0) == 1  # 0 leaves the count as it is
        with pytest.raises(SystemExit):
            bench.main(["--threads", "-1"])
    finally:
        torch.set_num_threads(before)
