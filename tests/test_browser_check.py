"""ci/browser_check.py's pure logic: when it skips or fails without a browser, what a student would type.

The browser run itself is the `browser` step of ci/check_all.py, not a unit test.
"""

import json
import socket
import subprocess
import sys

import browser_check
import check_all
from conftest import ROOT


def test_missing_names_chromium_and_playwright(tmp_path):
    absent = tmp_path / "chromium"
    reason = browser_check.missing(absent, has_playwright=False)
    assert f"no chromium at {absent}" in reason and "playwright" in reason
    assert browser_check.missing(absent, has_playwright=True) == f"no chromium at {absent}"


def test_missing_needs_an_executable_chromium(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    assert browser_check.missing(chromium, has_playwright=True) == f"no chromium at {chromium}"
    chromium.chmod(0o755)
    assert browser_check.missing(chromium, has_playwright=True) is None


def test_without_a_browser_it_skips_locally_and_fails_under_ci():
    message, rc = browser_check.unavailable("no chromium at /nowhere", env={})
    assert rc == 0 and message.startswith("browser: skipped: no chromium at /nowhere; install with")
    assert "apt-get install -y chromium" in message
    for ci in ("true", "True", "1"):
        message, rc = browser_check.unavailable("no chromium at /nowhere", env={"CI": ci})
        assert rc == 1 and message.startswith("browser: FAILED: no chromium at /nowhere")
        assert ".ci/run" in message and "apt-get install -y chromium" in message
    assert browser_check.unavailable("x", env={"CI": "false"})[1] == 0


def test_the_script_skips_with_exit_0_when_chromium_is_absent(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MINIREPRO_CHROMIUM": str(tmp_path / "no-chromium"), "CI": ""}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "ci" / "browser_check.py")], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("browser: skipped: no chromium at "), proc.stdout
    env["CI"] = "true"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "ci" / "browser_check.py")], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and proc.stdout.startswith("browser: FAILED: no chromium at "), proc.stdout


def test_reference_answer_is_the_solution_without_its_markers(tmp_path):
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": source.splitlines(keepends=True),
                "metadata": {"nbgrader": {"grade_id": "f", "solution": True}},
            }
        ]
    }
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps(nb))
    assert browser_check.reference_answer(path, "f") == "def f(x):\n    return 2 * x"
    assert browser_check.cell_index(path, "f") == 0


def test_the_lab_it_answers_has_the_answer_and_its_test_next_to_each_other():
    lab = ROOT / "labs" / browser_check.LAB / f"{browser_check.LAB}.ipynb"
    answer_at = browser_check.cell_index(lab, browser_check.ANSWER_ID)
    assert browser_check.cell_index(lab, browser_check.TEST_ID) == answer_at + 1
    answer = browser_check.reference_answer(
        ROOT / "solutions" / browser_check.LAB / f"{browser_check.LAB}.ipynb", browser_check.ANSWER_ID
    )
    assert "SOLUTION" not in answer and "NotImplementedError" not in answer
    compile(answer, "answer", "exec")


def test_fetched_labs_land_where_the_course_config_puts_them():
    assert (
        browser_check.fetched_notebook(ROOT).relative_to(ROOT).as_posix()
        == f"{browser_check.ASSIGNMENT_DIR}/{browser_check.LAB}/{browser_check.LAB}.ipynb"
    )
    assert f'"{browser_check.ASSIGNMENT_DIR}"' in (ROOT / "nbgrader_config.py").read_text()


def test_free_port_is_free():
    port = browser_check.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_check_all_runs_it_beside_pytest():
    assert dict(check_all.STEPS)["browser"][-1] == "ci/browser_check.py"
    assert any("browser" in chain and "pytest" not in chain for chain in check_all.GROUPS[0])
