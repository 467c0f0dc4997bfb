"""The instructor's path, end to end: the README's commands on a scratch copy of the course.

In build/instructor/ (a copy of what an instructor's clone holds, its own gradebook.db at the course
root, its own exchange under the course's build/exchange/ as nbgrader_config.py sets it), run the bash
block between ``<!-- instructor-commands:begin -->`` and ``<!-- instructor-commands:end -->`` in
README.md, line by line, with the lab id substituted, and act the students' part between the lines:

* after ``release_assignment``: students fetch the lab through the exchange, fill it and ``nbgrader
  submit`` it (``--student ID``: each one its own home, Jupyter config and submission cache);
* before ``zip_collect``: LMS downloads land in ``downloaded/<lab>/archive/`` (one notebook as the
  LMS names it, one inside a zip archive);
* after the autograde step: the formgrader's manual-grading queue is read from the gradebook;
* after ``release_feedback``: the exchange students ``nbgrader fetch_feedback``.

Submissions: the reference solution (through both routes), the untouched lab, and a kept wrong answer
(``ci/wrong_answers/<lab>/``). Then check, from the gradebook and the exported CSV: full marks for the
solution, zero for the untouched lab, points lost by the wrong answer on the test cells it targets;
every student has feedback HTML (fetched through the exchange, or in feedback/ to return through the
LMS); no feedback HTML holds the hidden-test marker or any line of a hidden-test block of the solution.
Prints a table and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, env_with_venv, table  # noqa: E402 (sys.path set above)
from grade import ATTACKS, WRONG, _meta, answer_sources, fill, parse_wrong_answer  # noqa: E402 (sys.path set above)

README = ROOT / "README.md"
BEGIN, END = "<!-- instructor-commands:begin -->", "<!-- instructor-commands:end -->"
README_LAB = "01_compute_budgeting"  # the lab id the README's block is written for
HIDDEN_MARKER = "BEGIN HIDDEN TESTS"

# The autograde step, exactly as the README's block writes it ({lab} substituted).
AUTOGRADE = "make grade LAB={lab}"  # AUTOGRADE-STEP: sandboxed autograde, verdict from the judge

# The steps the README's block must hold, in this order (named by nbgrader subcommand).
REQUIRED = [
    "generate_assignment",
    "release_assignment",
    "collect",
    "zip_collect",
    "autograde",
    "generate_feedback",
    "release_feedback",
    "export",
]


@dataclass
class Student:
    name: str
    route: str  # "exchange" or "lms"
    kind: str  # "solution", "blank" or "wrong-<name>"
    expect: str = ""
    score: float | None = None
    max_score: float | None = None
    csv_score: float | None = None
    per_cell: dict = field(default_factory=dict)
    feedback: list[Path] = field(default_factory=list)
    feedback_how: str = ""
    flag: str = ""
    problems: list[str] = field(default_factory=list)


def rel(path: Path) -> str:
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


def readme_commands(readme: Path = README) -> list[str]:
    """The command lines of the README's instructor block (comments and blank lines dropped)."""
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme}: no block between {BEGIN} and {END}")
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    m = re.search(r"```bash\n(.*?)```", block, re.S)
    if not m:
        raise SystemExit(f"{readme}: the instructor block has no ```bash fence")
    return [line.strip() for line in m[1].splitlines() if line.strip() and not line.strip().startswith("#")]


def step_name(line: str, lab: str) -> str:
    if line == AUTOGRADE.format(lab=lab):
        return "autograde"
    words = line.split()
    return words[1] if len(words) > 1 and words[0] == "nbgrader" else line


def check_block(lines: list[str], lab: str) -> list[str]:
    names = [step_name(line, lab) for line in lines]
    problems = []
    if AUTOGRADE.format(lab=lab) not in lines:
        problems.append(
            f"README's instructor block has no line `{AUTOGRADE.format(lab=README_LAB)}` (the script's AUTOGRADE step)"
        )
    order = [n for n in names if n in REQUIRED]
    if order != REQUIRED:
        problems.append(f"README's instructor block has the steps {order}; expected {REQUIRED}")
    return problems


def instructor_clone(dest: Path) -> Path:
    """What a clone holds: git's tracked files plus untracked ones git does not ignore."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file() and not src.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def not_ignored(paths: list[str]) -> list[str]:
    """Those of the paths (relative to a course root) that the repository's .gitignore lets through."""
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input="\n".join(paths),
        capture_output=True,
        text=True,
    )
    ignored = set(proc.stdout.splitlines())
    return sorted(p for p in paths if p not in ignored)


def course_settings(course: Path) -> tuple[Path, str]:
    """Exchange root and course id, as the course's nbgrader_config.py sets them."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return Path(cfg.Exchange.root), str(cfg.CourseDirectory.course_id)


class Flow:
    def __init__(self, lab: str, wrong: str | None, work: Path, nbgrader_config: Path | None = None):
        self.lab, self.work, self.nbgrader_config = lab, work, nbgrader_config
        self.course = work / "course"
        self.homes = work / "home"
        self.log_dir = work / "logs"
        self.timings: list[list] = []
        self.failures: list[str] = []
        self.manual_queue: list[str] = []
        self.completed = False
        solution_path = self.course / "solutions" / lab / f"{lab}.ipynb"
        self.wrong = self._pick_wrong(wrong)
        self.students = [
            Student("ada", "exchange", "solution", "full marks"),
            Student("ben", "exchange", f"wrong-{self.wrong.name}", f"loses points on {', '.join(self.wrong.targets)}"),
            Student("cleo", "lms", "blank", "zero"),
            Student("dan", "lms", "solution", "full marks"),
        ]
        crash = ATTACKS / lab / "kernel_dies.py"
        self.crash = parse_wrong_answer(crash) if crash.exists() else None
        if self.crash:  # a submission whose kernel dies: flagged, in the manual queue and the export, never lost
            self.students.append(Student("eve", "exchange", "attack-kernel_dies", "flagged for manual grading"))
        self.solution_path = solution_path

    def _pick_wrong(self, name):
        files = sorted((WRONG / self.lab).glob("*.py"))
        was = [parse_wrong_answer(p) for p in files]
        if name:
            chosen = [w for w in was if w.name == name]
            if not chosen:
                raise SystemExit(f"no wrong answer {name!r} in ci/wrong_answers/{self.lab}/ ({[w.name for w in was]})")
            return chosen[0]
        usable = [w for w in was if w.expect == "loses-points" and "infinite" not in w.name]
        if not usable:
            raise SystemExit(f"ci/wrong_answers/{self.lab}/ has no wrong answer that loses points")
        return usable[0]

    # --- environment -------------------------------------------------------------------------
    def env(self, home: Path) -> dict:
        env = env_with_venv()  # the venv's bin/ first: nbgrader runs `alembic` by name
        env.update(
            HOME=str(home),
            JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
            JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"),
        )
        for var in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH", "JUPYTERHUB_USER"):
            env.pop(var, None)
        return env

    def sh(self, line: str, cwd: Path, home: Path, label: str) -> subprocess.CompletedProcess:
        t0 = time.perf_counter()
        proc = subprocess.run(["bash", "-c", line], cwd=cwd, env=self.env(home), capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        self.timings.append([label, line, f"{seconds:5.1f}", proc.returncode])
        log = self.log_dir / f"{len(self.timings):02d}_{re.sub(r'[^A-Za-z0-9_.-]+', '_', label)[:60]}.log"
        log.write_text(f"$ {line}\n(cwd {cwd}, exit {proc.returncode}, {seconds:.1f} s)\n{proc.stdout}\n{proc.stderr}")
        bad = [
            out_line
            for out_line in (proc.stdout + proc.stderr).splitlines()
            if out_line.startswith("Traceback (most recent call last)")
            or "| ERROR]" in out_line
            or "| CRITICAL]" in out_line
        ]
        if proc.returncode != 0 or bad:
            self.failures.append(
                f"`{line}` ({label}) exited {proc.returncode}{'; ' + bad[0] if bad else ''} — see {rel(log)}"
            )
        return proc

    # --- the students' part --------------------------------------------------------------------
    def submission(self, s: Student, lab_nb):
        if s.kind == "solution":  # the model answers to the written questions too: they wait for a human
            nb = fill(lab_nb, self.reference, "solution")
            written = {
                _meta(c)["grade_id"]: c.source
                for c in self.solution.cells
                if c.cell_type == "markdown" and _meta(c).get("grade") and _meta(c).get("solution")
            }
            for cell in nb.cells:
                if cell.cell_type == "markdown" and _meta(cell).get("grade_id") in written:
                    cell.source = written[_meta(cell)["grade_id"]]
            return nb
        if s.kind == "blank":
            return nbformat.from_dict(lab_nb)
        if s.kind == "attack-kernel_dies":
            return fill(lab_nb, {**self.reference, **self.crash.cells}, str(self.crash.path))
        return fill(lab_nb, {**self.reference, **self.wrong.cells}, str(self.wrong.path))

    def student_home(self, s: Student) -> Path:
        home = self.homes / s.name
        (home / ".jupyter").mkdir(parents=True, exist_ok=True)
        # What a course server's global nbgrader config tells every student.
        (home / ".jupyter" / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa: F821 - provided by nbgrader\nc.Exchange.root = {str(self.exchange)!r}\n"
            f"c.CourseDirectory.course_id = {self.course_id!r}\n"
        )
        return home

    def students_fetch_and_submit(self):
        for s in self.students:
            if s.route != "exchange":
                continue
            home = self.student_home(s)
            self.sh(f"nbgrader fetch_assignment {self.lab}", home, home, f"student {s.name}")
            nb_path = home / self.lab / f"{self.lab}.ipynb"
            if not nb_path.exists():
                self.failures.append(f"{s.name}: fetch_assignment left no {nb_path}")
                continue
            nbformat.write(self.submission(s, nbformat.read(nb_path, as_version=4)), nb_path)
            self.sh(f"nbgrader submit {self.lab} --student {s.name}", home, home, f"student {s.name}")

    def lms_download(self):
        archive = self.course / "downloaded" / self.lab / "archive"
        archive.mkdir(parents=True, exist_ok=True)
        lab_nb = nbformat.read(self.course / "labs" / self.lab / f"{self.lab}.ipynb", as_version=4)
        lms = [s for s in self.students if s.route == "lms"]
        for i, s in enumerate(lms):
            name = f"{s.name}_attempt_2024-01-30-15-0{i}-00_{self.lab}.ipynb"
            text = nbformat.writes(self.submission(s, lab_nb))
            if i == 0:
                (archive / name).write_text(text)  # a single file, as the LMS names it
            else:
                with zipfile.ZipFile(archive / f"gradebook_{self.lab}_submissions.zip", "a") as z:
                    z.writestr(name, text)  # or inside the LMS's "download all" archive

    def students_fetch_feedback(self):
        for s in self.students:
            if s.route == "exchange":
                home = self.homes / s.name
                self.sh(f"nbgrader fetch_feedback {self.lab} --student {s.name}", home, home, f"student {s.name}")
                s.feedback = sorted((home / self.lab / "feedback").glob(f"*/{self.lab}.html"))
                s.feedback_how = "fetch_feedback"
            else:
                s.feedback = sorted((self.course / "feedback" / s.name / self.lab).glob("*.html"))
                s.feedback_how = "feedback/ (via LMS)"

    # --- reading the gradebook -------------------------------------------------------------------
    def read_manual_queue(self):
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", self.course_id) as gb:
            for d in gb.notebook_submission_dicts(self.lab, self.lab):
                if d["needs_manual_grade"]:
                    self.manual_queue.append(d["student"])
        has_manual = any(
            _meta(c).get("task") or (_meta(c).get("grade") and _meta(c).get("solution")) for c in self.solution.cells
        )
        # flagged submissions, and those that answered a written question (an unchanged one scores 0 by itself)
        expected = sorted(
            s.name for s in self.students if s.kind.startswith("attack-") or (has_manual and s.kind == "solution")
        )
        if sorted(self.manual_queue) != expected:
            self.failures.append(f"formgrader manual queue {sorted(self.manual_queue)}, expected {expected}")

    def read_scores(self):
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", self.course_id) as gb:
            for s in self.students:
                try:
                    sub = gb.find_submission(self.lab, s.name)
                except MissingEntry:
                    s.problems.append("no submission in the gradebook")
                    continue
                if not (self.course / "autograded" / s.name / self.lab / f"{self.lab}.ipynb").exists():
                    s.problems.append("not autograded")
                s.score, s.max_score = float(sub.score), float(sub.max_score)
                for gid in self.test_ids:
                    g = gb.find_grade(gid, self.lab, self.lab, s.name)
                    s.per_cell[gid] = (float(g.score or 0), float(g.max_score))
        grades = self.course / "grades.csv"
        rows = {r["student_id"]: r for r in csv.DictReader(grades.open())} if grades.exists() else {}
        if not rows:
            self.failures.append("grades.csv is missing or empty")
        for s in self.students:
            r = rows.get(s.name)
            if r is None or r.get("assignment") != self.lab:
                s.problems.append("not in grades.csv")
                continue
            s.csv_score = float(r["score"])
            s.flag = r.get("flag", "")
            if s.kind.startswith("attack-") and not s.flag:
                s.problems.append("flagged submission without a reason in grades.csv's flag column")
            if not s.kind.startswith("attack-") and s.flag:
                s.problems.append(f"flagged without cause: {s.flag}")
            if s.score is not None and abs(s.csv_score - s.score) > 1e-9:
                s.problems.append(f"grades.csv says {s.csv_score:g}, the gradebook {s.score:g}")

    def judge_scores(self):
        for s in self.students:
            if s.score is None:
                continue
            if s.kind == "solution":
                short = {k: v for k, v in s.per_cell.items() if v[0] < v[1]}  # auto-graded: written ones wait
                if short or not s.per_cell:
                    s.problems.append(f"the solution loses points: {short}")
            elif s.kind == "blank":
                if s.score != 0:
                    s.problems.append(f"the untouched lab scores {s.score:g}")
            elif s.kind.startswith("attack-"):
                kept = [t for t in self.crash.targets if s.per_cell[t][0] > 0]
                if kept:
                    s.problems.append(f"the crashing answer still scores on {kept}")
            else:
                kept = [t for t in self.wrong.targets if s.per_cell[t][0] >= s.per_cell[t][1]]
                if kept or s.score >= s.max_score:
                    s.problems.append(
                        f"the wrong answer '{self.wrong.description}' keeps full marks on {kept or 'all'}"
                    )

    # --- feedback ---------------------------------------------------------------------------------
    def hidden_lines(self) -> list[str]:
        """The lines of the solution's hidden-test blocks that show nowhere else (not in the released lab,
        not in the solution outside the blocks) and are more than a keyword or a bracket."""
        lab_nb = nbformat.read(self.course / "labs" / self.lab / f"{self.lab}.ipynb", as_version=4)
        visible = {line.strip() for c in lab_nb.cells for line in c.source.splitlines()}
        hidden = []
        for c in self.solution.cells:
            inside = False
            for line in c.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line:
                    inside = False
                elif inside:
                    hidden.append(line.strip())
                else:
                    visible.add(line.strip())
        trivial = re.compile(r"^(?:[\W_]|\b(?:pass|else|try|finally|return|break|continue)\b)*$")
        return sorted({line for line in hidden if line not in visible and not trivial.match(line)})

    @staticmethod
    def leaks(path: Path, hidden: list[str]) -> list[str]:
        """Hidden lines that appear in the HTML as a line of their own: in a cell's source, or quoted by a
        traceback ("----> 5 assert ..." or "      4 assert ...")."""
        raw = path.read_text(encoding="utf-8", errors="replace")
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
        shown = {re.sub(r"^(?:-*>\s*)?\d+\s", "", line.strip()).strip() for line in text.splitlines()}
        shown |= {line.strip() for line in text.splitlines()}
        found = [HIDDEN_MARKER] if HIDDEN_MARKER in raw or HIDDEN_MARKER in text else []
        return found + [line for line in hidden if line in shown]

    def judge_feedback(self):
        hidden = self.hidden_lines()
        if not hidden:
            self.failures.append(f"solutions/{self.lab} has no hidden-test lines to look for")
        for s in self.students:
            if not s.feedback:
                s.problems.append(f"no feedback HTML ({s.feedback_how})")
        every_html = sorted(
            {
                *(p for s in self.students for p in s.feedback),
                *(self.course / "feedback").glob(f"*/{self.lab}/*.html"),
                *(self.exchange / self.course_id / "feedback").glob("*.html"),
            }
        )
        for path in every_html:
            found = self.leaks(path, hidden)
            if found:
                owner = next((s for s in self.students if path in s.feedback), None)
                msg = f"{rel(path)} shows hidden tests: {found[:3]}{' ...' if len(found) > 3 else ''}"
                (owner.problems if owner else self.failures).append(msg)
        released = list((self.exchange / self.course_id / "feedback").glob("*.html"))
        n_exchange = sum(s.route == "exchange" for s in self.students)
        if len(released) != n_exchange:
            self.failures.append(f"release_feedback put {len(released)} files in the exchange, expected {n_exchange}")
        self.n_html = len(every_html)

    # --- the flow ---------------------------------------------------------------------------------
    def run(self) -> int:
        t_all = time.perf_counter()
        lines = [line.replace(README_LAB, self.lab) for line in readme_commands()]
        self.failures += check_block(lines, self.lab)
        if self.failures:
            return self.report(time.perf_counter() - t_all)

        if self.work.exists():
            shutil.rmtree(self.work)
        for d in (self.course, self.homes, self.log_dir):
            d.mkdir(parents=True)
        instructor_clone(self.course)
        # the clone uses this checkout's venv (as `make` would after its set-up): a stamp newer than the
        # clone's pyproject.toml, so `make grade` does not reinstall (and never repoints the editable install)
        (self.course / ".venv").symlink_to(ROOT / ".venv")
        (ROOT / ".venv" / ".installed").touch()
        if self.nbgrader_config:
            shutil.copy2(self.nbgrader_config, self.course / "nbgrader_config.py")
        for stale in ("gradebook.db", "submitted", "autograded", "feedback", "downloaded", "grades.csv", "build"):
            p = self.course / stale
            shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
        self.exchange, self.course_id = course_settings(self.course)
        if not self.exchange.resolve().is_relative_to(self.work.resolve()):
            self.failures.append(f"the scratch course's exchange {self.exchange} is outside {self.work}")
            return self.report(time.perf_counter() - t_all)
        self.solution = nbformat.read(self.solution_path, as_version=4)
        self.reference = answer_sources(self.solution)
        self.test_ids = [
            _meta(c)["grade_id"] for c in self.solution.cells if _meta(c).get("grade") and not _meta(c).get("solution")
        ]
        self.timings.append(["setup", "scratch course, README block", f"{time.perf_counter() - t_all:5.1f}", 0])

        before = {"zip_collect": self.lms_download}
        after = {
            "release_assignment": self.students_fetch_and_submit,
            "autograde": self.read_manual_queue,
            "release_feedback": self.students_fetch_feedback,
        }
        instructor = self.homes / "instructor"
        instructor.mkdir()
        files_before = snapshot(self.course)
        for line in lines:
            name = step_name(line, self.lab)
            if name in before:
                before[name]()
            command = AUTOGRADE.format(lab=self.lab) if name == "autograde" else line
            self.sh(command, self.course, instructor, "instructor")
            if self.failures:
                break  # a failed step makes the rest meaningless; the log says why
            if name in after:
                after[name]()
        if not self.failures:
            self.read_scores()
            self.judge_scores()
            self.judge_feedback()
            self.completed = True
            after = snapshot(self.course)
            leaked = not_ignored([p for p, h in after.items() if files_before.get(p) != h])
            if leaked:
                self.failures.append(
                    f"files the steps wrote that git would commit: {leaked[:5]}{' ...' if len(leaked) > 5 else ''}"
                )
        return self.report(time.perf_counter() - t_all)

    def report(self, seconds: float) -> int:
        print(table(["who", "command", "seconds", "exit"], self.timings, title=f"instructor flow: {self.lab}"))
        rows = []
        for s in self.students:
            score = f"{s.score:g}/{s.max_score:g}" if s.score is not None else "-"
            fb = f"{len(s.feedback)} html, {s.feedback_how}" if s.feedback else "none"
            rows.append(
                [
                    s.name,
                    s.route,
                    s.kind,
                    score,
                    "-" if s.csv_score is None else f"{s.csv_score:g}",
                    s.expect,
                    fb,
                    "FAIL" if s.problems else "ok" if self.completed else "-",
                ]
            )
        print()
        print(
            table(
                ["student", "submitted via", "submission", "score", "grades.csv", "expected", "feedback", "check"],
                rows,
                title=f"students ({seconds:.0f} s in all)",
            )
        )
        print(f"formgrader manual queue: {self.manual_queue or 'empty'}")
        if hasattr(self, "n_html"):
            print(f"feedback HTML files checked for hidden tests: {self.n_html}")
        fails = self.failures + [f"{s.name}: {p}" for s in self.students for p in s.problems]
        summary = {
            "lab": self.lab,
            "seconds": round(seconds, 1),
            "failures": fails,
            "students": [
                {
                    "name": s.name,
                    "route": s.route,
                    "submission": s.kind,
                    "score": s.score,
                    "max_score": s.max_score,
                    "feedback": [str(p) for p in s.feedback],
                }
                for s in self.students
            ],
        }
        if self.work.exists():
            (self.work / "summary.json").write_text(json.dumps(summary, indent=1))
        if fails:
            print("FAILED:\n" + "\n".join(f"  {f}" for f in fails))
            return 1
        print(f"instructor flow: ok ({seconds:.0f} s; logs in {rel(self.log_dir)})")
        return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lab", default=README_LAB, help=f"assignment id (default {README_LAB})")
    p.add_argument("--wrong", help="which kept wrong answer to submit (default: the first that loses points)")
    p.add_argument(
        "--workdir", type=Path, default=BUILD / "instructor", help="scratch folder (default build/instructor)"
    )
    p.add_argument(
        "--nbgrader-config", type=Path, help="use this nbgrader_config.py in the scratch course (to test the checks)"
    )
    args = p.parse_args(argv)
    if not (ROOT / "solutions" / args.lab / f"{args.lab}.ipynb").exists():
        raise SystemExit(f"no solutions/{args.lab}/{args.lab}.ipynb")
    return Flow(args.lab, args.wrong, args.workdir.resolve(), args.nbgrader_config).run()


if __name__ == "__main__":
    sys.exit(main())
