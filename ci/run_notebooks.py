"""Execute every lecture and solution notebook with papermill, SCALE="smoke", on the CPU.

Each notebook runs on a scratch copy of its folder (so nothing it writes lands in the repo), and the
executed copy goes to build/executed/ (git-ignored). Prints a wall-time table; exits 1 naming the
notebook and cell of every failure.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, table  # noqa: E402


def notebooks_to_run(root: Path = ROOT) -> list[Path]:
    return sorted((root / "lectures").glob("*.ipynb")) + sorted((root / "solutions").glob("*/*.ipynb"))


def run_one(path: Path, out_dir: Path, scale: str, timeout: int) -> tuple[float, str]:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    rel = path.relative_to(ROOT)
    out = out_dir / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb") if path.parent.name == "lectures" else shutil.ignore_patterns(".ipynb_checkpoints"))
        src = work / path.name
        if not src.exists():
            shutil.copy2(path, src)
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(
                str(src), str(out), parameters={"SCALE": scale, "DEVICE": "cpu"}, kernel_name="python3",
                cwd=str(work), progress_bar=False, log_output=False, execution_timeout=timeout,
            )
            err = ""
        except PapermillExecutionError as exc:
            err = f"cell {exc.cell_index} (execution count {exc.exec_count}) raised {exc.ename}: {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - a dead kernel, a timeout: report, keep going
            err = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return time.perf_counter() - t0, err


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="paths (default: every lecture and solution)")
    p.add_argument("--scale", default="smoke")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = p.parse_args(argv)
    paths = [Path(n).resolve() for n in args.notebooks] or notebooks_to_run()
    out_dir = BUILD / "executed"
    rows, failures, total = [], [], 0.0
    for path in paths:
        seconds, err = run_one(path, out_dir, args.scale, args.timeout)
        total += seconds
        rel = path.relative_to(ROOT).as_posix()
        rows.append([rel, f"{seconds:6.1f}", "ok" if not err else "FAIL"])
        print(f"notebooks: {rel}: {seconds:.1f} s {'ok' if not err else 'FAIL'}", flush=True)
        if err:
            failures.append(f"{rel}: {err} (executed copy: {(out_dir / rel).relative_to(ROOT)})")
    rows.append(["total", f"{total:6.1f}", f"{len(paths) - len(failures)}/{len(paths)} ok"])
    text = table(["notebook", "seconds", "result"], rows, title=f'notebook timing table (papermill, SCALE="{args.scale}", CPU)')
    (BUILD / "notebook_times.txt").write_text(text + "\n")
    print(text)
    for f in failures:
        print(f"notebooks: FAILED {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
