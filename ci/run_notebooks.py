"""Execute every lecture and solution notebook with papermill, SCALE="smoke", on the CPU.

Each notebook runs on a scratch copy of its folder (so nothing it writes lands in the repo), and the
executed copy goes to build/executed/ (git-ignored). Prints a wall-time table; exits 1 naming the
notebook and cell of every failure.

Notebooks run two at a time (``--jobs``): the notebooks pin torch to one thread, so on CI's two cores two
kernels share nothing but the memory bus. The slowest of the last run start first.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, table  # noqa: E402 (sys.path set above)


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
        shutil.copytree(
            path.parent,
            work,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb")
            if path.parent.name == "lectures"
            else shutil.ignore_patterns(".ipynb_checkpoints"),
        )
        src = work / path.name
        if not src.exists():
            shutil.copy2(path, src)
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(
                str(src),
                str(out),
                parameters={"SCALE": scale, "DEVICE": "cpu"},
                kernel_name="python3",
                cwd=str(work),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
            )
            err = ""
        except PapermillExecutionError as exc:
            err = f"cell {exc.cell_index} (execution count {exc.exec_count}) raised {exc.ename}: {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - a dead kernel, a timeout: report, keep going
            err = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return time.perf_counter() - t0, err


def last_times() -> dict[str, float]:
    """Seconds per notebook in the last run's table (empty when there is none)."""
    path = BUILD / "notebook_times.txt"
    if not path.exists():
        return {}
    return {m[1]: float(m[2]) for m in re.finditer(r"^(\S+\.ipynb)\s+([\d.]+)", path.read_text(), re.M)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="paths (default: every lecture and solution)")
    p.add_argument("--scale", default="smoke")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    args = p.parse_args(argv)
    paths = [Path(n).resolve() for n in args.notebooks] or notebooks_to_run()
    out_dir = BUILD / "executed"
    before = last_times()
    order = sorted(paths, key=lambda q: -before.get(q.relative_to(ROOT).as_posix(), 60.0))
    results = {}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_one, path, out_dir, args.scale, args.timeout): path for path in order}
        for fut in futures:
            path = futures[fut]
            try:
                results[path] = fut.result()
            except Exception as exc:  # noqa: BLE001 - the runner itself broke: report, keep going
                results[path] = (0.0, f"{type(exc).__name__}: {exc}")
            seconds, err = results[path]
            print(
                f"notebooks: {path.relative_to(ROOT).as_posix()}: {seconds:.1f} s {'ok' if not err else 'FAIL'}",
                flush=True,
            )
    rows, failures, total = [], [], 0.0
    for path in paths:
        seconds, err = results[path]
        total += seconds
        rel = path.relative_to(ROOT).as_posix()
        rows.append([rel, f"{seconds:6.1f}", "ok" if not err else "FAIL"])
        if err:
            failures.append(f"{rel}: {err} (executed copy: {(out_dir / rel).relative_to(ROOT)})")
    rows.append(["total", f"{total:6.1f}", f"{len(paths) - len(failures)}/{len(paths)} ok"])
    rows.append([f"wall ({args.jobs} at once)", f"{time.perf_counter() - t0:6.1f}", ""])
    text = table(
        ["notebook", "seconds", "result"], rows, title=f'notebook timing table (papermill, SCALE="{args.scale}", CPU)'
    )
    (BUILD / "notebook_times.txt").write_text(text + "\n")
    print(text)
    for f in failures:
        print(f"notebooks: FAILED {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
