"""ci/dry_run.py: the projection of every full configuration, and the GPU-full time each notebook states."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ci"))
import dry_run  # noqa: E402 (sys.path set above)

ROWS = {r["notebook"]: r for r in dry_run.project()}
#: how far a stated "about N min" may be from the projection: a factor of 1.5 either way, or one minute
TOLERANCE = 1.5


def stated_gpu_minutes(path: Path) -> tuple[str, float]:
    """("under" | "about", minutes) from the first cell's "**Time needed**" line: "GPU full: about 5 min"."""
    first = nbformat.read(path, as_version=4).cells[0].source
    line = next(line for line in first.splitlines() if line.startswith("**Time needed**"))
    m = re.search(r"GPU full: (under|about) (\d+(?:\.\d+)?) min", line)
    assert m, f"{path.name}: no 'GPU full: under/about N min' in {line!r}"
    return m.group(1), float(m.group(2))


def test_every_full_configuration_is_projected():
    assert set(ROWS) >= {p.stem for p in (ROOT / "lectures").glob("*.ipynb")} | {"lab01_compute_budgeting"}
    for r in ROWS.values():
        assert r["params"] > 0 and r["tokens"] > 0 and r["flops"] > 6 * r["tokens"]
        assert r["minutes"]["T4"] >= r["minutes"]["L4"] >= r["minutes"]["A100"] > 0


@pytest.mark.parametrize("name", sorted(ROWS))
def test_stated_gpu_time_agrees_with_the_projection(name):
    kind, minutes = stated_gpu_minutes(ROOT / ROWS[name]["path"])
    projected = ROWS[name]["minutes"]["T4"]
    if kind == "under":
        assert projected <= minutes, f"{name}: states under {minutes} min, projected {projected:.1f} min on a T4"
    else:
        assert abs(projected - minutes) <= 1 or 1 / TOLERANCE <= projected / minutes <= TOLERANCE, (
            f"{name}: states about {minutes} min, projected {projected:.1f} min on a T4"
        )


def test_every_full_configuration_fits_a_t4():
    for name, r in ROWS.items():
        assert r["mem_gb"] < dry_run.T4_MEMORY_GB, f"{name}: {r['mem_gb']:.1f} GB"
        assert r["minutes"]["T4"] <= dry_run.T4_LIMIT_MIN, f"{name}: {r['minutes']['T4']:.1f} min"


def test_memory_formula():
    job = dry_run.Job("x", dict(n_layer=12, n_head=12, d_model=768, n_ctx=1024, vocab_size=50304), 8, 1)
    # GPT-2 small: 124M parameters x 18 bytes + 12 x 8 x 1024 x 768 x 34 + 8 x 1024 x 50304 x 10 bytes
    assert dry_run.memory_estimate(job) == pytest.approx(
        124.48e6 * 18 + 12 * 8 * 1024 * 768 * 34 + 8 * 1024 * 50304 * 10, rel=1e-3
    )
