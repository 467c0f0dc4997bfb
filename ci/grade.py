"""Prove the graders: the solution gets full marks, the untouched lab zero, every kept wrong answer loses points
on the test it targets, and every kept attack scores no more than its honest answers deserve and is flagged.

Two paths, both reading the instructor's test cells (hidden tests included):

* **the full path** is ``make grade`` itself (:mod:`minirepro.grading.autograde`) in a scratch course with its own
  gradebook: nbgrader autograde with every kernel in the sandbox, then the judge, whose verdict is written into the
  gradebook, then the flags. It grades the solution, the untouched lab and every attack (``ci/attacks/<lab>/``),
  and checks that nothing escaped the sandbox (no file written in the course, no student added to the gradebook).
* **the cheap path** proves the kept wrong answers (``ci/wrong_answers/<lab>/``): one process per lab runs the lab's
  set-up once, then for each wrong answer its answer cells and the test cells it targets. Wrong answers are the
  course's own honest-but-wrong code, so running their tests beside them is sound; the reference solution is run
  the same way first, so a test that cannot pass on this path cannot "catch" a wrong answer either.

A kept file is plain Python with a small header, then ``# %% cell: <grade_id>`` sections that replace answer cells
of the reference solution::

    # Wrong answer: 2ND instead of 6ND (the backward pass forgotten)
    # targets: test_train_flops
    # %% cell: train_flops
    def train_flops(n_params, n_tokens):
        return 2 * n_params * n_tokens

An attack says ``# Attack: ...``, ``# wrong: <tests its answers deserve to fail>`` and ``# expect: flagged`` when the
grader must flag it for manual grading. A description (or a list of tests) too long for one line continues on the
comment lines that follow it, up to the next key (``targets:``, ``wrong:``, ``expect:``) or the first line that is not
a comment; a description's lines are joined with one space::

    # Wrong answer: 2ND instead of 6ND, the backward pass
    # forgotten
    # targets: test_train_flops
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, assignments, scratch_course, table  # noqa: E402 (sys.path set above)

WRONG = ROOT / "ci" / "wrong_answers"
ATTACKS = ROOT / "ci" / "attacks"
SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
#: Seconds a cell may run on the full path (nbgrader_config.py allows 60; CI's honest cells take a few seconds,
#: and the attacks that hang would cost a minute each at 60).
CI_TIMEOUT = {"01_compute_budgeting": 20}
DEFAULT_CI_TIMEOUT = 40
#: The cheap path's limit per cell, in seconds of the process's CPU time (all its threads).
CHEAP_CELL_CPU_S = 60
TEST_FILE = "<instructor's test cell>"


@dataclass
class WrongAnswer:
    name: str
    description: str
    targets: list[str]
    cells: dict[str, str]
    expect: str = "loses-points"  # an attack: "flagged" or "at-most-honest"
    path: Path | None = None
    attack: bool = False


@dataclass
class Outcome:
    student: str
    score: float = 0.0
    max_score: float = 0.0
    per_cell: dict = field(default_factory=dict)  # grade_id -> (score, max)
    status: str = "graded"
    flags: list[str] = field(default_factory=list)
    expectation: str = ""
    ok: bool = False
    why: str = ""


def parse_wrong_answer(path: Path) -> WrongAnswer:
    text = path.read_text()
    header, _, body = text.partition("# %% cell:")
    desc, targets, expect, attack = "", [], None, False
    key = None  # the key the next comment line continues: "desc", "targets" or None
    for line in header.splitlines():
        if m := re.match(r"#\s*(Wrong answer|Attack):\s*(.+)", line):
            desc, attack, key = m[2].strip(), m[1] == "Attack", "desc"
        elif m := re.match(r"#\s*(targets|wrong):\s*(.+)", line):
            targets, key = [t.strip() for t in m[2].split(",") if t.strip()], "targets"
        elif m := re.match(r"#\s*expect:\s*(\S+)", line):
            expect, key = m[1].strip(), None
        elif key and (m := re.match(r"#\s*(\S.*)", line)):
            # a comment line that starts no key continues the one above it
            if key == "desc":
                desc = f"{desc} {m[1].strip()}"
            else:
                targets += [t.strip() for t in m[1].split(",") if t.strip()]
        else:
            key = None
    if not desc or not targets:
        raise ValueError(
            f"{path}: the header needs '# Wrong answer: ...' and '# targets: test_id[, ...]' "
            "(an attack: '# Attack: ...' and '# wrong: test_id[, ...]')"
        )
    allowed = ("flagged", "at-most-honest") if attack else ("loses-points",)
    expect = expect or allowed[-1]
    if expect not in allowed:
        raise ValueError(f"{path}: '# expect:' must be one of {allowed}, not {expect!r}")
    if not body:
        raise ValueError(f"{path}: no '# %% cell: <grade_id>' section")
    cells = {}
    for chunk in ("# %% cell:" + body).split("# %% cell:")[1:]:
        gid, _, src = chunk.partition("\n")
        cells[gid.strip()] = src.strip("\n")
    return WrongAnswer(path.stem, desc, targets, cells, expect, path, attack)


def wrong_answers(aid: str) -> list[WrongAnswer]:
    return [parse_wrong_answer(p) for p in sorted((WRONG / aid).glob("*.py"))]


def attacks(aid: str) -> list[WrongAnswer]:
    return [parse_wrong_answer(p) for p in sorted((ATTACKS / aid).glob("*.py"))]


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_sources(solution_nb) -> dict[str, str]:
    """grade_id -> the reference answer as a student would write it (solution markers removed)."""
    out = {}
    for cell in solution_nb.cells:
        m = _meta(cell)
        if m.get("solution") and cell.cell_type == "code":
            out[m["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines() if not SOLUTION_MARKERS.match(line)
            )
    return out


def fill(lab_nb, sources: dict[str, str], where: str):
    nb = nbformat.from_dict(lab_nb)
    answer_ids = {_meta(c).get("grade_id") for c in nb.cells if _meta(c).get("solution")}
    unknown = set(sources) - answer_ids
    if unknown:
        raise ValueError(
            f"{where}: no answer cell with grade_id {sorted(unknown)} (answer cells: {sorted(answer_ids)})"
        )
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if _meta(cell).get("solution") and gid in sources:
            cell.source = sources[gid]
    return nb


def test_ids(nb) -> list[str]:
    return [_meta(c)["grade_id"] for c in nb.cells if _meta(c).get("grade") and not _meta(c).get("solution")]


def judge(o: Outcome, what: str, wa: WrongAnswer | None) -> tuple[bool, str]:
    """Did the outcome meet its expectation? (ok, why not)"""
    if o.status != "graded":
        return False, f"not graded ({o.status})"
    if what == "full marks":
        short = {k: v for k, v in o.per_cell.items() if v[0] < v[1]}
        if short:
            return False, f"the solution loses points on {short}"
        return (not o.flags, f"the solution is flagged: {o.flags}" if o.flags else "")
    if what == "zero":
        if o.score != 0:
            return False, f"the untouched lab scores {o.score:g}: a test passes without an answer"
        return (not o.flags, f"the untouched lab is flagged: {o.flags}" if o.flags else "")
    if wa is None:
        return False, f"unknown expectation {what!r}"
    missing = [t for t in wa.targets if t not in o.per_cell]
    if missing:
        return False, f"{wa.name}: no score for {missing}"
    # a wrong answer must lose points on its targets (below full marks: partial credit counts); an attack, all
    passed = [t for t in wa.targets if (o.per_cell[t][0] > 0 if wa.attack else o.per_cell[t][0] >= o.per_cell[t][1])]
    if passed:
        kind = "attack" if wa.attack else "wrong answer"
        return False, f"{wa.name}: the {kind} still scores on {passed} ('{wa.description}')"
    if what == "flagged" and not o.flags:
        return False, f"{wa.name}: the attack is not flagged ('{wa.description}')"
    return True, ""


# --- the full path: make grade in a scratch course ------------------------------------------------------------


def _course_files(course: Path) -> set[str]:
    skip = {"submitted", "autograded", "feedback", "release", "source"}
    out = set()
    for p in course.rglob("*"):
        rel = p.relative_to(course)
        if rel.parts[0] in skip or rel.name.startswith(("gradebook.db", "autograde-")) or "__pycache__" in rel.parts:
            continue
        out.add(str(rel))
    return out


def full_path(aid: str, workdir: Path) -> list[Outcome]:
    from minirepro.grading import autograde

    course = scratch_course(workdir / "course")
    shutil.copytree(ROOT / "labs" / aid, course / "labs" / aid)
    lab = nbformat.read(course / "labs" / aid / f"{aid}.ipynb", as_version=4)
    solution = nbformat.read(course / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    reference = answer_sources(solution)
    tests = test_ids(lab)
    subs = {"solution": (fill(lab, reference, "solution"), "full marks", None), "blank": (lab, "zero", None)}
    for wa in attacks(aid):
        bad = [t for t in wa.targets if t not in tests]
        if bad:
            raise ValueError(f"{wa.path}: {bad} are not test cells of {aid} (test cells: {tests})")
        subs[f"attack-{wa.name}"] = (fill(lab, {**reference, **wa.cells}, str(wa.path)), wa.expect, wa)
    for student, (nb, *_rest) in subs.items():
        dest = course / "submitted" / student / aid / f"{aid}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
    before = _course_files(course)
    results = autograde.grade(
        aid, course, jobs=1, log=workdir / "autograde.log", timeout=CI_TIMEOUT.get(aid, DEFAULT_CI_TIMEOUT)
    )
    escaped = sorted(_course_files(course) - before)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        strangers = sorted({s.id for s in gb.students} - set(subs))
    outcomes = []
    for r in results:
        _nb, what, wa = subs[r.student]
        o = Outcome(r.student, r.score, r.max_score, {k: v[:2] for k, v in r.per_cell.items()}, flags=r.flags)
        o.expectation = {
            "full marks": "full marks, not flagged",
            "zero": "zero, not flagged",
            "flagged": f"0 on {', '.join(wa.targets)} + flagged" if wa else "",
            "at-most-honest": f"0 on {', '.join(wa.targets)}" if wa else "",
        }[what]
        o.ok, o.why = judge(o, what, wa)
        outcomes.append(o)
    if escaped or strangers:
        o = Outcome("(sandbox)", status="graded", expectation="nothing written outside the sandbox")
        o.why = f"files written in the course: {escaped}; students added to the gradebook: {strangers}"
        outcomes.append(o)
    return outcomes


# --- the cheap path: every wrong answer's targeted tests, one process per lab ------------------------------------


def _cheap_child(aid: str) -> dict:
    """Runs in its own process: {wrong answer: {test: error or None}} plus the reference's results."""
    import types

    from IPython.core.interactiveshell import InteractiveShell

    os.environ["NBGRADER_EXECUTION"] = "autograde"
    lab = nbformat.read(ROOT / "labs" / aid / f"{aid}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    full_tests = {
        _meta(c)["grade_id"]: c.source for c in solution.cells if _meta(c).get("grade") and not _meta(c).get("solution")
    }
    points = {
        _meta(c)["grade_id"]: float(_meta(c).get("points", 0)) for c in solution.cells if _meta(c).get("grade_id")
    }
    reference = answer_sources(solution)
    shell = InteractiveShell.instance(user_module=types.ModuleType("__main__"))
    from minirepro.grading import forbid
    from minirepro.grading.judge import cell_score, defined_names

    def alarm(*_):
        raise TimeoutError(f"cell used more than {CHEAP_CELL_CPU_S} s of CPU time")

    # A limit on the cell's CPU time, not wall time: it still stops an infinite loop, but a slow cell on a machine
    # that other processes load (CI's two cores shared with a second grading child) is not a failure of the lab.
    signal.signal(signal.SIGPROF, alarm)

    def run(src: str, silent: bool = True):
        signal.setitimer(signal.ITIMER_PROF, CHEAP_CELL_CPU_S)
        try:
            res = shell.run_cell(src, store_history=False, silent=silent)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        err = res.error_before_exec or res.error_in_exec
        return None if err is None else f"{type(err).__name__}: {err}"[:200], res.result

    answer_names = set().union(
        *(defined_names(c.source) for c in solution.cells if _meta(c).get("solution") and c.cell_type == "code")
    )

    def reexported() -> list[str]:
        """Answer names bound to the library's switched-off version itself (``from minirepro.x import f``)."""
        return sorted(
            f"{n} is {forbid.guarded_name(shell.user_ns[n])}"
            for n in answer_names
            if n in shell.user_ns and forbid.guarded_name(shell.user_ns[n])
        )

    def run_test(gid: str) -> list:
        """[score, error]: as the judge scores it (partial credit from the last expression). The test's own code
        is compiled under a name the guards let through: it may call the library for its reference values."""
        name = shell.compile.get_code_name
        shell.compile.get_code_name = lambda *_: TEST_FILE
        try:
            err, value = run(full_tests[gid], silent=False)
        finally:
            shell.compile.get_code_name = name
        found = reexported()
        if found:
            return [0.0, "WriteThisYourself: " + "; ".join(found)]
        return [0.0, err] if err else [cell_score(value, points[gid])[0], None]

    code = [c for c in lab.cells if c.cell_type == "code"]
    first = next(i for i, c in enumerate(code) if _meta(c).get("solution"))
    for cell in code[:first]:  # set-up, parameters, imports: once per lab
        run(cell.source)
    # as in the judge's worker: the library's finished versions of the answers are switched off from here on
    # (the tests below run here too, and may call them: they are the instructor's code, in ci/)
    forbid.install(forbid.forbidden_names(solution))
    forbid.ALLOWED_FILES.add(TEST_FILE)
    rest = code[first:]
    from minirepro.grading.judge import identifiers, needed_cells

    def needed_plain(targets: set[str]) -> set[int]:
        """The plain cells the targeted tests and the answers need (the set-up ran once already)."""
        uses = set().union(
            *(identifiers(full_tests[t]) for t in targets),
            *(identifiers(c.source) for c in rest if _meta(c).get("solution")),
        )
        return needed_cells(rest, uses)

    out = {}
    cases = [("(reference)", reference, set(full_tests))] + [
        (wa.name, {**reference, **wa.cells}, set(wa.targets)) for wa in wrong_answers(aid)
    ]
    for name, answers, targets in cases:
        nb_cells = fill(nbformat.v4.new_notebook(cells=rest), answers, name).cells
        plain = needed_plain(targets) if name != "(reference)" else set(range(len(rest)))
        results = {}
        for i, cell in enumerate(nb_cells):
            gid = _meta(cell).get("grade_id")
            if gid in full_tests:
                if gid in targets:
                    results[gid] = run_test(gid)
            elif _meta(cell).get("solution") or i in plain:
                run(cell.source)
        out[name] = results
    return out


def cheap_path(aid: str, workdir: Path) -> list[Outcome]:
    proc = subprocess.run([sys.executable, __file__, "--cheap-child", aid], capture_output=True, text=True, cwd=workdir)
    (workdir / "wrong_answers.log").write_text(proc.stdout[-20000:] + "\n" + proc.stderr[-20000:])
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return [Outcome("(wrong answers)", status=f"the runner failed: {proc.stderr.strip()[-300:]}")]
    outcomes = []
    ref = data.pop("(reference)")
    points = {
        _meta(c)["grade_id"]: float(_meta(c).get("points", 0))
        for c in nbformat.read(ROOT / "solutions" / aid / f"{aid}.ipynb", as_version=4).cells
        if _meta(c).get("grade_id")
    }
    broken = {
        k: (err or f"partial credit {score:g}/{points[k]:g}")
        for k, (score, err) in ref.items()
        if err or score < points[k]
    }
    o = Outcome("(reference, cheap path)", status="graded", expectation="every test passes")
    o.ok, o.why = (not broken, f"the reference fails on the cheap path: {broken}")
    outcomes.append(o)
    for wa in wrong_answers(aid):
        res = data.get(wa.name, {})
        o = Outcome(f"wrong-{wa.name}", status="graded", expectation=f"fails {', '.join(wa.targets)}")
        o.per_cell = {t: (res[t][0], points[t]) for t in wa.targets if t in res}
        o.ok, o.why = judge(o, "loses-points", wa)
        outcomes.append(o)
    return outcomes


def report(aid: str, outcomes: list[Outcome], seconds: float) -> str:
    rows = []
    for o in outcomes:
        if o.student.startswith("wrong-") or o.student.startswith("("):
            score = "-" if not o.per_cell else ("fails target" if o.ok else "PASSES target")
            partial = [f"{v[0]:g}/{v[1]:g}" for v in o.per_cell.values() if 0 < v[0] < v[1]]
            if partial and o.ok:
                score = "partial " + ", ".join(partial)
        else:
            score = f"{o.score:g}/{o.max_score:g}"
        flag = "; ".join(o.flags)[:90] or "-"
        rows.append([o.student, score, flag, o.expectation, "ok" if o.ok else "FAIL"])
    text = table(
        ["submission", "score", "flag", "expected", "check"], rows, title=f"grading table: {aid} ({seconds:.0f} s)"
    )
    fails = [f"  {aid}/{o.student}: {o.why}" for o in outcomes if not o.ok]
    if fails:
        text += "\nFAILED:\n" + "\n".join(fails)
    return text


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--cheap-child", help=argparse.SUPPRESS)
    p.add_argument("--jobs", type=int, default=2, help="paths run at once (default 2)")
    args = p.parse_args(argv)
    if args.cheap_child:
        print(json.dumps(_cheap_child(args.cheap_child)))
        return 0
    ids = args.assignments or assignments()
    for aid in ids:
        workdir = BUILD / "grading" / aid
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
    # the slowest first: the full paths with the most attacks
    jobs = sorted([(len(attacks(a)), "full", a) for a in ids] + [(0, "cheap", a) for a in ids], reverse=True)
    done = {}

    def run(job):
        _, kind, aid = job
        t0 = time.perf_counter()
        out = (full_path if kind == "full" else cheap_path)(aid, BUILD / "grading" / aid)
        return aid, kind, out, time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for aid, kind, out, seconds in pool.map(run, jobs):
            done.setdefault(aid, []).append((kind, out, seconds))
    failed = 0
    for aid in ids:
        parts = sorted(done[aid], key=lambda x: x[0] != "full")
        outcomes = [o for _, out, _ in parts for o in out]
        seconds = sum(s for *_, s in parts)
        text = report(aid, outcomes, seconds)
        (BUILD / "grading" / aid / "grading_table.txt").write_text(text + "\n")
        print(text + "\n")
        failed += sum(not o.ok for o in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
