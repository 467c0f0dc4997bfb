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
_CHILD_ENV = "MINIREPRO_CHECKING"


@dataclass
class TestResult:
    grade_id: str
    points: float
    passed: bool
    message: str = ""


def test_cells(nb) -> list:
    """The nbgrader test cells of a notebook (``grade`` true, ``solution`` false), in order."""
    cells = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cells.append(cell)
    return cells


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "?")


def _points(cell) -> float:
    return float(cell.metadata.get("nbgrader", {}).get("points", 0))


def _error_message(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            evalue = out.get("evalue", "").strip()
            return f"{out.get('ename', 'Error')}: {evalue}" if evalue else out.get("ename", "Error")
    return None


def check_notebook(path, timeout: int = DEFAULT_TIMEOUT) -> list[TestResult]:
    """Execute a copy of the notebook at ``path`` in a fresh kernel and report each test cell."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    if not test_cells(nb):
        raise ValueError(f"{path} has no nbgrader test cells: is it a lab notebook?")
    env_backup = os.environ.get(_CHILD_ENV)
    os.environ[_CHILD_ENV] = "1"  # the child kernel inherits it: its own check_lab() call does nothing
    client = NotebookClient(
        nb,
        timeout=timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    died = None
    try:
        client.execute()
    except DeadKernelError as exc:
        died = f"the kernel died ({exc.__class__.__name__}); a cell may call os._exit or run out of memory"
    finally:
        if env_backup is None:
            os.environ.pop(_CHILD_ENV, None)
        else:
            os.environ[_CHILD_ENV] = env_backup
    results = []
    for cell in test_cells(nb):
        executed = cell.get("execution_count") is not None or cell.get("outputs")
        if died and not executed:
            results.append(TestResult(_grade_id(cell), _points(cell), False, f"not run: {died}"))
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
        except Exception as exc:  # noqa: BLE001 - every failure is a result, not a crash
            msg = str(exc).strip() or ""
            results.append(TestResult(gid, _points(cell), False, f"{type(exc).__name__}: {msg}".rstrip(": ")))
        else:
            results.append(TestResult(gid, _points(cell), True))
    return results


def format_results(results: list[TestResult], title: str = "") -> str:
    width = max([len(r.grade_id) for r in results] + [8])
    lines = [title] if title else []
    lines.append(f"{'question':<{width}}  points  result")
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        line = f"{r.grade_id:<{width}}  {r.points:>6g}  {mark}"
        if r.message:
            line += f"  {r.message.splitlines()[0][:160]}"
        lines.append(line)
    got = sum(r.points for r in results if r.passed)
    total = sum(r.points for r in results)
    lines.append(f"visible tests: {sum(r.passed for r in results)}/{len(results)} passed, {got:g}/{total:g} points")
    lines.append("(the grader also runs hidden tests: passing these is necessary, not sufficient)")
    return "\n".join(lines)


def check_lab(name: str | None = None, namespace: dict | None = None) -> list[TestResult] | None:
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
        except Exception:  # noqa: BLE001
            import __main__

            namespace = vars(__main__)
    results = run_tests_here(nb, namespace)
    print(format_results(results, title=f"check_lab({name!r}): run in this kernel"))
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
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return 2
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=1))
    else:
        print(format_results(results, title=f"{args.notebook}: run in a fresh kernel"))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
