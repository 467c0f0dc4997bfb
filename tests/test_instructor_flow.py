"""The instructor's path: the README's block, the nbgrader configuration it relies on, the flow's checks.

The flow itself (about 1.5 minutes: fourteen nbgrader commands and one autograde) is the `instructor`
step of ci/check_all.py; these tests are the fast part.
"""

import re

import instructor_flow as flow
import nbformat
import pytest
from conftest import ROOT
from traitlets.config.loader import PyFileConfigLoader


@pytest.fixture(scope="module")
def config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def test_readme_block_has_every_step_in_order():
    lines = flow.readme_commands()
    assert flow.check_block(lines, flow.README_LAB) == []
    assert all(line.startswith(("nbgrader ", "make grade ")) for line in lines), lines
    assert flow.AUTOGRADE.format(lab=flow.README_LAB) in lines


def test_check_block_notices_a_missing_or_changed_step():
    lines = flow.readme_commands()
    assert flow.check_block([line for line in lines if "zip_collect" not in line], flow.README_LAB)
    changed = [line + " --foo" if line == flow.AUTOGRADE.format(lab=flow.README_LAB) else line for line in lines]
    assert any("AUTOGRADE" in p for p in flow.check_block(changed, flow.README_LAB))


def test_lab_id_substitution_reaches_every_lab_command():
    lines = [line.replace(flow.README_LAB, "02_data") for line in flow.readme_commands()]
    assert flow.check_block(lines, "02_data") == []
    assert not any(flow.README_LAB in line for line in lines)


@pytest.mark.parametrize(
    "path, student, stamp",
    [
        (
            "/c/downloaded/01_compute_budgeting/extracted/alice_attempt_2024-01-30-15-00-00_01_compute_budgeting.ipynb",
            "alice",
            "2024-01-30-15-00-00",
        ),
        (
            "/c/downloaded/01_compute_budgeting/extracted/gradebook_x/j_doe_attempt_2024-12-01-08-30-59_01_compute_budgeting.ipynb",
            "j_doe",
            "2024-12-01-08-30-59",
        ),
    ],
)
def test_zip_collect_pattern_reads_lms_names(config, path, student, stamp):
    m = re.match(config.FileNameCollectorPlugin.named_regexp, path)
    assert m and m["student_id"] == student and m["timestamp"] == stamp and m["file_id"] == "01_compute_budgeting"


def test_zip_collect_pattern_skips_other_files(config):
    assert not re.match(
        config.FileNameCollectorPlugin.named_regexp, "/c/downloaded/lab/extracted/01_compute_budgeting.ipynb"
    )


def _feedback_preprocessor(config):
    [cls] = [p for p in config.GenerateFeedback.preprocessors if not isinstance(p, str)]
    return cls()


def test_feedback_removes_hidden_tests_and_their_traceback(config):
    src = "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 42, 'f(2) is wrong'\n### END HIDDEN TESTS"
    cell = nbformat.v4.new_code_cell(
        src, metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1, "solution": False, "locked": True}}
    )
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="f(2) is wrong",
            traceback=["----> 3 assert f(2) == 42, 'f(2) is wrong'"],
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    pp = _feedback_preprocessor(config)
    assert pp.enabled
    nb, _ = pp.preprocess(nb, {})
    assert nb.cells[0].source == "assert f(1) == 1"
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: f(2) is wrong"]


def test_leak_check_sees_source_lines_and_traceback_quotes(tmp_path):
    hidden = ["assert f(2) == 42, 'f(2) is wrong'"]
    page = tmp_path / "f.html"
    page.write_text("<pre><span>----&gt; 3</span> assert f(2) == 42, &#39;f(2) is wrong&#39;</pre>")
    assert flow.Flow.leaks(page, hidden) == hidden
    page.write_text("<pre>AssertionError: f(2) is wrong</pre>")
    assert flow.Flow.leaks(page, hidden) == []
    page.write_text("<pre>### BEGIN HIDDEN TESTS</pre>")
    assert flow.Flow.leaks(page, hidden) == [flow.HIDDEN_MARKER]


def test_release_feedback_skips_submissions_without_a_secret(config, tmp_path):
    from nbgrader.coursedir import CourseDirectory

    lab = "lab1"
    for student, through_exchange in (("ada", True), ("cleo", False)):
        d = tmp_path / "course" / "feedback" / student / lab
        d.mkdir(parents=True)
        (d / f"{lab}.html").write_text(f"<p>{student}</p>")
        (d / "timestamp.txt").write_text("2024-01-30 15:00:00.000000 UTC")
        if through_exchange:
            (d / "submission_secret.txt").write_text("s" * 16)
    (tmp_path / "exchange").mkdir()
    coursedir = CourseDirectory(root=str(tmp_path / "course"), course_id="c", assignment_id=lab)
    release = config.ExchangeFactory.release_feedback(coursedir=coursedir, root=str(tmp_path / "exchange"))
    release.start()
    released = list((tmp_path / "exchange" / "c" / "feedback").glob("*.html"))
    assert [p.read_text() for p in released] == ["<p>ada</p>"]
    assert coursedir.student_id_exclude == ""


def test_student_data_is_git_ignored():
    assert (
        flow.not_ignored(
            [
                "gradebook.db",
                "grades.csv",
                "downloaded/lab/archive/a.ipynb",
                "submitted/a/lab/lab.ipynb",
                "autograded/a/lab/lab.ipynb",
                "feedback/a/lab/lab.html",
            ]
        )
        == []
    )
