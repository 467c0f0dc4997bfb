"""The benchmark scripts run what they claim to run (their timings are not tested: see benchmarks/)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dedup_benchmark_runs_the_lab_reference_solution_and_datasketch():
    bench = load("dedup_speed")
    ref = bench.load_reference()  # the answer cells of solutions/02_data/02_data.ipynb
    texts = ["alpha beta gamma delta epsilon zeta eta theta iota kappa",
             "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda",
             "one two three four five six seven eight nine ten eleven"]
    assert list(ref["dedup"](texts)) == [0, 0, 2]
    sets = [ref["shingles"](t) for t in texts]
    labels, t_sign, t_total = bench.datasketch_dedup(sets, ref)
    assert list(labels) == [0, 0, 2] and 0 <= t_sign <= t_total
