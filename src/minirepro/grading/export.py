"""``nbgrader export`` with two more columns: ``needs_review`` and ``flag`` (why a submission was flagged).

nbgrader_config.py selects it (``c.ExportApp.plugin_class``); ``make grade`` writes the reasons into the gradebook
(:func:`minirepro.grading.autograde.flag_reason`). A submission whose kernel died or timed out, or that tampered
with its kernel, is never a silent 0 in the export.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from minirepro.grading.autograde import flag_reason

COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "needs_review",
    "flag",
]


class FlaggedCsvExportPlugin(ExportPlugin):
    """nbgrader's CSV export plus ``needs_review`` (yes/no) and ``flag`` (the reason)."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        only_students = [str(s) for s in self.student]
        only_assignments = [str(a) for a in self.assignment]
        self.log.info("Exporting grades (with flags) to %s", dest)
        with open(dest, "w", newline="") as fh:
            out = csv.DictWriter(fh, fieldnames=COLUMNS)
            out.writeheader()
            for assignment in gradebook.assignments:
                if only_assignments and assignment.name not in only_assignments:
                    continue
                for student in gradebook.students:
                    if only_students and student.id not in only_students:
                        continue
                    row = {
                        "assignment": assignment.name,
                        "duedate": assignment.duedate or "",
                        "student_id": student.id,
                        "last_name": student.last_name or "",
                        "first_name": student.first_name or "",
                        "email": student.email or "",
                        "max_score": assignment.max_score,
                    }
                    try:
                        sub = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(
                            timestamp="",
                            raw_score=0.0,
                            late_submission_penalty=0.0,
                            score=0.0,
                            needs_review="no",
                            flag="no submission",
                        )
                    else:
                        penalty = sub.late_submission_penalty or 0.0
                        reasons = "; ".join(
                            filter(
                                None,
                                (flag_reason(gradebook, assignment.name, student.id, nb.name) for nb in sub.notebooks),
                            )
                        )
                        row.update(
                            timestamp=sub.timestamp or "",
                            raw_score=sub.score,
                            late_submission_penalty=penalty,
                            score=max(0.0, sub.score - penalty),
                            needs_review="yes" if (sub.needs_manual_grade or reasons) else "no",
                            flag=reasons,
                        )
                    out.writerow(row)
