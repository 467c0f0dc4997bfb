"""Everything CI checks, in order, with a summary: what `make test` runs.

1. pytest        the library and the ci/ scripts
2. hygiene       notebooks without outputs, kernel python3, badge, one parameters cell
3. drift         labs/ equals what solutions/ generates
4. notebooks     every lecture and solution under papermill, SCALE="smoke", timing table
5. grading       autograde solution / blank / every wrong answer, grading table
6. instructor    the README's instructor commands end to end on a scratch course (ci/instructor_flow.py)
7. browser       the student's path in JupyterLab in headless Chromium: Assignment List, fetch, answer, test,
                 Validate, a lecture's plot; screenshots in build/browser/ (ci/browser_check.py)
8. colab         the Colab install: the library as a wheel, non-editable, in a fresh venv that already holds torch
                 (pip must not replace torch or numpy); a lecture and lab 01 copied alone into an empty folder run
                 under that venv's kernel; logs in build/colab/ (ci/colab_check.py)
9. dryrun        every FULL configuration (minirepro.sizes) built and stepped on the CPU in bf16 and fp16 autocast;
                 params, tokens, FLOPs, memory and projected T4/L4/A100 time in build/dry_run.md (ci/dry_run.py);
                 chained after pytest, under two minutes

Every step runs even when an earlier one fails, so one CI run shows every problem.

CI has two cores. The chain pytest -> dryrun, and the chain hygiene -> drift -> instructor -> browser -> colab,
mostly keep one core busy each, so they run side by side; notebooks and grading use both cores by themselves and
run alone. colab mostly computes (60 to 90 % of a core; not I/O-bound, so not a third chain): it ends the second
chain, which without it is the shorter (about 4.5 minutes against 5 for pytest -> dryrun). A step's output
goes to build/checks/<step>.log and is printed whole when its group ends, in the order above.
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, env_with_venv, table  # noqa: E402 (sys.path set above)

PY = sys.executable
STEPS = [
    ("pytest", [PY, "-m", "pytest", "-p", "no:cacheprovider", "tests"]),
    ("hygiene", [PY, "ci/hygiene.py"]),
    ("drift", [PY, "ci/drift.py"]),
    ("notebooks", [PY, "ci/run_notebooks.py"]),
    ("grading", [PY, "ci/grade.py"]),
    ("instructor", [PY, "ci/instructor_flow.py"]),
    ("browser", [PY, "ci/browser_check.py"]),
    ("colab", [PY, "ci/colab_check.py"]),
    ("dryrun", [PY, "ci/dry_run.py"]),
]


#: Groups run one after the other; within a group, each chain (steps run in order) runs beside the others.
GROUPS = [
    [["pytest", "dryrun"], ["hygiene", "drift", "instructor", "browser", "colab"]],
    [["notebooks"]],
    [["grading"]],
]


def main(argv=None) -> int:
    only = set(argv if argv is not None else sys.argv[1:])
    unknown = sorted(only - {name for name, _ in STEPS})
    if unknown:
        print(f"unknown check(s): {', '.join(unknown)}; the checks are: {', '.join(n for n, _ in STEPS)}")
        return 2
    BUILD.mkdir(exist_ok=True)
    logs = BUILD / "checks"
    logs.mkdir(exist_ok=True)
    commands = dict(STEPS)
    assert sorted(n for group in GROUPS for chain in group for n in chain) == sorted(commands), (
        "GROUPS must list every step"
    )
    results = {}
    t_all = time.perf_counter()

    def run_chain(chain):
        for name in chain:
            if only and name not in only:
                continue
            cmd = commands[name]
            print(
                f"=== {name}: started ({' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))})",
                flush=True,
            )
            t0 = time.perf_counter()
            with open(logs / f"{name}.log", "w") as out:
                rc = subprocess.run(cmd, cwd=ROOT, env=env_with_venv(), stdout=out, stderr=subprocess.STDOUT).returncode
            results[name] = (time.perf_counter() - t0, rc)
            print(
                f"=== {name}: {'passed' if rc == 0 else f'FAILED (exit {rc})'} in {results[name][0]:.0f} s", flush=True
            )

    for group in GROUPS:
        with ThreadPoolExecutor(max_workers=len(group)) as pool:
            list(pool.map(run_chain, group))
        for name in (n for chain in group for n in chain):
            if name in results:
                print(
                    f"\n=== {name}: output ({logs.relative_to(ROOT) / (name + '.log')})\n"
                    + (logs / f"{name}.log").read_text().rstrip(),
                    flush=True,
                )
    rows, failed = [], []
    for name, _cmd in STEPS:
        if name in results:
            seconds, rc = results[name]
            rows.append([name, f"{seconds:6.1f}", "passed" if rc == 0 else f"FAILED (exit {rc})"])
            if rc != 0:
                failed.append(name)
    rows.append(["total", f"{time.perf_counter() - t_all:6.1f}", ""])
    print("\n" + table(["check", "seconds", "result"], rows, title="summary of `make test`"))
    for name in ("notebook_times.txt",):
        if (BUILD / name).exists() and (not only or "notebooks" in only):
            print("\n" + (BUILD / name).read_text().rstrip())
    for table_file in (
        sorted((BUILD / "grading").glob("*/grading_table.txt")) if (not only or "grading" in only) else []
    ):
        print("\n" + table_file.read_text().rstrip())
    ran = len(rows) - 1
    print(f"\nchecks: {ran - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
