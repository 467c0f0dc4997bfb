"""ci/colab_check.py's pure logic: the wheel's contents, torch/numpy left alone, the verdicts on executed notebooks.

The check itself (a venv, a wheel, papermill) runs in `make test` as the `colab` step, not here.
"""

import json
import zipfile
from pathlib import Path

import check_all
import colab_check as cc
import pytest

GOOD = [
    "minirepro/__init__.py",
    "minirepro/budget.py",
    "minirepro/shipped/scaling_sweep_smoke.json",
    "minirepro-0.1.0.dist-info/METADATA",
    "minirepro-0.1.0.dist-info/RECORD",
]


def fake_wheel(tmp_path: Path, names: list[str]) -> list[str]:
    path = tmp_path / "minirepro-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.writestr(name, "")
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def test_a_good_wheel_has_no_problems(tmp_path):
    assert cc.wheel_problems(fake_wheel(tmp_path, GOOD), ["shipped/scaling_sweep_smoke.json"]) == []


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("tests/test_budget.py", "does not belong"),
        ("ci/grade.py", "does not belong"),
        ("solutions/01_compute_budgeting/01_compute_budgeting.ipynb", "does not belong"),
        ("minirepro/ci/grade.py", "does not belong"),
        ("conftest.py", "unexpected top-level"),
    ],
)
def test_a_wheel_with_course_files_is_flagged(tmp_path, extra, expected):
    problems = cc.wheel_problems(fake_wheel(tmp_path, GOOD + [extra]), ["shipped/scaling_sweep_smoke.json"])
    assert len(problems) == 1 and expected in problems[0] and extra in problems[0]


def test_a_wheel_without_its_package_data_is_flagged(tmp_path):
    names = fake_wheel(tmp_path, [n for n in GOOD if "shipped" not in n])
    assert cc.wheel_problems(names, ["shipped/scaling_sweep_smoke.json"]) == [
        "package data missing: minirepro/shipped/scaling_sweep_smoke.json"
    ]
    assert "no minirepro/__init__.py" in cc.wheel_problems(["minirepro/shipped/x.json"], [])


def test_versions_unchanged_and_replaced():
    before = cc.parse_freeze("numpy==2.4.6\ntorch==2.13.0+cpu\n-e git+https://x#egg=y\nsympy==1.14.0\n")
    assert before == {"numpy": "2.4.6", "torch": "2.13.0+cpu", "sympy": "1.14.0"}
    assert cc.replaced(before, dict(before, sympy="1.15.0")) == []  # only torch and numpy are Colab's to keep
    assert cc.replaced(before, dict(before, torch="2.14.1")) == ["torch: 2.13.0+cpu -> 2.14.1"]
    assert cc.replaced(before, {"torch": "2.13.0+cpu"}) == ["numpy: 2.4.6 -> absent"]


def test_constraints_lose_only_the_preinstalled_pins():
    text = "# tested\nnumpy==2.4.6\nnumpydoc==1.8\ntorch==2.13.0\ntorchvision==0.28.0\nscipy==1.16.0\n"
    assert cc.filtered_constraints(text) == "# tested\nnumpydoc==1.8\ntorchvision==0.28.0\nscipy==1.16.0\n"


def cell(kind="code", grader=None, error=None, text=None):
    c = {"cell_type": kind, "metadata": {}, "source": "", "outputs": []}
    if grader:
        c["metadata"]["nbgrader"] = grader
    if error:
        c["outputs"].append({"output_type": "error", "ename": error, "evalue": "", "traceback": []})
    if text:
        c["outputs"].append({"output_type": "stream", "name": "stdout", "text": text})
    return c


ANSWER = {"solution": True, "grade": False}
TEST = {"solution": False, "grade": True}


@pytest.mark.parametrize(
    "cells, verdict",
    [
        ([cell(), cell(), cell(grader=ANSWER), cell(grader=TEST, error="NotImplementedError")], ""),
        ([cell(), cell(grader=ANSWER, error="NotImplementedError")], ""),
        ([cell(error="ImportError"), cell(grader=ANSWER)], "raised ImportError"),
        ([cell(), cell(grader=ANSWER), cell(grader=TEST, error="FileNotFoundError")], "raised FileNotFoundError"),
        ([cell(error="NotImplementedError"), cell(grader=ANSWER)], "not an answer or test cell"),
        ([cell(), cell(grader=ANSWER), cell(grader=TEST)], "ran through"),
        ([cell(), cell(error="NotImplementedError")], "no answer cell"),
    ],
)
def test_student_lab_verdicts(cells, verdict):
    nb = {"cells": cells}
    problem = cc.student_lab_problem(nb, cc.first_error(nb))
    assert (problem == "") if verdict == "" else (verdict in problem), problem


def probe_nb(**probe):
    c = cell(text="noise\nCOLAB-PROBE " + json.dumps(probe) + "\n")
    c["metadata"]["tags"] = [cc.PROBE_TAG]
    return {"cells": [cell(), c]}


def test_probe_accepts_the_wheel_in_the_venv_and_rejects_anything_else(tmp_path):
    venv, wheel = tmp_path / "venv", Path("/x/dist/minirepro-0.1.0-py3-none-any.whl")
    versions = {"torch": "2.13.0+cpu", "numpy": "2.4.6"}
    good = dict(
        executable=str(venv / "bin/python"),
        minirepro=str(venv / "lib/python3.11/site-packages/minirepro/__init__.py"),
        direct_url=json.dumps({"url": f"file://{wheel}", "archive_info": {}}),
        **versions,
    )
    assert cc.probe_problems(cc.probe_result(probe_nb(**good)), venv, wheel, versions) == []
    assert cc.probe_problems(cc.probe_result({"cells": [cell()]}), venv, wheel, versions) == [
        "the probe cell did not run"
    ]
    bad = {
        "executable": "/usr/bin/python3",
        "minirepro": "/work/main/src/minirepro/__init__.py",
        "direct_url": json.dumps({"url": "https://github.com/o/r", "vcs_info": {"vcs": "git"}}),
        "torch": "2.14.1",
    }
    for key, value in bad.items():
        problems = cc.probe_problems(cc.probe_result(probe_nb(**dict(good, **{key: value}))), venv, wheel, versions)
        assert len(problems) == 1, (key, problems)


def test_local_wheel_tags(tmp_path):
    (tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"")
    (tmp_path / "torch-2.14.1-cp312-cp312-manylinux_2_28_x86_64.whl").write_bytes(b"")
    assert cc.local_wheel_tags("torch", "2.13.0", [str(tmp_path), "/no/such/folder"]) == {"cp311"}
    assert cc.local_wheel_tags("torch", "2.14.1", [f"file://{tmp_path}"]) == {"cp312"}


def test_colab_is_a_step_of_make_test():
    assert "colab" in dict(check_all.STEPS)
    assert any(chain for group in check_all.GROUPS for chain in group if "colab" in chain)
