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
    value = {
        "a": [1, 2.5, float("nan"), 2**70, -3],
        ("t", 1): {1, 2},
        "s": frozenset({"x"}),
        "b": b"\x00\xff",
        "arr": np.arange(6, dtype=np.int32).reshape(2, 3),
        "f": np.float64(0.25),
        "c": 1 + 2j,
        "r": range(1, 9, 2),
        "t": torch.linspace(0, 1, 5, dtype=torch.bfloat16),
        "none": None,
        "flag": True,
    }
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
    for forged in (
        {"t": "nd", "dtype": "|O", "shape": [1], "v": ""},
        {"t": "pt", "dtype": "cfloat_evil", "shape": [], "v": ""},
        {"t": "pickle", "v": "..."},
        [1, 2],
        {"t": "list", "v": [[1]]},
    ):
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
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2); print('net yes')\n"
        "except OSError:\n    print('net no')\n"
        "try:\n    open('/usr/evil', 'w')\nexcept OSError:\n    print('usr ro')\n"
    )
    proc = subprocess.run(
        sandbox.wrap([sys.executable, "-c", probe, str(secret)], cwd=str(work)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
    )
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

    source = nbformat.v4.new_notebook(
        cells=[
            code("import math"),
            code(
                "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                grade_id="double",
                solution=True,
                grade=False,
            ),
            code(
                "assert double(2) > 0\n"
                "### BEGIN HIDDEN TESTS\nassert math.isclose(double(21), 42)\n### END HIDDEN TESTS",
                grade_id="test_double",
                grade=True,
                solution=False,
                points=2,
            ),
            code(
                "def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION",
                grade_id="halve",
                solution=True,
                grade=False,
            ),
            code(
                "try:\n    halve('a')\nexcept TypeError:\n    pass\n"
                "else:\n    raise AssertionError('strings must fail')\n"
                "assert halve(3) == 1.5",
                grade_id="test_halve",
                grade=True,
                solution=False,
                points=1,
            ),
        ]
    )

    def submission(double_src, halve_src="def halve(x):\n    return x / 2"):
        nb = nbformat.from_dict(source)
        nb.cells[1].source, nb.cells[3].source = double_src, halve_src
        for c in nb.cells:
            c.source = c.source.replace(
                "### BEGIN HIDDEN TESTS\nassert math.isclose(double(21), 42)\n### END HIDDEN TESTS", ""
            )
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
        "get_ipython().input_transformers_cleanup.append("
        "lambda lines: [line.replace('assert ', 'pass  # ') for line in lines])\n"
        "def double(x):\n    return 3 * x"
    )
    cheat = judge.judge(source, submission(tamper), timeout=30, use_sandbox=use)
    assert [(c.grade_id, c.passed) for c in cheat.cells] == [("test_double", False), ("test_halve", True)], cheat
    assert any("input_transformers_cleanup" in a for a in cheat.audit) and any("math.isclose" in a for a in cheat.audit)


def test_judge_gives_up_on_a_loop_and_keeps_grading():
    source, submission = _notebooks()
    looping = (
        "def double(x):\n    while True:\n        try:\n            pass\n"
        "        except BaseException:\n            pass"
    )
    res = judge.judge(source, submission(looping), timeout=3, use_sandbox=SANDBOX_REASON is None)
    by_id = {c.grade_id: c for c in res.cells}
    assert not by_id["test_double"].passed and "did not return" in by_id["test_double"].message
    assert by_id["test_halve"].passed, "the worker is restarted after a timeout: later questions are still graded"


def test_static_scan_flags_hooks_but_not_the_released_cells():
    source, submission = _notebooks()
    clean = submission("def double(x):\n    return 2 * x")
    clean.cells.insert(
        0, nbformat.v4.new_code_cell("try:\n    import minirepro\nexcept ImportError:\n    %pip install x")
    )
    source.cells.insert(0, nbformat.v4.new_code_cell(clean.cells[0].source))
    assert autograde.static_flags(clean, source) == []
    sneaky = submission(
        "import math as m\nm.isclose = abs\nimport builtins\nfrom nbgrader.api import Gradebook\n"
        "get_ipython().ast_transformers.append(1)\ndef double(x):\n    return x"
    )
    found = " ".join(autograde.static_flags(sneaky, source))
    for what in ("m.isclose", "builtins", "nbgrader", "gradebook", "AST transformer"):
        assert what in found, (what, found)
    unguard = submission(
        "import sys, importlib\nsys.modules.pop('minirepro.measure')\ng = f.__closure__[0]\n"
        "def double(x):\n    return x"
    )
    found = " ".join(autograde.static_flags(unguard, source))
    for what in ("import system", "closures"):
        assert what in found, (what, found)


@pytest.mark.skipif(os.geteuid() == 0, reason="only meaningful without root")
def test_make_grade_says_why_without_root():
    with pytest.raises(sandbox.SandboxUnavailable, match="root"):
        sandbox.wrap(["true"])


FORBID_PROBE = r"""
import sys, types
import minirepro.measure as measure, minirepro.scaling as scaling
from minirepro.grading import forbid
from minirepro.model import GPTConfig
original = measure.flops_per_token
# a library module that re-exports it (`from .measure import flops_per_token`)
reexport = sys.modules["minirepro._reexport_probe"] = types.ModuleType("minirepro._reexport_probe")
reexport.flops_per_token = original
assert forbid.install(["minirepro.measure.flops_per_token"]) == ["minirepro.measure.flops_per_token"]
print("re-export guarded", reexport.flops_per_token is measure.flops_per_token is not original)
def answer(n, l, c, d):  # a one-line wrapper, as a student would write it
    return measure.flops_per_token(n, l, c, d)
try:
    answer(1e6, 2, 64, 32)
    print("wrapper ran")
except forbid.WriteThisYourself as exc:
    print("wrapper refused", "write it yourself" in str(exc).lower())
cfg = GPTConfig(vocab_size=64, n_ctx=16, n_layer=1, n_head=2, d_model=16)
print("library ok", scaling.run_flops_per_token(cfg) > 0)
print("intact", forbid.intact())
measure.flops_per_token = original
print("restored", forbid.intact())
"""


def test_forbidden_library_functions_refuse_answers_but_serve_the_library():
    proc = subprocess.run([sys.executable, "-c", FORBID_PROBE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out == [
        "re-export guarded True",
        "wrapper refused True",
        "library ok True",
        "intact []",
        "restored ['minirepro.measure.flops_per_token']",
    ], proc.stdout


def test_judge_scores_partial_credit_and_switches_off_forbidden_functions():
    source, submission = _notebooks()
    source.metadata["minirepro"] = {"forbidden": ["minirepro.measure.flops_per_token"]}
    # a judgement question: scored by a curve on its outcome (the last expression), as nbgrader scores it
    source.cells.append(
        nbformat.v4.new_code_cell("err = abs(halve(10) - 5.0)\nfloat(round(max(0.0, 3 * (1 - err)), 2))")
    )
    source.cells[-1].metadata["nbgrader"] = {
        "schema_version": 3,
        "grade_id": "test_curve",
        "grade": True,
        "solution": False,
        "locked": True,
        "points": 3,
    }
    use = SANDBOX_REASON is None
    wrapper = (
        "import minirepro.measure\ndef double(x):\n    minirepro.measure.flops_per_token(1, 1, 1, 1)\n    return 2 * x"
    )
    off = "def halve(x):\n    return x / 2 + 0.25"
    res = judge.judge(source, submission(wrapper, off), timeout=30, use_sandbox=use)
    by_id = {c.grade_id: c for c in res.cells}
    assert not by_id["test_double"].passed and "WriteThisYourself" in by_id["test_double"].message, by_id
    assert by_id["test_curve"].passed and by_id["test_curve"].score == 2.25, by_id["test_curve"]
    assert not by_id["test_halve"].passed  # 3 / 2 + 0.25 != 1.5
    assert res.audit == []
    # the library's own function, re-exported under the answer's name, is refused as well
    source.cells[3].source = "def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION"
    reexport = "from minirepro.measure import flops_per_token as double"
    res = judge.judge(source, submission(reexport), timeout=30, use_sandbox=use)
    by_id = {c.grade_id: c for c in res.cells}
    assert not by_id["test_double"].passed and "WriteThisYourself" in by_id["test_double"].message, by_id
    restore = (
        "import minirepro.measure, importlib\nimportlib.reload(minirepro.measure)\n"
        "def double(x):\n    return minirepro.measure.flops_per_token(1, 1, 1, 1) * 0 + 2 * x"
    )
    res = judge.judge(source, submission(restore), timeout=30, use_sandbox=use)
    assert any("restored library functions" in a for a in res.audit), res.audit


def test_judge_scores_numbers_as_nbgrader_does():
    assert judge.cell_score(None, 4) == (4.0, "")
    assert judge.cell_score(True, 4) == (4.0, "")  # nbgrader: not a number, full points
    assert judge.cell_score(1.5, 4)[0] == 1.5 and judge.cell_score(0, 4)[0] == 0.0
    assert judge.cell_score(7.0, 4)[0] == 4.0 and "outside" in judge.cell_score(7.0, 4)[1]
    assert judge.cell_score(float("nan"), 4)[0] == 0.0


def test_the_grading_kernel_switches_off_what_the_kernelspec_forbids(tmp_path, monkeypatch):
    """The kernel nbgrader starts while grading (without the sandbox here: that part is tested above)."""
    import json

    from jupyter_client.manager import start_new_kernel

    spec = sandbox.write_kernelspec(tmp_path, forbidden=["minirepro.measure.flops_per_token"])
    data = json.loads((spec / "kernel.json").read_text())
    assert data["env"] == {"MINIREPRO_FORBIDDEN": "minirepro.measure.flops_per_token"}
    assert data["argv"][data["argv"].index("--") + 1 :][:3] == [sys.executable, "-m", "minirepro.grading.kernel"]
    plain = tmp_path / "plain" / "kernels" / "probe"
    plain.mkdir(parents=True)
    (plain / "kernel.json").write_text(json.dumps({**data, "argv": data["argv"][data["argv"].index("--") + 1 :]}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "plain"))
    km, kc = start_new_kernel(kernel_name="probe")
    out = []
    try:
        kc.execute_interactive(
            "import minirepro.measure as m\ntry:\n    m.flops_per_token(1, 1, 1, 1)\n"
            "except Exception as e:\n    print(type(e).__name__)",
            output_hook=lambda msg: out.append(msg["content"].get("text", "")),
            timeout=120,
        )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "WriteThisYourself" in "".join(out), out


def test_a_forbidden_class_keeps_its_identity_and_refuses_only_answers():
    probe = (
        "import minirepro.model as m, minirepro.scaling as scaling\n"
        "from minirepro.grading import forbid\n"
        "from minirepro.model import GPT\n"
        "cfg = m.GPTConfig(vocab_size=64, n_ctx=16, n_layer=1, n_head=2, d_model=16)\n"
        "forbid.install(['minirepro.model.GPT'])\n"
        "print('same class', m.GPT is GPT)\n"
        "print('library builds it', scaling.count_params(cfg)[1] > 0)\n"
        "class Mine(GPT):\n    pass\n"
        "for make in (lambda: GPT(cfg), lambda: Mine(cfg)):\n"
        "    try:\n        make(); print('built')\n    except forbid.WriteThisYourself:\n        print('refused')\n"
        "print('intact', forbid.intact())\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "same class True",
        "library builds it True",
        "refused",
        "refused",
        "intact []",
    ], proc.stdout
