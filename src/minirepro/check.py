"""Check a lab outside JupyterLab: run its visible tests and print a result per question.

nbgrader's JupyterLab extension (Validate) does not work in Colab, so the course gives two other ways:

* a terminal:   ``minirepro-check labs/01_compute_budgeting/01_compute_budgeting.ipynb``
  (or ``python -m minirepro.check PATH``) runs the notebook top to bottom in a fresh kernel, as
  the grader will, and reports every test cell;
* in the notebook: ``minirepro.check_lab("01_compute_budgeting")`` runs the lab's test cells in the
  kernel you are working in, on the answers you have run so far.

Only the tests in your copy are run: the grader has hidden tests too, so passing here is
necessary, not sufficient.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: Seconds a cell may run in ``check_notebook`` before it is interrupted (matches nbgrader_config.py).
DEFAULT_TIMEOUT = 60
#: Seconds a cell has, after that interrupt, to stop before its kernel is killed (it swallowed the interrupt).
INTERRUPT_GRACE = 5.0
_CHILD_ENV = "MINIREPRO_CHECKING"


@dataclass
class TestResult:
    grade_id: str
    points: float
    passed: bool
    message: str = ""


def test_cells(nb) -> list:
    """The nbgrader test cells of a notebook (``grade`` true, ``solution`` false), in order."""
    return [cell for cell in nb.cells if _is_test_cell(cell)]


def _is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "?")


def _cell_name(cell, index: int) -> str:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return repr(gid) if gid else f"#{index + 1}"


def _points(cell) -> float:
    return float(cell.metadata.get("nbgrader", {}).get("points", 0))


def _error_message(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            evalue = out.get("evalue", "").strip()
            return f"{out.get('ename', 'Error')}: {evalue}" if evalue else out.get("ename", "Error")
    return None


class _InterruptIgnored(Exception):
    """A cell ran past its time limit and did not stop when interrupted; its kernel was killed."""


def _checking_client(nb, timeout: int, grace: float, **kwargs):
    """A NotebookClient that interrupts a cell at its time limit and kills the kernel if that fails.

    nbclient alone interrupts again at every further time limit, forever, when a cell swallows
    KeyboardInterrupt (``except:``, ``except BaseException``) or ignores SIGINT; here the cell gets
    ``grace`` seconds after the interrupt to finish, then the kernel is killed and
    ``_InterruptIgnored`` is raised. ``running`` is the index of the cell being executed.
    """
    import asyncio
    from time import monotonic

    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from nbclient.util import ensure_async

    class CheckingClient(NotebookClient):
        running: int | None = None
        _cell_idle = False

        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            self.running, self._cell_idle = cell_index, False
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

        def process_message(self, msg, cell, cell_index):
            # only messages from the running cell get here; "idle" means it has finished
            if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                self._cell_idle = True
            return super().process_message(msg, cell, cell_index)

        async def _async_handle_timeout(self, timeout, cell=None):
            if cell is None:  # not a cell (kernel_info at start-up): nbclient's own handling
                return await super()._async_handle_timeout(timeout, cell)
            await ensure_async(self.km.interrupt_kernel())
            deadline = monotonic() + grace
            while monotonic() < deadline:
                if self._cell_idle:  # the interrupt stopped it: its reply is waiting on the shell channel
                    return None
                if not await ensure_async(self.km.is_alive()):
                    raise DeadKernelError("Kernel died")
                await asyncio.sleep(0.05)
            await ensure_async(self.km.shutdown_kernel(now=True))
            raise _InterruptIgnored(f"cell {self.running} ignored the interrupt")

    return CheckingClient(nb, timeout=timeout, interrupt_on_timeout=True, **kwargs)


def _switch_off_forbidden(nb) -> None:
    """As the grader does: the library's finished versions of what the lab asks (the notebook's
    ``metadata.minirepro.forbidden``) raise when an answer calls them, from the first answer cell on; the test
    cells themselves may still call them."""
    names = nb.get("metadata", {}).get("minirepro", {}).get("forbidden", [])
    first = next((i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("solution")), None)
    if not names or first is None:
        return
    for cell in nb.cells:
        if _is_test_cell(cell):
            cell.source = (
                "_minirepro_forbid.ALLOWED_FILES.add(__import__('sys')._getframe().f_code.co_filename)\n" + cell.source
            )
    nb.cells.insert(
        first,
        nbformat.v4.new_code_cell(
            f"from minirepro.grading import forbid as _minirepro_forbid\n_minirepro_forbid.install({list(names)!r})"
        ),
    )


def check_notebook(path, timeout: int = DEFAULT_TIMEOUT, grace: float = INTERRUPT_GRACE) -> list[TestResult]:
    """Execute a copy of the notebook at ``path`` in a fresh kernel and report each test cell.

    A cell still running after ``timeout`` seconds is interrupted; if it has not stopped
    ``grace`` seconds later (it catches KeyboardInterrupt or ignores SIGINT) the kernel is
    killed, and the test cells after it are reported as not run.
    """
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    if not test_cells(nb):
        raise ValueError(f"{path} has no nbgrader test cells: is it a lab notebook?")
    _switch_off_forbidden(nb)
    env_backup = os.environ.get(_CHILD_ENV)
    os.environ[_CHILD_ENV] = "1"  # the child kernel inherits it: its own check_lab() call does nothing
    client = _checking_client(
        nb,
        timeout,
        grace,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    stopped_at = None  # index of the cell that was running when the kernel died or was killed
    this_cell = later = ""  # the messages for that cell and for every test cell after it
    try:
        client.execute()
    except DeadKernelError as exc:
        stopped_at = -1 if client.running is None else client.running
        this_cell = (
            f"the kernel died while this cell ran ({exc.__class__.__name__}); "
            "does it call os._exit or run out of memory?"
        )
        later = f"not run: the kernel died ({exc.__class__.__name__}); a cell may call os._exit or run out of memory"
    except _InterruptIgnored:
        stopped_at = client.running
        this_cell = (
            f"timed out after {timeout} s: the cell ignored the interrupt (a loop that catches KeyboardInterrupt?)"
        )
        later = (
            f"not run: the kernel was stopped because cell {_cell_name(nb.cells[stopped_at], stopped_at)} "
            f"ran past {timeout} s and ignored the interrupt"
        )
    finally:
        if env_backup is None:
            os.environ.pop(_CHILD_ENV, None)
        else:
            os.environ[_CHILD_ENV] = env_backup
    results = []
    for index, cell in enumerate(nb.cells):
        if not _is_test_cell(cell):
            continue
        if stopped_at is not None and index >= stopped_at:
            msg = this_cell if index == stopped_at else later
            results.append(TestResult(_grade_id(cell), _points(cell), False, msg))
            continue
        err = _error_message(cell.get("outputs", []))
        if err and "KeyboardInterrupt" in err:
            err = f"timed out after {timeout} s (an infinite loop?)"
        results.append(TestResult(_grade_id(cell), _points(cell), err is None, err or ""))
    return results


def _notebook_in_colab():
    try:
        from google.colab import _message  # type: ignore[import-not-found]
    except ImportError:
        return None
    reply = _message.blocking_request("get_ipynb", request="", timeout_sec=30)
    return nbformat.from_dict(reply["ipynb"]) if reply and "ipynb" in reply else None


def _find_lab(name: str):
    candidates = [Path(f"{name}.ipynb"), Path("labs") / name / f"{name}.ipynb", Path(name)]
    for candidate in candidates:
        if candidate.is_file():
            return nbformat.read(candidate, as_version=4)
    return None


def run_tests_here(nb, namespace: dict) -> list[TestResult]:
    """Run the test cells of ``nb`` in ``namespace`` (the live kernel's globals)."""
    results = []
    for cell in test_cells(nb):
        gid = _grade_id(cell)
        try:
            exec(compile(cell.source, f"<test {gid}>", "exec"), namespace)
        except NameError as exc:  # the answer (or a cell before it) has not been run in this kernel yet
            missing = getattr(exc, "name", None) or str(exc)
            results.append(
                TestResult(gid, _points(cell), False, f"{NOT_RUN}: {missing!s} is not defined (run its cell first)")
            )
        except Exception as exc:  # every failure is a result, not a crash
            msg = str(exc).strip() or ""
            results.append(TestResult(gid, _points(cell), False, f"{type(exc).__name__}: {msg}".rstrip(": ")))
        else:
            results.append(TestResult(gid, _points(cell), True))
    return results


NOT_RUN = "not run yet"


def _mark(r: TestResult) -> str:
    return "PASS" if r.passed else ("NOT RUN" if r.message.startswith(NOT_RUN) else "FAIL")


class CheckResults(list):
    """What :func:`check_lab` returns: the list of :class:`TestResult`, shown as one table (HTML in Jupyter,
    text elsewhere). The table is shown when ``check_lab`` runs; the value it returns is not echoed again."""

    def __init__(self, results, title=""):
        super().__init__(results)
        self.title, self._echo_pending = title, True

    def __repr__(self):
        return format_results(list(self), self.title)

    def _repr_html_(self):
        import html

        rows = "".join(
            f"<tr><td><code>{html.escape(r.grade_id)}</code></td><td>{r.points:g}</td><td><b>{_mark(r)}</b></td>"
            f"<td>{html.escape(r.message.splitlines()[0][:200]) if r.message else ''}</td></tr>"
            for r in self
        )
        got, total = sum(r.points for r in self if r.passed), sum(r.points for r in self)
        return (
            f"<p>{html.escape(self.title)}</p><table><tr><th>question</th><th>points</th><th>result</th>"
            f"<th>message</th></tr>{rows}</table><p>visible tests: {sum(r.passed for r in self)}/{len(self)} "
            f"passed, {got:g}/{total:g} points (the grader also runs hidden tests: passing these is necessary, "
            "not sufficient)</p>"
        )

    def _ipython_display_(self):
        if self._echo_pending:  # check_lab has just shown it
            self._echo_pending = False
            return
        from IPython.display import HTML, display

        display(HTML(self._repr_html_()))


def format_results(results: list[TestResult], title: str = "") -> str:
    width = max([len(r.grade_id) for r in results] + [8])
    lines = [title] if title else []
    lines.append(f"{'question':<{width}}  points  result")
    for r in results:
        mark = _mark(r)
        line = f"{r.grade_id:<{width}}  {r.points:>6g}  {mark}"
        if r.message:
            line += f"  {r.message.splitlines()[0][:160]}"
        lines.append(line)
    got = sum(r.points for r in results if r.passed)
    total = sum(r.points for r in results)
    lines.append(f"visible tests: {sum(r.passed for r in results)}/{len(results)} passed, {got:g}/{total:g} points")
    lines.append("(the grader also runs hidden tests: passing these is necessary, not sufficient)")
    return "\n".join(lines)


def check_lab(name: str | None = None, namespace: dict | None = None) -> CheckResults | None:
    """In a notebook: run this lab's test cells against the answers run so far, print a table.

    ``name`` is the lab's id (``"01_compute_budgeting"``); the notebook is read from the working
    directory, from ``labs/<name>/``, or in Colab from the open notebook itself.
    """
    if os.environ.get(_CHILD_ENV) or os.environ.get("NBGRADER_EXECUTION"):
        print("check_lab: skipped (the notebook is being checked or graded as a whole)")
        return None
    nb = _notebook_in_colab()
    if nb is None and name:
        nb = _find_lab(name)
    if nb is None:
        print(
            f"check_lab: could not find the notebook {name!r}. From a terminal, run\n"
            f"    minirepro-check path/to/{name or 'LAB'}.ipynb"
        )
        return None
    if namespace is None:
        try:
            from IPython import get_ipython

            namespace = get_ipython().user_ns
        except Exception:  # not in IPython (a plain script): the module's globals
            import __main__

            namespace = vars(__main__)
    results = CheckResults(run_tests_here(nb, namespace), title=f"check_lab({name!r}): run in this kernel")
    try:
        from IPython import get_ipython

        in_jupyter = get_ipython() is not None and hasattr(get_ipython(), "kernel")
    except Exception:  # no IPython at all
        in_jupyter = False
    if in_jupyter:
        from IPython.display import HTML, display

        display(HTML(results._repr_html_()))
    else:
        print(repr(results))
        results._echo_pending = False
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="minirepro-check",
        description="Run a lab notebook in a fresh kernel and report its visible tests, question by question.",
    )
    parser.add_argument("notebook", help="path to your lab notebook (.ipynb)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    try:
        results = check_notebook(args.notebook, timeout=args.timeout)
    except (FileNotFoundError, ValueError, json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        print(f"minirepro-check: {exc}", file=sys.stderr)
        return 2
    except Exception:  # a bug of the checker: its traceback, and the exit code of an error
        traceback.print_exc()
        return 2
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=1))
    else:
        print(format_results(results, title=f"{args.notebook}: run in a fresh kernel"))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
