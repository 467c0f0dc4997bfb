"""Lectures show, labs ask: ci/copies.py finds a lab answer's code in a lecture, renamed or reformatted
(tests/test_lab_design.py runs it on the course)."""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ci"))
import copies  # noqa: E402 (sys.path set above)

ANSWER = """
def young(checkpoint_cost, mtbf):
    ### BEGIN SOLUTION
    interval = math.sqrt(2 * checkpoint_cost * mtbf)  # Young 1974
    return interval - checkpoint_cost / 2
    ### END SOLUTION
"""


def _solution(src):
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["nbgrader"] = {
        "solution": True,
        "grade": False,
        "grade_id": "young",
        "locked": False,
        "schema_version": 3,
    }
    return nbformat.v4.new_notebook(cells=[cell])


def test_a_renamed_and_reformatted_copy_is_found():
    ((gid, region),) = copies.answer_regions(_solution(ANSWER))
    assert gid == "young" and "BEGIN" not in region
    renamed = "def opt(delta,M):\n  t=math.sqrt( 2*delta*M )\n  # a comment\n  return t-delta/2\nprint(opt(1, 2))"
    assert copies.copied(region, renamed)
    assert copies.copied(
        region, "x = facts.Y\n" + renamed.replace("\n", "\n    ").replace("def", "if True:\n    def", 1)
    )


def test_different_code_and_a_one_line_fact_are_not_copies():
    ((_, region),) = copies.answer_regions(_solution(ANSWER))
    assert copies.copied(region, "interval = np.exp(2 * cost * mtbf)\nreturn interval + cost / 2") is None
    assert copies.copied(region, "from minirepro import budget\nprint(budget.young(60, 3600))") is None
    fact = "    return 6 * n_params * n_tokens"
    assert copies.copied(fact, "C = 6 * N * D") is None  # shorter than a whole answer worth checking


def test_a_long_answer_shares_no_window_with_a_lecture():
    body = "\n".join(f"    v{i} = np.sum(x[{i}:] * w[:{i}]) / (1 + v{i - 1})" for i in range(1, 8))
    region = copies.answer_regions(
        _solution(f"def f(x, w):\n    ### BEGIN SOLUTION\n    v0 = 0\n{body}\n    ### END SOLUTION")
    )[0][1]
    middle = "\n".join(region.splitlines()[3:7])
    assert copies.copied(region, middle) and "consecutive tokens" in copies.copied(region, middle)
