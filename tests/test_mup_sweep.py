"""The learning-rate sweep across widths (lecture 06, §3) that ships with the library, its card, and the number lab
06's last question is graded against: the best rate at a width the shipped file leaves out, recomputed here so that
the pin in the lab's hidden test cannot go stale."""

import ast
import hashlib
import math
import re

import nbformat
import pytest
from conftest import ROOT, markdown_table_rows

from minirepro import mup

CARD = ROOT / "datasets" / "lr_width_sweep.md"
LAB = ROOT / "solutions" / "06_architecture" / "06_architecture.ipynb"
TEST_ID = "test_predict_best_lr"


@pytest.fixture(scope="module")
def shipped():
    return mup.load_shipped_lr_sweep(with_meta=True)


def test_the_cards_checksum_and_size_match_the_shipped_file():
    data = mup.shipped_lr_sweep_path().read_bytes()
    card = CARD.read_text()
    assert hashlib.sha256(data).hexdigest() in card, "datasets/lr_width_sweep.md: the SHA-256 is not the file's"
    assert f"{len(data):,} bytes" in card, "datasets/lr_width_sweep.md: the size is not the file's"


def test_rows_are_complete_and_hold_only_the_small_widths(shipped):
    rows, meta = shipped
    assert meta["widths"] == list(mup.SHIPPED_LR_WIDTHS) and meta["lrs"] == list(mup.LR_GRID)
    grid = {(r["parametrisation"], r["width"], r["lr"]) for r in rows}
    want = {(p, w, lr) for p in mup.PARAMETRISATIONS for w in mup.SHIPPED_LR_WIDTHS for lr in mup.LR_GRID}
    assert grid == want and len(rows) == len(want), "one row per (parametrisation, width, learning rate)"
    for r in rows:
        assert set(mup.LR_SWEEP_FIELDS) <= set(r), r
        assert r["loss"] is None or (math.isfinite(r["loss"]) and 0 < r["loss"] < 10), r
        assert r["seed"] == 0 and r["base_width"] == (
            mup.SHIPPED_LR_WIDTHS[0] if r["parametrisation"] == "mup" else None
        )
    assert max(r["width"] for r in rows) < _pinned()[0], "the lab's target width must not be in the shipped file"


def test_the_cards_table_of_optima_is_the_files(shipped):
    rows, _ = shipped
    table = markdown_table_rows(CARD, 3)
    for w in mup.SHIPPED_LR_WIDTHS:
        cells = table[f"{w}"]
        for p, cell in zip(mup.PARAMETRISATIONS, cells[1:]):
            assert math.isclose(float(cell), mup.best_lr(rows, w, p), rel_tol=0.01), (w, p, cell)


def test_regenerating_rows_reproduces_them_exactly(shipped):
    rows, _ = shipped
    for p, w, lr in [("sp", 16, mup.LR_GRID[4]), ("mup", 32, mup.LR_GRID[3])]:
        again = mup.lr_width_sweep([w], lrs=[lr], parametrisations=(p,), progress=False)
        (kept,) = [r for r in rows if (r["parametrisation"], r["width"], r["lr"]) == (p, w, lr)]
        assert again == [kept], f"{p}, d_model {w}, lr {lr:.3g}: the sweep no longer reproduces the shipped row"


def _pinned():
    """(TARGET_WIDTH, MEASURED_BEST) as the lab's hidden test pins them."""
    nb = nbformat.read(LAB, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == TEST_ID]
    hidden = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S).group(1)
    values = {}
    for node in ast.parse(hidden).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("TARGET_WIDTH", "MEASURED_BEST"):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values["TARGET_WIDTH"], values["MEASURED_BEST"]


def test_the_labs_pinned_optimum_is_what_the_sweep_measures():
    """Recompute the sweep at the lab's hidden width (12 runs, about 25 s on one thread) and compare with the pin."""
    width, pinned = _pinned()
    rows = mup.lr_width_sweep([width], progress=False)
    measured = {p: mup.best_lr(rows, width, p) for p in mup.PARAMETRISATIONS}
    assert set(pinned) == set(measured)
    for p in measured:
        assert math.isclose(pinned[p], measured[p], rel_tol=1e-6), (
            f"lab 06's hidden test pins the best rate at d_model {width} under {p} at {pinned[p]:.4g}; the sweep "
            f"measures {measured[p]:.4g}: update MEASURED_BEST in solutions/06_architecture (and the card)"
        )
