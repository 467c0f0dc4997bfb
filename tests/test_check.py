"""The lab checker a student runs outside JupyterLab (minirepro-check / minirepro.check_lab)."""

import time

import nbformat
import pytest
from conftest import ROOT

from minirepro import check

LAB = ROOT / "labs" / "01_compute_budgeting" / "01_compute_budgeting.ipynb"
SOLUTION = ROOT / "solutions" / "01_compute_budgeting" / "01_compute_budgeting.ipynb"


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, src, gid in cells:
        cell = nbformat.v4.new_code_cell(src)
        if kind == "answer":
            cell.metadata["nbgrader"] = {
                "solution": True,
                "grade": False,
                "grade_id": gid,
                "locked": False,
                "schema_version": 3,
            }
        elif kind == "test":
            cell.metadata["nbgrader"] = {
                "solution": False,
                "grade": True,
                "grade_id": gid,
                "points": 1,
                "locked": True,
                "schema_version": 3,
            }
        nb.cells.append(cell)
    return nb


def test_untouched_lab_fails_every_question():
    results = check.check_notebook(LAB)
    assert results and not any(r.passed for r in results)
    assert all("NotImplementedError" in r.message or "NameError" in r.message for r in results)


def test_solution_passes_every_question_including_hidden_tests():
    results = check.check_notebook(SOLUTION)
    n_tests = len(check.test_cells(nbformat.read(SOLUTION, as_version=4)))
    assert len(results) == n_tests and all(r.passed for r in results), check.format_results(results)


def test_the_library_s_finished_answers_are_switched_off_as_in_grading(tmp_path):
    nb = _nb(
        ("answer", "import minirepro.measure as m\ndef fpt(*a):\n    return m.flops_per_token(*a)", "fpt"),
        ("test", "assert fpt(1e6, 2, 64, 32) > 0", "test_fpt"),
        ("test", "import minirepro.measure\nassert minirepro.measure.flops_per_token(1e6, 2, 64, 32) > 0", "test_ref"),
    )
    nb.metadata["minirepro"] = {"forbidden": ["minirepro.measure.flops_per_token"]}
    path = tmp_path / "lab.ipynb"
    nbformat.write(nb, path)
    by_id = {r.grade_id: r for r in check.check_notebook(path, timeout=60)}
    assert not by_id["test_fpt"].passed and "WriteThisYourself" in by_id["test_fpt"].message
    assert by_id["test_ref"].passed, by_id["test_ref"].message  # a test may call the library for its reference


def test_infinite_loop_is_interrupted_and_reported(tmp_path):
    path = tmp_path / "loop.ipynb"
    nbformat.write(
        _nb(
            ("answer", "def f():\n    while True:\n        pass", "f"),
            ("test", "f()", "test_f"),
            ("test", "assert 1 + 1 == 2", "test_g"),
        ),
        path,
    )
    results = check.check_notebook(path, timeout=3)
    assert [r.passed for r in results] == [False, True]
    assert "timed out" in results[0].message


# Answers that do not stop when interrupted (issue 9). The sleep puts the interrupt inside the
# ``try``: with ``try: pass`` CPython 3.11 raises it at the loop's jump, outside the ``try``.
SWALLOWS_INTERRUPT = {
    "bare_except": (
        "import time\ndef f():\n    while True:\n        try:\n            time.sleep(0.01)\n"
        "        except:\n            pass"
    ),
    "except_base_exception": (
        "import time\ndef f():\n    while True:\n        try:\n            time.sleep(0.01)\n"
        "        except BaseException:\n            pass"
    ),
    "sigint_ignored": (
        "import signal\ndef f():\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass"
    ),
}


@pytest.mark.parametrize("answer", sorted(SWALLOWS_INTERRUPT))
def test_loop_that_ignores_the_interrupt_is_stopped_and_reported(tmp_path, answer):
    path = tmp_path / "swallow.ipynb"
    cells = [
        ("test", "assert 1 + 1 == 2", "test_before"),
        ("answer", SWALLOWS_INTERRUPT[answer], "f"),
        ("test", "f()", "test_f"),
        ("test", "assert True", "test_after"),
    ]
    nbformat.write(_nb(*cells), path)
    start = time.monotonic()
    results = check.check_notebook(path, timeout=2)
    elapsed = time.monotonic() - start
    assert elapsed < 30, f"took {elapsed:.1f} s"  # 2 s limit + grace + kernel start; it used to hang forever
    assert [(r.grade_id, r.passed) for r in results] == [
        ("test_before", True),
        ("test_f", False),
        ("test_after", False),
    ]
    assert (
        results[1].message
        == "timed out after 2 s: the cell ignored the interrupt (a loop that catches KeyboardInterrupt?)"
    )
    assert results[2].message.startswith("not run: the kernel was stopped because cell 'test_f' ran past 2 s")


def test_cli_reports_a_loop_that_ignores_the_interrupt(tmp_path, capsys):
    path = tmp_path / "swallow.ipynb"
    # hangs in the answer cell itself
    answer = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    nbformat.write(
        _nb(("test", "assert True", "test_before"), ("answer", answer, "hang"), ("test", "assert True", "test_after")),
        path,
    )
    assert check.main([str(path), "--timeout", "1"]) == 1
    out = capsys.readouterr().out
    assert "test_before" in out and "1/2 passed" in out
    assert "not run: the kernel was stopped because cell 'hang' ran past 1 s and ignored the interrupt" in out


def test_dead_kernel_is_reported_not_lost(tmp_path):
    path = tmp_path / "dies.ipynb"
    nbformat.write(
        _nb(
            ("test", "assert True", "test_a"),
            ("answer", "import os\nos._exit(1)", "boom"),
            ("test", "assert True", "test_b"),
        ),
        path,
    )
    results = check.check_notebook(path, timeout=20)
    assert results[0].passed
    assert not results[1].passed and "kernel died" in results[1].message


def test_test_cell_that_kills_the_kernel_fails(tmp_path):
    path = tmp_path / "dies.ipynb"
    dies = "import os, time\nprint('hi')\ntime.sleep(0.5)\nos._exit(1)"  # its execute_input and output arrive first
    nbformat.write(
        _nb(("test", "assert True", "test_a"), ("test", dies, "test_dies"), ("test", "assert True", "test_b")), path
    )
    results = check.check_notebook(path, timeout=20)
    assert [r.passed for r in results] == [True, False, False]
    assert "kernel died while this cell ran" in results[1].message
    assert results[2].message.startswith("not run: the kernel died")


def test_run_tests_here_uses_the_live_namespace():
    nb = _nb(("test", "assert x == 3, 'x should be 3'", "test_x"), ("test", "assert y", "test_y"))
    results = check.run_tests_here(nb, {"x": 3})
    assert results[0].passed and not results[1].passed and results[1].message.startswith("not run yet: y")
    text = check.format_results(results)
    assert "test_x" in text and "1/2 passed" in text and "NOT RUN" in text


def test_check_lab_shows_one_table_and_returns_the_results_without_echoing_them():
    shown = check.CheckResults([check.TestResult("test_a", 2, True), check.TestResult("test_b", 1, False, "x")], "t")
    assert len(shown) == 2 and shown[0].passed  # still the list a program can use
    assert "1/2 passed, 2/3 points" in repr(shown) and "<table>" in shown._repr_html_()
    shown._ipython_display_()  # the echo right after check_lab showed it: nothing
    assert shown._echo_pending is False


def test_check_lab_finds_the_lab_and_skips_inside_a_grader(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(ROOT)
    results = check.check_lab("01_compute_budgeting", namespace={})
    assert results is not None and not any(r.passed for r in results)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert check.check_lab("01_compute_budgeting", namespace={}) is None
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.chdir(tmp_path)
    assert check.check_lab("no_such_lab", namespace={}) is None
    assert "minirepro-check" in capsys.readouterr().out


def test_cli_exit_codes(tmp_path, capsys):
    assert check.main([str(tmp_path / "missing.ipynb")]) == 2
    plain = tmp_path / "plain.ipynb"
    nbformat.write(_nb(("answer", "x = 1", "x")), plain)
    assert check.main([str(plain)]) == 2
    assert "no nbgrader test cells" in capsys.readouterr().err
    ok = tmp_path / "ok.ipynb"
    nbformat.write(_nb(("answer", "x = 1", "x"), ("test", "assert x == 1", "test_x")), ok)
    assert check.main([str(ok)]) == 0
    bad = tmp_path / "bad.ipynb"
    nbformat.write(_nb(("answer", "x = 2", "x"), ("test", "assert x == 1", "test_x")), bad)
    assert check.main([str(bad), "--json"]) == 1
