"""nbgrader configuration for the course (read from the repository root).

solutions/ is the source (instructor versions with solutions and hidden tests); labs/ is the
release (student versions, generated, never edited by hand: `make labs`).
"""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "never-reproduced"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "labs"
# The gradebook stays out of git (see .gitignore); CI uses a scratch one.
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
# Only notebooks go into a release: nothing a solution run leaves in its folder leaks to students.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.pt", "*.png", "*.csv", "*.json"]

# Per-cell time limit while autograding: generous for the slowest honest cell (a few seconds on
# a 2-core CPU), short enough that a student's infinite loop costs one minute per cell that calls it.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Keep labs identical no matter where the solution was last run (JupyterLab adds timing metadata).
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled", "execution", "ExecuteTime"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A course-local exchange, so that `make lab` can release the labs and JupyterLab's Assignments
# panel lists them on a laptop with no shared /srv/nbgrader (git-ignored; a course server sets its own).
import os  # noqa: E402

c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build", "exchange")
# Labs a student fetches from the Assignments panel land in my-labs/<lab>/ (git-ignored), not in the repository root.
# Absolute: the panel changes into this folder and reads the configuration again from there (my-labs/nbgrader_config.py,
# written by `make lab`, loads this file), so a relative path would point at my-labs/my-labs.
c.Exchange.assignment_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "my-labs")

# ---------------------------------------------------------------------------------------------------
# The instructor's path (README "For instructors"; ci/instructor_flow.py runs it end to end).

# zip_collect: submissions downloaded from an LMS into downloaded/<lab>/archive/ (notebooks or .zip
# archives of them). nbgrader collects nothing without this expression; it is matched against the
# whole path of each extracted file (hence the leading ".*/") and reads names such as
#     alice_attempt_2024-01-30-15-00-00_01_compute_budgeting.ipynb
# as student id, submission time (written to submitted/<student>/<lab>/timestamp.txt) and notebook.
# Adapt it to the names your LMS writes.
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/]+?)_attempt_(?P<timestamp>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})_(?P<file_id>[^/]+)\.ipynb$"
)

import glob  # noqa: E402
import re  # noqa: E402

from nbgrader.exchange.default import ExchangeReleaseFeedback  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests  # noqa: E402
from traitlets import List  # noqa: E402


class FeedbackWithoutHiddenTests(ClearHiddenTests):
    """Feedback: remove the hidden tests from test cells, and from what their errors show.

    nbgrader's ClearHiddenTests (as generate_assignment uses it) removes the marked block from the
    source; an IPython traceback would still quote the lines around the failing one, i.e. the hidden
    tests themselves, so a test cell with hidden tests shows its error as 'Type: message' only (the
    assertion's message, written for the student, stays).
    """

    display_data_priority = List().tag(config=True)  # set by nbconvert's HTML exporter; unused here

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    ename, evalue = out.get("ename", "Error"), out.get("evalue", "")
                    out["traceback"] = [f"{ename}: {evalue}" if evalue else ename]
        return super().preprocess_cell(cell, resources, index)


# generate_feedback: nbgrader's default feedback shows the autograded notebook as graded, hidden
# tests included (the whole ### BEGIN HIDDEN TESTS block, expected values and all). These are
# nbgrader's default preprocessors (GetGrades, CSSHTMLHeaderPreprocessor) with the hidden tests removed.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    FeedbackWithoutHiddenTests,
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


class ReleaseFeedbackFromExchangeSubmissions(ExchangeReleaseFeedback):
    """release_feedback that skips, with a warning, submissions that did not come through the exchange.

    nbgrader 0.9.6 reads feedback/<student>/<lab>/timestamp.txt and submission_secret.txt, which only
    `nbgrader submit` writes; for a submission from zip_collect (no secret) or copied into submitted/
    by hand it raised FileNotFoundError and released nothing for the students after it. Such a student
    could not fetch feedback anyway (fetch_feedback finds it through the secret in the student's own
    submission cache): return their feedback/<student>/<lab>/<lab>.html the way the work came (the LMS).
    """

    def copy_files(self):
        regexp = re.escape(os.path.sep).join(
            [
                self.coursedir.format_path(
                    self.coursedir.feedback_directory, "(?P<student_id>.*)", self.coursedir.assignment_id, escape=True
                ),
                "(?P<notebook_id>.*).html",
            ]
        )
        skip = set()
        for html_file in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            m = re.match(regexp, html_file)
            folder = os.path.dirname(html_file)
            missing = [
                f for f in ("timestamp.txt", "submission_secret.txt") if not os.path.isfile(os.path.join(folder, f))
            ]
            if m and missing:
                skip.add(m["student_id"])
                self.log.warning(
                    "Not releasing feedback for student '%s' on '%s': the submission did not come through "
                    "the exchange (no %s), so the student cannot fetch it; send them %s",
                    m["student_id"],
                    self.coursedir.assignment_id,
                    " or ".join(missing),
                    html_file,
                )
        before = self.coursedir.student_id_exclude
        self.coursedir.student_id_exclude = ",".join(x for x in [before, *sorted(skip)] if x)
        try:
            super().copy_files()
        finally:
            self.coursedir.student_id_exclude = before


c.ExchangeFactory.release_feedback = ReleaseFeedbackFromExchangeSubmissions

# `nbgrader export` with a `needs_review` and a `flag` column: why `make grade` flagged a submission
# (its kernel died or timed out, or it tampered with its kernel), so no flagged submission is a silent 0.
c.ExportApp.plugin_class = "minirepro.grading.export.FlaggedCsvExportPlugin"
