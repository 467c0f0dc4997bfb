"""What every lab must be, read from its solution notebook (the source nbgrader releases from):

* at least one decision question graded by its outcome on hidden inputs: a test cell with a hidden-tests region
  whose last line is its partial credit, ``float(...)`` (nbgrader reads the number; so does the judge);
* written questions (manually graded answers) carry a rubric and at most 10% of the lab's points;
* every library function the lab forbids exists, and a kept wrong answer wraps it (and must lose points: ci/grade.py);
* every answer cell has a test that grades it, and every cell a test relies on is locked or an answer;
* no lecture contains the code of an answer (ci/copies.py).
"""

import ast
import importlib
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from minirepro.grading.forbid import forbidden_names  # noqa: E402 (sys.path set above)

LABS = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/*.ipynb"))


def meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def solution(lab):
    return nbformat.read(ROOT / "solutions" / lab / f"{lab}.ipynb", as_version=4)


def is_test(cell):
    return cell.cell_type == "code" and meta(cell).get("grade") and not meta(cell).get("solution")


def last_expression(source: str):
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    body = ast.parse(code).body
    return body[-1].value if body and isinstance(body[-1], ast.Expr) else None


@pytest.mark.parametrize("lab", LABS)
def test_partial_credit_is_a_plain_float(lab):
    """nbgrader turns the last expression's text into a score: only a Python float reads back as one
    (``np.float64(0.5)`` would count as full marks)."""
    for cell in solution(lab).cells:
        if is_test(cell):
            expr = last_expression(cell.source)
            if expr is not None:
                assert isinstance(expr, ast.Call) and getattr(expr.func, "id", None) == "float", (
                    f"{lab}/{meta(cell)['grade_id']}: a test cell's last expression is its score; write it as "
                    f"float(...), not {ast.unparse(expr)[:60]}"
                )


@pytest.mark.parametrize("lab", LABS)
def test_each_lab_has_a_decision_graded_by_its_outcome_on_hidden_inputs(lab):
    judged = [
        meta(c)["grade_id"]
        for c in solution(lab).cells
        if is_test(c) and last_expression(c.source) is not None and "### BEGIN HIDDEN TESTS" in c.source
    ]
    assert judged, (
        f"{lab}: no test cell both has hidden tests and ends in its partial credit: every lab needs a "
        "decision graded by its outcome on hidden inputs (COURSE_DESIGN.md, lab conventions)"
    )


@pytest.mark.parametrize("lab", LABS)
def test_written_questions_have_a_rubric_and_at_most_a_tenth_of_the_points(lab):
    nb = solution(lab)
    total = sum(float(meta(c).get("points", 0)) for c in nb.cells if meta(c).get("grade"))
    written = [c for c in nb.cells if c.cell_type == "markdown" and meta(c).get("solution") and meta(c).get("grade")]
    points = sum(float(meta(c)["points"]) for c in written)
    assert points <= 0.1 * total + 1e-9, f"{lab}: written questions carry {points:g} of {total:g} points (at most 10%)"
    for c in written:
        assert re.search(r"rubric", c.source, re.I), f"{lab}/{meta(c)['grade_id']}: the model answer needs its rubric"


@pytest.mark.parametrize("lab", LABS)
def test_forbidden_functions_exist_and_a_kept_wrapper_proves_each(lab):
    names = forbidden_names(solution(lab))
    kept = "\n".join(p.read_text() for p in (ROOT / "ci" / "wrong_answers" / lab).glob("library_*.py"))
    for dotted in names:
        modname, _, attr = dotted.rpartition(".")
        assert hasattr(importlib.import_module(modname), attr), f"{lab}: forbids {dotted}, which does not exist"
        assert re.search(rf"\b{re.escape(attr)}\b", kept), (
            f"{lab}: no ci/wrong_answers/{lab}/library_*.py wraps {dotted}: keep the one-line wrapper that must "
            "lose points"
        )


def free_names(source: str) -> set[str]:
    """Names a cell reads without binding them itself (what it takes from the cells before it)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    tree = ast.parse(code)
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return loaded - bound


@pytest.mark.parametrize("lab", LABS)
def test_every_answer_is_graded_and_the_cells_tests_use_are_locked(lab):
    nb = solution(lab)
    tests = "\n".join(c.source for c in nb.cells if is_test(c))
    test_reads = set().union(*(free_names(c.source) for c in nb.cells if is_test(c)))
    for c in nb.cells:
        m = meta(c)
        if c.cell_type == "code" and m.get("solution"):
            from minirepro.grading.judge import defined_names

            names = defined_names(c.source)
            assert any(re.search(rf"\b{re.escape(n)}\b", tests) for n in names), (
                f"{lab}/{m.get('grade_id')}: no test uses what this answer defines ({names})"
            )
    first = next(i for i, c in enumerate(nb.cells) if meta(c).get("solution"))
    from minirepro.grading.judge import defined_names

    for c in nb.cells[first:]:
        if c.cell_type != "code" or meta(c).get("solution") or is_test(c):
            continue
        used = [n for n in defined_names(c.source) if n in test_reads]
        assert not used or meta(c).get("locked"), (
            f"{lab}: the cell defining {used} is used by the tests but is not locked (nbgrader 'locked': true)"
        )


def test_no_lecture_contains_a_lab_answer():
    sys.path.insert(0, str(ROOT / "ci"))
    import copies

    found = copies.find_copies()
    assert not found, "\n".join(map(str, found))
