"""minirepro.grading: the wire's data-only decoding, the sandbox's confinement, the judge's verdict outside the
student's kernel, and the static scan. (The whole of `make grade` on every lab is ci/grade.py's job.)"""

import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import torch

from minirepro.grading import autograde, judge, sandbox, wire


def _sandbox_reason():
    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as exc:
        return str(exc)
    return None


SANDBOX_REASON = _sandbox_reason()
needs_sandbox = pytest.mark.skipif(SANDBOX_REASON is not None, reason=f"no sandbox here: {SANDBOX_REASON}")


def test_wire_round_trips_plain_data():
    value = {"a": [1, 2.5, float("nan"), 2**70, -3], ("t", 1): {1, 2}, "s": frozenset({"x"}), "b": b"\x00\xff",
             "arr": np.arange(6, dtype=np.int32).reshape(2, 3), "f": np.float64(0.25), "c": 1 + 2j, "r": range(1, 9, 2),
             "t": torch.linspace(0, 1, 5, dtype=torch.bfloat16), "none": None, "flag": True}
    back = wire.decode(wire.loads(wire.dumps(wire.encode(value))))
    assert back["a"][:2] == [1, 2.5] and np.isnan(back["a"][2]) and back["a"][3] == 2**70
    assert back[("t", 1)] == {1, 2} and back["s"] == frozenset({"x"}) and back["b"] == b"\x00\xff"
    assert np.array_equal(back["arr"], value["arr"]) and back["arr"].dtype == np.int32
    assert back["f"] == 0.25 and back["c"] == 1 + 2j and back["r"] == range(1, 9, 2)
    assert back["t"].dtype == torch.bfloat16 and torch.equal(back["t"], value["t"])
    t = torch.ones(3, requires_grad=True) * 2
    assert wire.decode(wire.encode(t)).requires_grad


def test_wire_never_builds_what_the_student_chose():
    class Liar:
        def __eq__(self, other):
            return True

    out = wire.decode(wire.encode(Liar()))
    assert isinstance(out, wire.Unreadable)
    with pytest.raises(TypeError, match="cannot read"):
        _ = out == 1
    with pytest.raises(TypeError):
        bool(out)
    for forged in ({"t": "nd", "dtype": "|O", "shape": [1], "v": ""}, {"t": "pt", "dtype": "cfloat_evil", "shape": [], "v": ""},
                   {"t": "pickle", "v": "..."}, [1, 2], {"t": "list", "v": [[1]]}):
        with pytest.raises((ValueError, TypeError)):
            wire.decode(forged)


@needs_sandbox
def test_sandbox_confines_the_student(tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("scores")
    work = tmp_path / "work"
    work.mkdir()
    (work / "lab.ipynb").write_text("{}")
    probe = (
        "import os, socket, sys\n"
        "print('uid', os.getuid())\n"
        "print('secret', os.path.exists(sys.argv[1]))\n"
        "print('cwd', sorted(os.listdir('.')))\n"
        "open('written.txt', 'w').write('x')\n"
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2); print('net yes')\nexcept OSError:\n    print('net no')\n"
        "try:\n    open('/usr/evil', 'w')\nexcept OSError:\n    print('usr ro')\n"
    )
    proc = subprocess.run(sandbox.wrap([sys.executable, "-c", probe, str(secret)], cwd=str(work)),
                          capture_output=True, text=True, timeout=120, cwd=work)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] != "uid 0" and "secret False" in out and "cwd ['lab.ipynb']" in out
    assert "net no" in out and "usr ro" in out
    assert not (work / "written.txt").exists(), "the sandbox's working folder must be a private copy"


def _notebooks():
    def code(src, **meta):
        cell = nbformat.v4.new_code_cell(src)
        if meta:
            cell.metadata["nbgrader"] = {"schema_version": 3, "locked": not meta.get("solution", False), **meta}
        return cell

    source = nbformat.v4.new_notebook(cells=[
        code("import math"),
        code("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", grade_id="double", solution=True, grade=False),
        code("assert double(2) > 0\n### BEGIN HIDDEN TESTS\nassert math.isclose(double(21), 42)\n### END HIDDEN TESTS",
             grade_id="test_double", grade=True, solution=False, points=2),
        code("def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION", grade_id="halve", solution=True, grade=False),
        code("try:\n    halve('a')\nexcept TypeError:\n    pass\nelse:\n    raise AssertionError('strings must fail')\n"
             "assert halve(3) == 1.5", grade_id="test_halve", grade=True, solution=False, points=1),
    ])

    def submission(double_src, halve_src="def halve(x):\n    return x / 2"):
        nb = nbformat.from_dict(source)
        nb.cells[1].source, nb.cells[3].source = double_src, halve_src
        for c in nb.cells:
            c.source = c.source.replace("### BEGIN HIDDEN TESTS\nassert math.isclose(double(21), 42)\n### END HIDDEN TESTS", "")
        return nb

    return source, submission


def test_judge_runs_the_hidden_tests_outside_the_students_process():
    source, submission = _notebooks()
    use = SANDBOX_REASON is None
    honest = judge.judge(source, submission("def double(x):\n    return 2 * x"), timeout=30, use_sandbox=use)
    assert [(c.grade_id, c.passed) for c in honest.cells] == [("test_double", True), ("test_halve", True)], honest
    assert honest.audit == []
    tamper = (
        "import math\nmath.isclose = lambda *a, **k: True\n"
        "get_ipython().input_transformers_cleanup.append(lambda lines: [l.replace('assert ', 'pass  # ') for l in lines])\n"
        "def double(x):\n    return 3 * x"
    )
    cheat = judge.judge(source, submission(tamper), timeout=30, use_sandbox=use)
    assert [(c.grade_id, c.passed) for c in cheat.cells] == [("test_double", False), ("test_halve", True)], cheat
    assert any("input_transformers_cleanup" in a for a in cheat.audit) and any("math.isclose" in a for a in cheat.audit)


def test_judge_gives_up_on_a_loop_and_keeps_grading():
    source, submission = _notebooks()
    looping = "def double(x):\n    while True:\n        try:\n            pass\n        except BaseException:\n            pass"
    res = judge.judge(source, submission(looping), timeout=3, use_sandbox=SANDBOX_REASON is None)
    by_id = {c.grade_id: c for c in res.cells}
    assert not by_id["test_double"].passed and "did not return" in by_id["test_double"].message
    assert by_id["test_halve"].passed, "the worker is restarted after a timeout: later questions are still graded"


def test_static_scan_flags_hooks_but_not_the_released_cells():
    source, submission = _notebooks()
    clean = submission("def double(x):\n    return 2 * x")
    clean.cells.insert(0, nbformat.v4.new_code_cell("try:\n    import minirepro\nexcept ImportError:\n    %pip install x"))
    source.cells.insert(0, nbformat.v4.new_code_cell(clean.cells[0].source))
    assert autograde.static_flags(clean, source) == []
    sneaky = submission("import math as m\nm.isclose = abs\nimport builtins\nfrom nbgrader.api import Gradebook\n"
                        "get_ipython().ast_transformers.append(1)\ndef double(x):\n    return x")
    found = " ".join(autograde.static_flags(sneaky, source))
    for what in ("m.isclose", "builtins", "nbgrader", "gradebook", "AST transformer"):
        assert what in found, (what, found)


@pytest.mark.skipif(os.geteuid() == 0, reason="only meaningful without root")
def test_make_grade_says_why_without_root():
    with pytest.raises(sandbox.SandboxUnavailable, match="root"):
        sandbox.wrap(["true"])
