"""``make grade LAB=<lab>``: autograde every submission of a lab in the sandbox, with the verdict from the judge.

Run from the course root (where ``nbgrader_config.py`` and ``gradebook.db`` are), as root (the sandbox needs it):

1. registers the lab in the course gradebook if it is not there yet (``generate_assignment`` into a scratch
   release folder, so ``labs/`` is never rewritten and existing submissions are never refused);
2. ``nbgrader autograde LAB --force``, every student's kernel in the sandbox (:mod:`.sandbox`): it cannot read
   ``solutions/``, the gradebook, the exchange or other students' work, and has no network. This makes the
   autograded notebooks and the feedback the formgrader shows;
3. the judge (:mod:`.judge`) re-runs each submission in a fresh sandboxed worker and evaluates the instructor's
   test cells, hidden tests included, in a process the student's code never touched: its verdict replaces the
   scores the student's own kernel reported;
4. flags a submission for manual grading, with the reason in the gradebook (formgrader's manual queue, the
   comment on the first answer, and the ``flag`` column of ``nbgrader export``) when: its kernel died or a cell
   timed out; a test passed in its own kernel but failed in the judge (tampering, or nondeterminism); the
   worker's audit saw the interpreter changed (input/AST transformers, event callbacks, patched functions of
   ``math``, ``numpy``, ``torch``, ``builtins`` or the course library); or its code reaches for those hooks;
5. prints a table: student, score, in-kernel score, flag.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from minirepro.grading import sandbox
from minirepro.grading.judge import is_answer, is_test, nbmeta

FLAG_PREFIX = "[needs review] "

#: Names that have no business in a lab answer: they reach into the kernel, the grader or the file system.
SUSPICIOUS_NAMES = {
    "get_ipython": "uses get_ipython()",
    "input_transformers_cleanup": "adds an input transformer",
    "input_transformers_post": "adds an input transformer",
    "ast_transformers": "adds an AST transformer",
    "set_custom_exc": "sets a custom exception handler",
    "settrace": "sets a trace function",
    "setprofile": "sets a profile function",
    "addaudithook": "adds an audit hook",
    "__builtins__": "touches __builtins__",
    "builtins": "touches builtins",
    "ctypes": "uses ctypes",
    "subprocess": "starts processes",
    "__import__": "imports dynamically",
    "importlib": "imports dynamically",
    "exec": "calls exec",
    "eval": "calls eval",
    "Gradebook": "opens the gradebook",
    "nbgrader": "imports nbgrader",
    "socket": "opens sockets",
    "__subclasses__": "walks __subclasses__",
    "__globals__": "reads __globals__",
    "f_back": "walks stack frames",
    "_getframe": "walks stack frames",
    "meta_path": "changes the import system",
    "signal": "handles signals",
    "__closure__": "reads closures",
    "__wrapped__": "unwraps functions",
    "reload": "reloads modules",
    "grading": "reaches into the grader",
    "ALLOWED_FILES": "reaches into the grader",
    "_GUARDS": "reaches into the grader",
    "__code__": "reads or replaces code objects",
}
PATCHABLE_MODULES = {
    "math",
    "cmath",
    "numpy",
    "np",
    "torch",
    "F",
    "builtins",
    "minirepro",
    "operator",
    "random",
    "statistics",
    "json",
    "scipy",
    "nn",
}


def static_flags(submission_nb, released_nb) -> list[str]:
    """What the student's own code reaches for (read as text: nothing of the submission runs here).

    Cells that are exactly as released (the setup cell's ``%pip`` is a ``get_ipython()`` call) are not the student's.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    released = {c.source.strip() for c in released_nb.cells if c.cell_type == "code"}
    found = []
    patchable = set(PATCHABLE_MODULES)
    for cell in submission_nb.cells:
        if cell.cell_type != "code" or is_test(cell) or cell.source.strip() in released:
            continue
        try:
            tree = ast.parse(TransformerManager().transform_cell(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    mod = (getattr(node, "module", None) or alias.name).split(".")[0]
                    for name in (mod, alias.name.split(".")[0]):
                        if SUSPICIOUS_NAMES.get(name):
                            found.append(SUSPICIOUS_NAMES[name])
                    if isinstance(node, ast.Import) and mod in PATCHABLE_MODULES:
                        patchable.add((alias.asname or alias.name).split(".")[0])
            if name and SUSPICIOUS_NAMES.get(name):
                found.append(SUSPICIOUS_NAMES[name])
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "modules"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                found.append("changes the import system")
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for t in targets:
                    root = t
                    while isinstance(root, ast.Attribute):
                        root = root.value
                    if isinstance(t, ast.Attribute) and isinstance(root, ast.Name) and root.id in patchable:
                        found.append(f"assigns to {ast.unparse(t)}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("setattr", "delattr")
            ):
                if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in patchable:
                    found.append(f"{node.func.id} on {node.args[0].id}")
    return list(dict.fromkeys(found))


@dataclass
class Result:
    student: str
    score: float = 0.0
    max_score: float = 0.0
    kernel_score: float | None = None
    per_cell: dict = field(default_factory=dict)  # grade_id -> (judge score, max, kernel score or None, message)
    flags: list[str] = field(default_factory=list)


def _nbgrader(args, course: Path, env=None, timeout=None):
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    full_env = dict(env or os.environ)
    full_env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + full_env.get("PATH", "")
    return subprocess.run(cmd, cwd=course, env=full_env, capture_output=True, text=True, timeout=timeout)


def db_path(course: Path) -> Path:
    return course / "gradebook.db"


def ensure_registered(aid: str, course: Path) -> bool:
    """Put the lab in the course gradebook if it is missing (True when it had to)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{db_path(course)}") as gb:
        try:
            gb.find_notebook(aid, aid)
            return False
        except MissingEntry:
            pass
    with tempfile.TemporaryDirectory() as tmp:
        proc = _nbgrader(["generate_assignment", aid, "--force", f"--CourseDirectory.release_directory={tmp}"], course)
    if proc.returncode != 0:
        raise RuntimeError(f"could not register {aid} in the gradebook:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return True


def sandboxed_autograde(aid: str, course: Path, log: Path | None = None, timeout: int | None = None):
    """``nbgrader autograde`` with every kernel in the sandbox (kernelspec + IPC transport, see :mod:`.sandbox`)."""
    with tempfile.TemporaryDirectory(prefix="minirepro-grade-") as tmp:
        tmp = Path(tmp)
        from minirepro.grading.forbid import forbidden_names

        source = nbformat.read(course / "solutions" / aid / f"{aid}.ipynb", as_version=4)
        sandbox.write_kernelspec(tmp / "jupyter", forbidden=forbidden_names(source))
        runtime, sockets = tmp / "runtime", tmp / "runtime" / "sockets"
        sockets.mkdir(parents=True)
        os.chmod(runtime, 0o711)
        os.chmod(sockets, 0o1733)
        env = dict(os.environ, JUPYTER_PATH=str(tmp / "jupyter"), JUPYTER_RUNTIME_DIR=str(runtime))
        args = ["autograde", aid, "--force", "--KernelManager.transport=ipc", f"--KernelManager.ip={sockets}/kernel"]
        if timeout:
            args.append(f"--Execute.timeout={timeout}")
        proc = _nbgrader(args, course, env=env)
    if log:
        log.write_text(proc.stdout + "\n" + proc.stderr)
    return proc


def run_judge(source: Path, submission: Path, timeout: float = 60) -> dict:
    cmd = [sys.executable, "-m", "minirepro.grading.judge", str(source), str(submission), f"--timeout={timeout}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, NBGRADER_EXECUTION="autograde"))
    if proc.returncode != 0:
        return {"cells": [], "died": f"the judge failed: {proc.stderr.strip()[-500:]}", "audit": [], "cell_errors": {}}
    return json.loads(proc.stdout)


def record(aid: str, course: Path, student: str, verdict: dict, flags: list[str]) -> Result:
    """Write the judge's scores and the flags into the gradebook; return what was written."""
    from nbgrader.api import Gradebook

    res = Result(student)
    autograded = course / "autograded" / student / aid / f"{aid}.ipynb"
    with Gradebook(f"sqlite:///{db_path(course)}") as gb:
        kernel_ok = _kernel_finished(gb, aid, student, autograded)
        if not kernel_ok:  # the kernel died: keep the submission where the formgrader can open it
            flags.insert(
                0,
                "its kernel died during autograde (os._exit, a crash, out of memory, or a loop that "
                "ignored the interrupt at the time limit)",
            )
            _remake_submission(gb, aid, student, course / "submitted" / student / aid, autograded.parent)
        nb = gb.find_submission_notebook(aid, aid, student)
        judged = _write_scores(nb, verdict, kernel_ok, res, flags)
        res.flags = _judge_flags(verdict, judged, autograded if kernel_ok else None, flags)
        _flag_notebook(nb, res)
        gb.db.commit()
        res.score = sum(s for s, *_ in res.per_cell.values())
        res.max_score = sum(m for _, m, *_ in res.per_cell.values())
    return res


def _kernel_finished(gb, aid: str, student: str, autograded: Path) -> bool:
    """Did nbgrader's own autograde run the notebook to the end (its submission and notebook exist)?"""
    from nbgrader.api import MissingEntry

    try:
        gb.find_submission_notebook(aid, aid, student)
    except MissingEntry:
        return False
    return autograded.exists()


def _remake_submission(gb, aid: str, student: str, submitted: Path, autograded: Path) -> None:
    """nbgrader leaves a submission whose kernel died without its notebook: make it again, with every grade,
    and copy the submission (notebook, timestamp.txt, submission_secret.txt) where autograde would."""
    from nbgrader.api import MissingEntry

    try:
        gb.find_student(student)
    except MissingEntry:
        gb.add_student(student)
    with warnings.catch_warnings():  # SQLAlchemy's autoflush chatter about the half-made submission
        warnings.simplefilter("ignore")
        try:
            gb.remove_submission(aid, student)
        except MissingEntry:
            pass
        gb.add_submission(aid, student)
    if submitted.exists():
        shutil.copytree(submitted, autograded, dirs_exist_ok=True)


def _write_scores(nb, verdict: dict, kernel_ok: bool, res: Result, flags: list[str]) -> dict:
    """Each graded cell's score from the judge (0 when it failed); the kernel's own score beside it.
    A cell that passed in the student's kernel but failed in the judge is flagged."""
    judged = {c["grade_id"]: c for c in verdict.get("cells", [])}
    kernel_total = 0.0
    for grade in nb.grades:
        cell = grade.cell
        if cell.name not in judged and verdict.get("died"):
            judged[cell.name] = {"passed": False, "message": verdict["died"]}
        if cell.name not in judged:
            continue
        j = judged[cell.name]
        kernel = float(grade.auto_score) if kernel_ok and grade.auto_score is not None else None
        score = float(j.get("score", cell.max_score)) if j["passed"] else 0.0
        if kernel is not None:
            kernel_total += kernel
            if kernel > score:
                flags.append(f"{cell.name} passed in its own kernel but failed in the judge ({j['message'][:120]})")
        grade.auto_score = score
        res.per_cell[cell.name] = (score, float(cell.max_score), kernel, j.get("message", ""))
    res.kernel_score = kernel_total if kernel_ok else None
    return judged


def _judge_flags(verdict: dict, judged: dict, autograded: Path | None, flags: list[str]) -> list[str]:
    """The flags so far, then the judge's death, its timeouts and the kernel's; each once, in order."""
    if verdict.get("died"):
        flags.append(f"judge: {verdict['died']}")
    for _cell, err in sorted(verdict.get("cell_errors", {}).items(), key=lambda kv: int(kv[0])):
        if "timed out" in err:
            flags.append(f"a cell timed out in the judge ({err})")
    slow = [gid for gid, j in judged.items() if "did not return within" in j.get("message", "")]
    if slow:
        flags.append(f"timed out in the judge: {', '.join(slow)}")
    if autograded is not None:
        flags += kernel_timeouts(autograded)
    return list(dict.fromkeys(flags))


def _flag_notebook(nb, res: Result) -> None:
    """A flagged submission: every judged cell needs a manual look, and the flags are the notebook's comment."""
    if res.flags:
        nb.flagged = True
        for grade in nb.grades:
            if grade.cell.name in res.per_cell:
                grade.needs_manual_grade = True
    comment_cells = list(nb.comments)
    if comment_cells:
        comment = comment_cells[0]
        auto = comment.auto_comment
        kept = auto if auto and not auto.startswith(FLAG_PREFIX) else None
        comment.auto_comment = (FLAG_PREFIX + "; ".join(res.flags)) if res.flags else kept


def kernel_timeouts(autograded: Path) -> list[str]:
    """Cells of the autograded notebook that nbgrader interrupted at its time limit."""
    try:
        nb = nbformat.read(autograded, as_version=4)
    except Exception:  # a notebook the student broke is a flag, not a crash of the grader
        return ["its autograded notebook cannot be read"]
    hit = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error" and out.get("ename") in (
                "KeyboardInterrupt",
                "CellTimeoutError",
                "TimeoutError",
            ):
                hit.append(nbmeta(cell).get("grade_id") or f"cell {cell.get('execution_count')}")
    hit = list(dict.fromkeys(map(str, hit)))
    return [f"timed out in its kernel: {', '.join(hit)}"] if hit else []


def flag_reason(gb, aid: str, student: str, notebook: str | None = None) -> str:
    """The reason a submission was flagged ('' when it was not): what the export's ``flag`` column shows."""
    from nbgrader.api import MissingEntry

    try:
        nb = gb.find_submission_notebook(notebook or aid, aid, student)
    except MissingEntry:
        return ""
    for comment in nb.comments:
        if comment.auto_comment and comment.auto_comment.startswith(FLAG_PREFIX):
            return comment.auto_comment[len(FLAG_PREFIX) :]
    return "flagged" if nb.flagged else ""


def grade(aid: str, course: Path, jobs: int = 2, log: Path | None = None, timeout: int | None = None) -> list[Result]:
    """The whole of ``make grade``: returns one :class:`Result` per submission under ``submitted/``.

    ``timeout``: seconds a cell (nbgrader) or a call (judge) may take; default nbgrader_config's ``Execute.timeout``
    and 60 s.
    """
    course = Path(course).resolve()
    bin_dir = str(Path(sys.executable).parent)  # nbgrader's Gradebook runs `alembic` by name
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    source = course / "solutions" / aid / f"{aid}.ipynb"
    if not source.exists():
        raise FileNotFoundError(f"no lab {aid!r}: {source} does not exist")
    sandbox.check_available()
    ensure_registered(aid, course)
    subs = sorted(p.parent.parent.name for p in (course / "submitted").glob(f"*/{aid}/{aid}.ipynb"))
    if not subs:
        raise FileNotFoundError(f"no submissions at submitted/<student>/{aid}/{aid}.ipynb")
    # the judges (sandboxed workers) and nbgrader's sandboxed kernels run side by side: neither needs the other
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            s: pool.submit(run_judge, source, course / "submitted" / s / aid / f"{aid}.ipynb", timeout or 60)
            for s in subs
        }
        proc = sandboxed_autograde(aid, course, log=log, timeout=timeout)
        if proc.returncode not in (0, 1):
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        verdicts = {s: f.result() for s, f in futures.items()}
    src_nb = nbformat.read(source, as_version=4)
    answers = {nbmeta(c).get("grade_id") for c in src_nb.cells if is_answer(c)}
    results = []
    for s in subs:
        sub_nb = nbformat.read(course / "submitted" / s / aid / f"{aid}.ipynb", as_version=4)
        flags = [f"judge audit: {a}" for a in verdicts[s].get("audit", [])]
        flags += [f"its code {x}" for x in static_flags(sub_nb, src_nb)]
        missing = answers - {nbmeta(c).get("grade_id") for c in sub_nb.cells if is_answer(c)}
        if missing:
            flags.append(f"answer cells deleted: {sorted(missing)}")
        results.append(record(aid, course, s, verdicts[s], flags))
    return results


def format_table(aid: str, results: list[Result]) -> str:
    rows = [["student", "score", "own kernel", "flag"]]
    for r in results:
        kernel = "-" if r.kernel_score is None else f"{r.kernel_score:g}"
        rows.append([r.student, f"{r.score:g}/{r.max_score:g}", kernel, "; ".join(r.flags)[:150] or "-"])
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{aid}: graded in the sandbox, scores from the judge"]
    for i, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="make grade", description=__doc__.splitlines()[0])
    p.add_argument("lab", help="the lab id, e.g. 01_compute_budgeting")
    p.add_argument("--course", default=".", help="the course root (default: here)")
    p.add_argument("--jobs", type=int, default=2, help="submissions judged at once (default 2)")
    args = p.parse_args(argv)
    try:
        results = grade(
            args.lab, Path(args.course), jobs=args.jobs, log=Path(args.course) / f"autograde-{args.lab}.log"
        )
    except (sandbox.SandboxUnavailable, FileNotFoundError, RuntimeError) as exc:
        print(f"make grade: {exc}", file=sys.stderr)
        return 2
    print(format_table(args.lab, results))
    flagged = sum(bool(r.flags) for r in results)
    print(
        f"\n{len(results)} submissions graded, {flagged} flagged for manual grading (formgrader: Manual Grading; "
        f"`nbgrader export` has a flag column)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
