"""The judge: a submission's tests evaluated in a process its code never touched.

nbgrader runs the tests in the student's own kernel, after the student's code: an input transformer, a patched
``math.isclose`` or a redefined helper can then rewrite or fool every test. The judge does not trust that kernel:

1. a worker (:mod:`minirepro.grading.worker`) runs the submission's cells in the sandbox, without the test cells;
2. the judge, a separate process, runs the *instructor's* notebook (solutions/: helper cells, setup, and the full
   test cells with their hidden tests), in which every name an answer cell defines is a proxy: calling it sends
   the arguments to the worker and brings back the result as plain data (:mod:`minirepro.grading.wire`);
3. the verdict (a test cell passes when it raises nothing; when its last expression is a number, that number is
   its partial credit, as in nbgrader) is computed here, with the judge's own ``math``, ``torch`` and helpers.

``python -m minirepro.grading.judge SOURCE.ipynb SUBMISSION.ipynb`` prints the result as JSON.
"""

from __future__ import annotations

import ast
import json
import os
import pickle
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import asdict, dataclass, field

import cloudpickle
import nbformat

from minirepro.checks import is_real
from minirepro.grading import sandbox, wire

CELL_TIMEOUT = 60
STARTUP = 120  # seconds for the worker's interpreter to start, before any of the student's code


def nbmeta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell) -> bool:
    m = nbmeta(cell)
    return cell.cell_type == "code" and bool(m.get("grade")) and not m.get("solution")


def is_answer(cell) -> bool:
    return cell.cell_type == "code" and bool(nbmeta(cell).get("solution"))


def defined_names(source: str) -> list[str]:
    """Top-level names a cell binds (def, class, assignment, import)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return list(dict.fromkeys(names))


def identifiers(source: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))


def needed_cells(cells, uses: set[str]) -> set[int]:
    """Indices of the plain code cells (neither answer nor test) that bind a name in ``uses``, or a name such a
    cell uses, transitively: what the tests need of the notebook's own cells. The cells before the first answer
    (set-up, seeds, imports) are always kept."""
    first = next((i for i, c in enumerate(cells) if is_answer(c)), len(cells))
    need, keep = set(uses), set()
    for i in reversed(range(len(cells))):
        c = cells[i]
        if c.cell_type != "code" or is_answer(c) or is_test(c):
            continue
        if i < first or set(defined_names(c.source)) & need:
            keep.add(i)
            need |= identifiers(c.source)
    return keep


def worker_cells(source_nb, submission_nb) -> list[str]:
    """What the worker runs: the submission's cells in order, test cells left out, locked cells as released."""
    locked = {
        nbmeta(c)["grade_id"]: c.source
        for c in source_nb.cells
        if nbmeta(c).get("locked") and nbmeta(c).get("grade_id") and not is_test(c)
    }
    cells = []
    for cell in submission_nb.cells:
        if cell.cell_type != "code" or is_test(cell):
            continue
        gid = nbmeta(cell).get("grade_id")
        cells.append(locked.get(gid, cell.source) if not is_answer(cell) else cell.source)
    return cells


class WorkerDied(RuntimeError):
    pass


class Worker:
    """A sandboxed process running the submission; restarted (with the culprit cell skipped) after a timeout."""

    def __init__(
        self,
        cells: list[str],
        names: list[str],
        timeout: float = CELL_TIMEOUT,
        use_sandbox: bool = True,
        forbidden: list[str] = (),
    ):
        self.cells, self.names, self.timeout, self.use_sandbox = cells, names, timeout, use_sandbox
        self.forbidden = list(forbidden)
        self.skip: set[int] = set()
        self.cell_errors: dict[int, str] = {}
        self.proc = None
        self.restarts = 0

    def start(self):
        while True:
            self._spawn()
            wire.write_frame(
                self.proc.stdin,
                pickle.dumps(
                    {"cells": self.cells, "names": self.names, "skip": sorted(self.skip), "forbidden": self.forbidden}
                ),
            )
            current = None
            try:
                while True:
                    # the first frame comes after Python, torch and IPython have started: not the student's time
                    msg = self._read(self.timeout if current is not None else max(self.timeout, STARTUP))
                    if "ready" in msg:
                        self.audit, self.kinds = msg["audit"], msg["names"]
                        return self
                    current = msg["cell"]
                    if msg.get("error"):
                        self.cell_errors[current] = msg["error"]
            except TimeoutError as exc:
                self.kill()
                if current is None or self.restarts >= 3:
                    raise WorkerDied("the submission's cells did not finish") from exc
                self.cell_errors[current] = f"timed out after {self.timeout:g} s"
                self.skip.add(current)
                self.restarts += 1

    def _spawn(self):
        cmd = [sys.executable, "-m", "minirepro.grading.worker"]
        self._tmp = tempfile.mkdtemp(prefix="minirepro-worker-")
        if self.use_sandbox:
            cmd = sandbox.wrap(cmd, cwd=self._tmp)
        env = dict(os.environ, NBGRADER_EXECUTION="autograde", PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self._tmp,
            env=env,
            start_new_session=True,
        )
        self._buf = bytearray()

    def _read(self, timeout):
        """The next frame from the worker, or TimeoutError. Reads the pipe's fd directly: a buffered reader
        could hold a second frame that select() would then never report."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            if len(self._buf) >= 8:
                (n,) = struct.unpack("<Q", bytes(self._buf[:8]))
                if n > wire.MAX_FRAME:
                    self.kill()
                    raise WorkerDied("the submission's process sent a malformed reply")
                if len(self._buf) >= 8 + n:
                    frame = bytes(self._buf[8 : 8 + n])
                    del self._buf[: 8 + n]
                    try:
                        return wire.loads(frame)
                    except ValueError:
                        self.kill()
                        raise WorkerDied("the submission's process sent a malformed reply") from None
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.kill()
                raise WorkerDied("the submission's process died (it closed the connection)")
            self._buf += chunk

    def request(self, *msg):
        if self.proc is None or self.proc.poll() is not None:
            if self.restarts >= 3:
                raise WorkerDied("the submission's process died")
            self.restarts += 1
            self.start()
        try:
            payload = cloudpickle.dumps(msg)
        except Exception as exc:  # arguments cloudpickle cannot serialise, whatever the reason
            raise TypeError(f"the grader could not pass these arguments to your code: {exc}") from None
        wire.write_frame(self.proc.stdin, payload)
        try:
            reply = self._read(self.timeout)
        except TimeoutError:
            self.kill()
            raise TimeoutError(f"your code did not return within {self.timeout:g} s (an infinite loop?)") from None
        if "err" in reply:
            e = reply["err"]
            raise remote_error(str(e.get("type")), str(e.get("msg")), str(e.get("tb", "")))
        return wire.decode(reply["ok"])

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if getattr(self, "_tmp", None):
            shutil.rmtree(self._tmp, ignore_errors=True)


class RemoteError(Exception):
    """An exception raised by the student's code in the worker."""

    def __init__(self, message, tb=""):
        super().__init__(message)
        self.remote_traceback = tb


#: Exceptions a test may expect from the student's code (``ValueError`` for bad input): raised here as subclasses.
MIRRORED = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    LookupError,
    ZeroDivisionError,
    ArithmeticError,
    OverflowError,
    AssertionError,
    NotImplementedError,
    RuntimeError,
    AttributeError,
    NameError,
    RecursionError,
    MemoryError,
)
_MIRRORS = {}


def remote_error(type_name: str, msg: str, tb: str) -> Exception:
    base = next((e for e in MIRRORED if e.__name__ == type_name), None)
    if base is None:
        return RemoteError(f"{type_name}: {msg}", tb)
    cls = _MIRRORS.setdefault(base, type(base.__name__, (base, RemoteError), {"__module__": "your code"}))
    err = cls(msg)
    err.remote_traceback = tb
    return err


class RemoteFunction:
    """The student's function ``name``, called across the process boundary."""

    def __init__(self, worker: Worker, name: str):
        self._worker, self.__name__ = worker, name

    def __call__(self, *args, **kwargs):
        return self._worker.request("call", self.__name__, args, kwargs)

    def __reduce__(self):
        from minirepro.grading import worker

        return (worker._resolve, (self.__name__,))

    def __repr__(self):
        return f"<your function {self.__name__}>"


@dataclass
class CellVerdict:
    grade_id: str
    points: float
    passed: bool
    message: str = ""
    score: float = 0.0


def cell_score(value, points: float) -> tuple[float, str]:
    """The score of a test cell that raised nothing: its last expression when that is a number (partial credit,
    nbgrader's rule), otherwise every point. A number outside [0, points] is clamped and said so."""
    if not is_real(value):
        return float(points), ""
    score = float(value)
    if score != score:  # NaN
        return 0.0, "the test's partial credit is not a number"
    if 0.0 <= score <= points:
        return score, f"partial credit {score:g}/{points:g}" if score < points else ""
    clamped = min(max(score, 0.0), float(points))
    return clamped, f"partial credit {score:g} outside [0, {points:g}], counted as {clamped:g}"


@dataclass
class Judgement:
    cells: list[CellVerdict] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    cell_errors: dict = field(default_factory=dict)
    died: str = ""
    seconds: float = 0.0


def judge(source_nb, submission_nb, timeout: float = CELL_TIMEOUT, use_sandbox: bool = True) -> Judgement:
    from IPython.core.interactiveshell import InteractiveShell

    t0 = time.perf_counter()
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    names = []
    for cell in source_nb.cells:
        if is_answer(cell):
            names += defined_names(cell.source)
    result = Judgement()
    from minirepro.grading.forbid import forbidden_names

    worker = Worker(worker_cells(source_nb, submission_nb), names, timeout, use_sandbox, forbidden_names(source_nb))
    try:
        worker.start()
        result.audit = worker.audit
    except WorkerDied as exc:
        result.died = str(exc)
    result.cell_errors = {str(k): v for k, v in worker.cell_errors.items()}

    shell = InteractiveShell.instance(user_module=types.ModuleType("__main__"))
    ns = shell.user_ns
    if not result.died:
        for name, kind in worker.kinds.items():
            if kind == "callable":
                ns[name] = RemoteFunction(worker, name)
            elif kind == "value":
                try:
                    ns[name] = worker.request("get", name)
                except Exception:  # a value that cannot be sent: the tests that need it fail by name
                    pass
    # the instructor's cells the tests need (a plot or a timing the grade does not use is left out)
    needed = needed_cells(source_nb.cells, set().union(*(identifiers(c.source) for c in source_nb.cells if is_test(c))))
    for i, cell in enumerate(source_nb.cells):
        if cell.cell_type != "code" or is_answer(cell):
            continue
        if not is_test(cell):
            if i in needed:
                shell.run_cell(cell.source, store_history=False, silent=True)
            continue
        meta = nbmeta(cell)
        verdict = CellVerdict(meta["grade_id"], float(meta.get("points", 0)), False)
        if result.died:
            verdict.message = result.died
        else:
            # not silent: a test cell's last expression is its partial credit (nbgrader's rule)
            res = shell.run_cell(cell.source, store_history=False, silent=False)
            err = res.error_before_exec or res.error_in_exec
            verdict.passed = err is None
            if err is not None:
                verdict.message = f"{type(err).__name__}: {err}"[:500]
            else:
                verdict.score, why = cell_score(res.result, verdict.points)
                verdict.message = why
        result.cells.append(verdict)
    worker.kill()
    result.seconds = time.perf_counter() - t0
    return result


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="judge one submission outside its kernel")
    p.add_argument("source")
    p.add_argument("submission")
    p.add_argument("--timeout", type=float, default=CELL_TIMEOUT)
    p.add_argument("--no-sandbox", action="store_true", help="run the worker unconfined (tests only)")
    args = p.parse_args(argv)
    src = nbformat.read(args.source, as_version=4)
    sub = nbformat.read(args.submission, as_version=4)
    devnull = os.open(os.devnull, os.O_WRONLY)
    out = os.dup(1)
    os.dup2(devnull, 1)  # the instructor's cells print; only the verdict goes to stdout
    res = judge(src, sub, args.timeout, not args.no_sandbox)
    os.write(out, json.dumps(asdict(res)).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
