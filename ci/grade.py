"""Prove the graders: autograde the solution, the untouched lab and every kept wrong answer.

For each assignment, in a scratch course folder with a scratch gradebook:

* ``solution``  the released lab with the reference answers filled in   -> every test cell at full marks
* ``blank``     the released lab, untouched                             -> zero auto-graded points
* each file in ``ci/wrong_answers/<assignment>/*.py``                    -> loses points on the test cells it targets
  (or, with ``# expect: manual``, a kernel that dies: reported for manual grading, never lost)

Scores are read from nbgrader's gradebook, never from exit codes (autograde exits 0 when cells fail).

A wrong-answer file is plain Python with a small header::

    # Wrong answer: 2ND instead of 6ND (the backward pass forgotten)
    # targets: test_train_flops
    # %% cell: train_flops
    def train_flops(n_params, n_tokens):
        return 2 * n_params * n_tokens

Each ``# %% cell: <grade_id>`` section replaces that answer cell of the solution submission.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, assignments, nbgrader, scratch_course, table  # noqa: E402

WRONG = ROOT / "ci" / "wrong_answers"
SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


@dataclass
class WrongAnswer:
    name: str
    description: str
    targets: list[str]
    cells: dict[str, str]
    expect: str = "loses-points"  # or "manual"
    path: Path | None = None


@dataclass
class Outcome:
    student: str
    score: float = 0.0
    max_score: float = 0.0
    per_cell: dict = field(default_factory=dict)  # grade_id -> (score, max)
    status: str = "graded"
    expectation: str = ""
    ok: bool = False
    why: str = ""


def parse_wrong_answer(path: Path) -> WrongAnswer:
    text = path.read_text()
    header, _, body = text.partition("# %% cell:")
    desc, targets, expect = "", [], "loses-points"
    for line in header.splitlines():
        if m := re.match(r"#\s*Wrong answer:\s*(.+)", line):
            desc = m[1].strip()
        elif m := re.match(r"#\s*targets:\s*(.+)", line):
            targets = [t.strip() for t in m[1].split(",") if t.strip()]
        elif m := re.match(r"#\s*expect:\s*(\S+)", line):
            expect = m[1].strip()
    if not desc or not targets:
        raise ValueError(f"{path}: the header needs '# Wrong answer: ...' and '# targets: test_id[, ...]'")
    if expect not in ("loses-points", "manual"):
        raise ValueError(f"{path}: '# expect:' must be 'loses-points' or 'manual', not {expect!r}")
    if not body:
        raise ValueError(f"{path}: no '# %% cell: <grade_id>' section")
    cells = {}
    for chunk in ("# %% cell:" + body).split("# %% cell:")[1:]:
        gid, _, src = chunk.partition("\n")
        cells[gid.strip()] = src.strip("\n")
    return WrongAnswer(path.stem, desc, targets, cells, expect, path)


def wrong_answers(aid: str) -> list[WrongAnswer]:
    return [parse_wrong_answer(p) for p in sorted((WRONG / aid).glob("*.py"))]


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_sources(solution_nb) -> dict[str, str]:
    """grade_id -> the reference answer as a student would write it (solution markers removed)."""
    out = {}
    for cell in solution_nb.cells:
        m = _meta(cell)
        if m.get("solution") and cell.cell_type == "code":
            out[m["grade_id"]] = "\n".join(l for l in cell.source.splitlines() if not SOLUTION_MARKERS.match(l))
    return out


def fill(lab_nb, sources: dict[str, str], where: str):
    nb = nbformat.from_dict(lab_nb)
    answer_ids = {_meta(c).get("grade_id") for c in nb.cells if _meta(c).get("solution")}
    unknown = set(sources) - answer_ids
    if unknown:
        raise ValueError(f"{where}: no answer cell with grade_id {sorted(unknown)} (answer cells: {sorted(answer_ids)})")
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if _meta(cell).get("solution") and gid in sources:
            cell.source = sources[gid]
    return nb


def grade_assignment(aid: str, workdir: Path) -> list[Outcome]:
    course = scratch_course(workdir / "course")
    db = workdir / "gradebook.db"
    if db.exists():
        db.unlink()
    nbgrader(["generate_assignment", aid, "--force"], course, db)
    lab_path = course / "labs" / aid / f"{aid}.ipynb"
    lab = nbformat.read(lab_path, as_version=4)
    solution = nbformat.read(course / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    reference = answer_sources(solution)
    test_ids = [_meta(c)["grade_id"] for c in lab.cells if _meta(c).get("grade") and not _meta(c).get("solution")]

    subs = {"solution": fill(lab, reference, "solution"), "blank": lab}
    expectations = {"solution": ("full marks", None), "blank": ("zero", None)}
    for wa in wrong_answers(aid):
        bad = [t for t in wa.targets if t not in test_ids]
        if bad:
            raise ValueError(f"{wa.path}: targets {bad} are not test cells of {aid} (test cells: {test_ids})")
        subs[f"wrong-{wa.name}"] = fill(lab, {**reference, **wa.cells}, str(wa.path))
        expectations[f"wrong-{wa.name}"] = (wa.expect, wa)
    for student, nb in subs.items():
        dest = course / "submitted" / student / aid / f"{aid}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)

    proc = nbgrader(["autograde", aid, "--force"], course, db, check=False)
    log = workdir / "autograde.log"
    log.write_text(proc.stdout + "\n" + proc.stderr)
    return read_outcomes(aid, course, db, subs, expectations, test_ids)


def read_outcomes(aid, course, db, subs, expectations, test_ids) -> list[Outcome]:
    from nbgrader.api import Gradebook, MissingEntry

    outcomes = []
    with Gradebook(f"sqlite:///{db}") as gb:
        for student in subs:
            o = Outcome(student)
            what, wa = expectations[student]
            o.expectation = {"full marks": "full marks", "zero": "zero", "manual": "reported for manual grading"}.get(
                what, f"loses points on {', '.join(wa.targets)}" if wa else what
            )
            autograded = course / "autograded" / student / aid / f"{aid}.ipynb"
            try:
                gb.find_submission_notebook(aid, aid, student)
                graded = autograded.exists()
            except MissingEntry:
                graded = False
            if graded:
                for gid in test_ids:
                    g = gb.find_grade(gid, aid, aid, student)
                    o.per_cell[gid] = (float(g.score or 0), float(g.max_score))
                o.score = sum(s for s, _ in o.per_cell.values())
                o.max_score = sum(m for _, m in o.per_cell.values())
            else:
                submitted = course / "submitted" / student / aid / f"{aid}.ipynb"
                o.status = "kernel died: kept for manual grading" if submitted.exists() else "LOST"
            o.ok, o.why = judge(o, what, wa)
            outcomes.append(o)
    return outcomes


def judge(o: Outcome, what: str, wa: WrongAnswer | None) -> tuple[bool, str]:
    if what == "manual":
        if o.status.startswith("kernel died"):
            return True, ""
        return False, f"expected the kernel to die and the submission to be reported; status: {o.status}"
    if o.status != "graded":
        return False, f"not graded ({o.status})"
    if what == "full marks":
        short = {k: v for k, v in o.per_cell.items() if v[0] < v[1]}
        return (not short, "" if not short else f"the solution loses points on {short}")
    if what == "zero":
        return (o.score == 0, "" if o.score == 0 else f"the untouched lab scores {o.score:g}: a test passes without an answer")
    passed = [t for t in wa.targets if o.per_cell[t][0] >= o.per_cell[t][1]]
    if passed:
        return False, f"{wa.name}: the grader still gives full marks on {passed} for '{wa.description}'"
    return True, ""


def report(aid: str, outcomes: list[Outcome], seconds: float) -> str:
    rows = []
    for o in outcomes:
        score = f"{o.score:g}/{o.max_score:g}" if o.status == "graded" else "-"
        rows.append([o.student, score, o.status, o.expectation, "ok" if o.ok else "FAIL"])
    text = table(["submission", "score", "status", "expected", "check"], rows, title=f"grading table: {aid} ({seconds:.0f} s)")
    fails = [f"  {aid}/{o.student}: {o.why}" for o in outcomes if not o.ok]
    if fails:
        text += "\nFAILED:\n" + "\n".join(fails)
    return text


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    args = p.parse_args(argv)
    ids = args.assignments or assignments()
    failed = 0
    for aid in ids:
        workdir = BUILD / "grading" / aid
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        t0 = time.perf_counter()
        outcomes = grade_assignment(aid, workdir)
        text = report(aid, outcomes, time.perf_counter() - t0)
        (workdir / "grading_table.txt").write_text(text + "\n")
        print(text)
        print(f"(autograde log: {(workdir / 'autograde.log').relative_to(ROOT)})\n")
        failed += sum(not o.ok for o in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
