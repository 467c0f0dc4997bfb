"""The Colab install, simulated: the library as a wheel, in a fresh venv that already holds its own torch.

A Colab user has a Python with torch and numpy preinstalled, and only the notebook: its setup cell runs
`import minirepro` and pip-installs the library (from GitHub) when that fails. This check rebuilds that
situation without GitHub, in four stages, one line each with its time (logs in build/colab/):

 1. wheel      a wheel built from a clean export of the tree (the files git tracks or would add, nothing
               ignored) into build/colab/dist/; it must carry the package data (src/minirepro/shipped/*) and
               nothing of tests/, ci/, solutions/, labs/ or lectures/;
 2. venv       build/colab/venv: a fresh venv with the "preinstalled" torch and numpy (the pins of
               constraints.txt: torch 2.13.0, the local CPU build) and the runner (papermill, ipykernel: what
               runs the notebooks here, not something the library brings); reused while its marker says it was
               made from the same Python, torch, constraints.txt and dependency list (--fresh rebuilds it);
 3. install    `pip install` of the wheel, NOT editable, without the `course` extra, under constraints.txt less
               its torch and numpy lines (Colab's own stay); pip must not replace torch or numpy (their
               versions before and after are compared) and `pip check` must pass;
 4. notebooks  lectures/00_reproduction_puzzle.ipynb and the lab 01_compute_budgeting, each copied ALONE into
               an empty folder, run with papermill under the venv's kernel, SCALE="smoke": the lecture and the
               lab's solution must run through; the student lab must run its set-up and fail first on an answer
               cell with NotImplementedError (not ImportError, not FileNotFoundError). A probe cell appended to
               each copy checks that the kernel is the venv's Python and imports minirepro from the wheel, and
               git may use no protocol but file://, so a setup cell that fell back to `pip install git+https://`
               fails loudly.

Python: Colab runs 3.12. The venv uses 3.12 when a torch 2.13.0 wheel for cp312 lies in one of pip's
find-links folders (and a python3.12 exists); otherwise the Python that runs this script (CI's 3.11), because
any other torch build is a multi-GB download. The stage line says which, and why.

Exit status 0 when every stage passed, 1 otherwise. Usage: python ci/colab_check.py [--fresh] [--python PATH]
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT  # noqa: E402 (sys.path set above)

OUT = BUILD / "colab"
VENV = OUT / "venv"
MARKER = VENV / "colab-check-marker.json"
TORCH = "2.13.0"  # Colab's "preinstalled" torch here: the pin of constraints.txt, a local CPU build
COLAB_PYTHON = (3, 12)
PRESERVED = ("torch", "numpy")  # what pip must not replace
RUNNER = ["papermill", "ipykernel"]  # runs the notebooks here; not the library's dependencies
LECTURE = "lectures/00_reproduction_puzzle.ipynb"
LAB = "01_compute_budgeting"
#: Top-level folders of the repository that must never end up in the wheel.
NOT_IN_WHEEL = ("tests", "ci", "solutions", "labs", "lectures", "datasets", "benchmarks")
PROBE_TAG = "colab-check-probe"
PROBE = (
    "# colab-check-probe: which Python and which minirepro this kernel used\n"
    "import json, sys, importlib.metadata as md, minirepro\n"
    "print('COLAB-PROBE ' + json.dumps({'executable': sys.executable, 'minirepro': minirepro.__file__,\n"
    "      **{p: md.version(p) for p in ('torch', 'numpy')},\n"
    "      'direct_url': md.distribution('minirepro').read_text('direct_url.json')}))"
)


# ----------------------------------------------------------------------------------------------- pure logic


def wheel_problems(names: list[str], shipped: list[str]) -> list[str]:
    """What is wrong with a wheel whose archive holds ``names``; ``shipped`` are the package-data files
    (paths relative to src/minirepro/) the wheel must carry."""
    problems = []
    if "minirepro/__init__.py" not in names:
        problems.append("no minirepro/__init__.py")
    problems += [f"package data missing: minirepro/{f}" for f in shipped if f"minirepro/{f}" not in names]
    for name in names:
        top = name.split("/", 1)[0]
        if top in NOT_IN_WHEEL or any(part in NOT_IN_WHEEL for part in name.split("/")[:-1]):
            problems.append(f"does not belong in the wheel: {name}")
        elif top != "minirepro" and not top.endswith((".dist-info", ".data")):
            problems.append(f"unexpected top-level entry: {name}")
    return problems


def parse_freeze(text: str) -> dict[str, str]:
    """{lower-case name: version} from `pip freeze` output (editable and URL lines are skipped)."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        if m:
            out[m[1].lower().replace("_", "-")] = m[2]
    return out


def replaced(before: dict[str, str], after: dict[str, str], names=PRESERVED) -> list[str]:
    """The packages among ``names`` whose version changed (or that appeared or vanished), as sentences."""
    return [
        f"{n}: {before.get(n, 'absent')} -> {after.get(n, 'absent')}" for n in names if before.get(n) != after.get(n)
    ]


def filtered_constraints(text: str, drop=PRESERVED) -> str:
    """constraints.txt without the lines that pin ``drop`` (Colab's preinstalled packages stay as they are)."""
    keep = []
    for line in text.splitlines():
        m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(==|>=|<=|~=|!=|<|>|@)", line)
        if m and m[1].lower().replace("_", "-") in drop:
            continue
        keep.append(line)
    return "\n".join(keep) + "\n"


def first_error(nb: dict) -> tuple[int, str, dict] | None:
    """(index, exception name, cell) of the first code cell with an error output, or None."""
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if out.get("output_type") == "error":
                return i, out.get("ename", ""), cell
    return None


def student_lab_problem(nb: dict, err: tuple[int, str, dict] | None) -> str:
    """Why a student lab's run is wrong ('' when it is right): every cell before its first answer cell (the
    set-up, the parameters) must run, and the first error must be the NotImplementedError of an unanswered
    answer, raised in an answer cell or in the test cell that calls it; not an ImportError, a FileNotFoundError."""
    grader = [c.get("metadata", {}).get("nbgrader", {}) for c in nb["cells"]]
    first_answer = next((i for i, g in enumerate(grader) if g.get("solution")), None)
    if first_answer is None:
        return "no answer cell (nbgrader solution) in the lab"
    if err is None:
        return "it ran through, but its unanswered answer cells should raise NotImplementedError"
    index, ename, _cell = err
    if ename != "NotImplementedError":
        return f"cell {index} raised {ename}; the first failure must be an unanswered answer's NotImplementedError"
    if index < first_answer or not (grader[index].get("solution") or grader[index].get("grade")):
        return (
            f"cell {index} raised NotImplementedError, but it is not an answer or test cell "
            f"(first answer: cell {first_answer})"
        )
    return ""


def tried_github(cell: dict) -> bool:
    """Whether a failed cell is the setup cell, whose fallback `pip install ... git+https://...` clean_env() stops."""
    source = "".join(cell.get("source", ""))
    return "COURSE_REPO" in source and "git+https" in source


def probe_result(nb: dict) -> dict | None:
    """What the appended probe cell printed (None when it did not run)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and PROBE_TAG in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                text = out.get("text", "")
                for line in (text if isinstance(text, str) else "".join(text)).splitlines():
                    if line.startswith("COLAB-PROBE "):
                        return json.loads(line[len("COLAB-PROBE ") :])
    return None


def probe_problems(probe: dict | None, venv: Path, wheel: Path, versions: dict[str, str]) -> list[str]:
    """Did the kernel run the venv's Python, with minirepro installed from ``wheel`` and Colab's torch/numpy?"""
    if probe is None:
        return ["the probe cell did not run"]
    problems = []
    if not Path(probe["executable"]).is_relative_to(venv):
        problems.append(f"the kernel ran {probe['executable']}, not the venv's Python")
    if "site-packages" not in Path(probe["minirepro"]).parts or not Path(probe["minirepro"]).is_relative_to(venv):
        problems.append(f"minirepro was imported from {probe['minirepro']}, not from the venv's site-packages")
    url = json.loads(probe["direct_url"] or "{}")
    if "vcs_info" in url or Path(url.get("url", "").removeprefix("file://")).name != wheel.name:
        problems.append(f"minirepro was not installed from the wheel {wheel.name}: direct_url.json says {url}")
    problems += [f"the kernel saw {p}" for p in replaced(versions, {n: probe.get(n) for n in PRESERVED})]
    return problems


def local_wheel_tags(package: str, version: str, folders: list[str]) -> set[str]:
    """Python tags (cp311, ...) of ``package``==``version`` wheels lying in ``folders`` (pip's find-links)."""
    tags = set()
    for folder in folders:
        path = Path(folder.removeprefix("file://"))
        for whl in path.glob(f"{package}-{version}*.whl") if path.is_dir() else []:
            parts = whl.name[:-4].split("-")
            if len(parts) >= 5:
                tags.update(parts[-3].split("."))
    return tags


# ------------------------------------------------------------------------------------------------- stages


class Failed(Exception):
    pass


def run(cmd, log: Path, env=None, cwd=None, check=True) -> subprocess.CompletedProcess:
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n")
        out.flush()
        proc = subprocess.run(
            [str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        out.write(proc.stdout)
    if check and proc.returncode != 0:
        tail = "\n".join(proc.stdout.rstrip().splitlines()[-15:])
        command = " ".join(map(str, cmd[:4]))
        raise Failed(f"`{command} ...` exited {proc.returncode} (log: {log.relative_to(ROOT)}):\n{tail}")
    return proc


def clean_env() -> dict:
    """The environment for the venv's processes: no PYTHONPATH or venv of the caller, git limited to file://
    (a setup cell that tries `pip install git+https://...` fails loudly), Jupyter's user folders empty."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "JUPYTER_PATH")}
    env["PATH"] = str(VENV / "bin") + os.pathsep + env.get("PATH", "")
    env["GIT_ALLOW_PROTOCOL"] = "file"
    for var, sub in (
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[var] = str(OUT / "home" / sub)
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def tree_files(root: Path = ROOT) -> list[str]:
    """The files git tracks or would add (not ignored), that exist: a clean export of the working tree."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(f for f in set(out.split("\0")) if f and (root / f).is_file())


def has_backend() -> bool:
    """Whether this interpreter has the setuptools pyproject.toml's build-system asks for."""
    need = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    m = next((re.match(r"^setuptools>=(\d+)", r) for r in need if r.startswith("setuptools")), None)
    try:
        have = int(importlib.metadata.version("setuptools").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return False
    return len(need) == 1 and m is not None and have >= int(m[1])


def stage_wheel(log: Path) -> Path:
    export = OUT / "export"
    dist = OUT / "dist"
    for d in (export, dist):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    for rel in tree_files():
        (export / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, export / rel)
    # The build backend (setuptools, pyproject's build-system) comes from this interpreter when it has a recent
    # enough one (no isolated build environment to install on every run); otherwise pip makes one, as Colab's does.
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            *(["--no-build-isolation"] if has_backend() else []),
            "-w",
            dist,
            export,
        ],
        log,
    )
    wheels = sorted(dist.glob("minirepro-*.whl"))
    if len(wheels) != 1:
        raise Failed(f"expected one minirepro wheel in {dist}, found {[w.name for w in wheels]}")
    package = export / "src" / "minirepro"
    globs = tomllib.loads((export / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["minirepro"]
    shipped = sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and any(fnmatch.fnmatch(p.relative_to(package).as_posix(), g) for g in globs)
    )
    with zipfile.ZipFile(wheels[0]) as zf:
        names = zf.namelist()
    problems = wheel_problems(names, shipped)
    if problems:
        raise Failed("the wheel is wrong: " + "; ".join(problems))
    return wheels[0]


def find_links() -> list[str]:
    """pip's find-links folders, from the environment and pip's configuration."""
    links = os.environ.get("PIP_FIND_LINKS", "").split()
    proc = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith("find-links"):
            links += value.strip().strip("'\"").split()
    return sorted(set(links))


def base_python(requested: str | None) -> tuple[str, str]:
    """(interpreter, why) for the venv: Colab's 3.12 when its torch is on disk, else this script's Python."""
    if requested:
        return requested, "as asked (--python)"
    tag = f"cp{COLAB_PYTHON[0]}{COLAB_PYTHON[1]}"
    here = getattr(sys, "_base_executable", sys.executable)
    if sys.version_info[:2] == COLAB_PYTHON:
        return here, f"Colab's Python {COLAB_PYTHON[0]}.{COLAB_PYTHON[1]}"
    name = f"python{COLAB_PYTHON[0]}.{COLAB_PYTHON[1]}"
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    colab = f"{COLAB_PYTHON[0]}.{COLAB_PYTHON[1]}"
    # pyenv's own builds before PATH's (a pyenv shim only works where that version is selected)
    candidates = sorted(glob.glob(f"{pyenv}/versions/{colab}.*/bin/{name}"), reverse=True) + [shutil.which(name)]
    py312 = next((c for c in candidates if c and "/shims/" not in c), None)
    if tag in local_wheel_tags("torch", TORCH, find_links()) and py312:
        return py312, f"Colab's Python {colab}: a {tag} torch {TORCH} lies in pip's find-links"
    v = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return here, (
        f"Python {v}, not Colab's {colab}: no {tag} torch {TORCH} on disk "
        f"(another torch build would be a multi-GB download)"
    )


def venv_python() -> Path:
    return VENV / "bin" / "python"


def marker_for(python: str) -> dict:
    """What the venv is made from: when any of it changes, the venv is made again."""
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    digest = hashlib.sha256(((ROOT / "constraints.txt").read_text() + json.dumps(sorted(deps))).encode()).hexdigest()
    return {"python": version, "torch": TORCH, "runner": RUNNER, "constraints_and_dependencies": digest[:16]}


def stage_venv(python: str, fresh: bool, log: Path) -> tuple[dict[str, str], str]:
    """Make (or reuse) the venv; return the preinstalled versions and whether it was made or reused."""
    env = clean_env()
    want = marker_for(python)
    have = json.loads(MARKER.read_text()) if MARKER.exists() else None
    if fresh or have != want or not venv_python().exists():
        shutil.rmtree(VENV, ignore_errors=True)
        run([python, "-m", "venv", VENV], log, env=env)
        vpy = venv_python()
        constraints = ROOT / "constraints.txt"
        # Colab's preinstalled torch and numpy (the CPU torch from the local wheel), then the runner.
        run([vpy, "-m", "pip", "install", "--quiet", "-c", constraints, f"torch=={TORCH}", "numpy"], log, env=env)
        run([vpy, "-m", "pip", "install", "--quiet", "-c", constraints, *RUNNER], log, env=env)
        MARKER.write_text(json.dumps(want, indent=1) + "\n")
        how = "made"
    else:
        # Reused: take the library out again (its dependencies stay, as on a Colab runtime used twice).
        run([venv_python(), "-m", "pip", "uninstall", "--quiet", "-y", "minirepro"], log, env=env, check=False)
        how = "reused"
    # The venv's own kernelspec, inside the venv (Jupyter's user folders are empty in clean_env()).
    run([venv_python(), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"], log, env=env)
    freeze = parse_freeze(run([venv_python(), "-m", "pip", "freeze"], log, env=env).stdout)
    missing = [p for p in PRESERVED if p not in freeze]
    if missing:
        raise Failed(f"the venv lacks {missing}")
    return {p: freeze[p] for p in PRESERVED}, f"{how}, Python {want['python']}"


def stage_install(wheel: Path, before: dict[str, str], log: Path) -> None:
    env = clean_env()
    cons = OUT / "constraints-colab.txt"
    cons.write_text(filtered_constraints((ROOT / "constraints.txt").read_text()))
    proc = run([venv_python(), "-m", "pip", "install", "-c", cons, str(wheel)], log, env=env)
    after = parse_freeze(run([venv_python(), "-m", "pip", "freeze"], log, env=env).stdout)
    changes = replaced(before, after)
    touched = [
        p for p in PRESERVED if re.search(rf"^\s*(Uninstalling|Attempting uninstall:) {p}\b", proc.stdout, re.M | re.I)
    ]
    if changes or touched:
        raise Failed("pip replaced Colab's packages: " + "; ".join(changes or [f"{p} reinstalled" for p in touched]))
    editable = run([venv_python(), "-m", "pip", "list", "--editable"], log, env=env).stdout
    if "minirepro" in editable:
        raise Failed("minirepro is installed editable")
    run([venv_python(), "-m", "pip", "check"], log, env=env)


def with_probe(src: Path, dest: Path) -> None:
    nb = json.loads(src.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": PROBE_TAG,
            "metadata": {"tags": [PROBE_TAG]},
            "outputs": [],
            "source": PROBE,
        }
    )
    dest.write_text(json.dumps(nb, indent=1))


def run_alone(src: Path, label: str, log: Path, wheel: Path, versions: dict[str, str], expect_error=False) -> str:
    """Copy ``src`` alone into an empty folder and run it there; return its one-line result."""
    executed = OUT / "executed" / f"{label}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="colab-") as tmp:
        work = Path(tmp) / "content"  # Colab's working folder, holding only the notebook
        work.mkdir()
        nb_path = work / src.name
        with_probe(src, nb_path)
        t0 = time.perf_counter()
        proc = run(
            [
                venv_python(),
                "-m",
                "papermill",
                nb_path,
                executed,
                "-k",
                "python3",
                "--cwd",
                work,
                "-p",
                "SCALE",
                "smoke",
                "-p",
                "DEVICE",
                "cpu",
                "--no-progress-bar",
                "--execution-timeout",
                "600",
            ],
            log,
            env=clean_env(),
            cwd=work,
            check=False,
        )
        seconds = time.perf_counter() - t0
        leftovers = sorted(p.name for p in work.iterdir() if p.name != src.name)
    if not executed.exists():
        raise Failed(f"{label}: papermill wrote no notebook (exit {proc.returncode}); see {log.relative_to(ROOT)}")
    nb = json.loads(executed.read_text())
    err = first_error(nb)
    if expect_error:
        problem = student_lab_problem(nb, err)
        if problem:
            raise Failed(f"{label}: {problem}")
        return (
            f"{label}: set-up ran, then cell {err[0]} raised an unanswered answer's NotImplementedError "
            f"({seconds:.0f} s)"
        )
    if err is not None or proc.returncode != 0:
        index, ename, cell = err or (-1, f"exit {proc.returncode}", {})
        hint = " (the setup cell fell back to installing from GitHub: minirepro was not importable)"
        hint = hint if tried_github(cell) else ""
        raise Failed(f"{label}: cell {index} raised {ename}{hint}; see {executed.relative_to(ROOT)}")
    problems = probe_problems(probe_result(nb), VENV, wheel, versions)
    if problems:
        raise Failed(f"{label}: " + "; ".join(problems))
    return f"{label}: ran through in {seconds:.0f} s" + (f" (it wrote {', '.join(leftovers)})" if leftovers else "")


def stage_notebooks(wheel: Path, versions: dict[str, str], log: Path) -> str:
    results = [
        run_alone(ROOT / LECTURE, "lecture_" + Path(LECTURE).stem, log, wheel, versions),
        run_alone(ROOT / "solutions" / LAB / f"{LAB}.ipynb", f"solution_{LAB}", log, wheel, versions),
        run_alone(ROOT / "labs" / LAB / f"{LAB}.ipynb", f"student_{LAB}", log, wheel, versions, expect_error=True),
    ]
    return "; ".join(results)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fresh", action="store_true", help="rebuild the venv even if its marker matches")
    p.add_argument("--python", help="the interpreter to make the venv from (default: see the docstring)")
    args = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()
    state: dict = {}

    def stage(name, fn):
        log = OUT / f"{name}.log"
        log.write_text("")
        t0 = time.perf_counter()
        try:
            detail = fn(log)
            print(f"colab: {name:<9} passed  {time.perf_counter() - t0:6.1f} s  {detail}", flush=True)
            return True
        except (Failed, subprocess.CalledProcessError, OSError, KeyError, ValueError) as exc:
            print(f"colab: {name:<9} FAILED  {time.perf_counter() - t0:6.1f} s  {exc}", flush=True)
            return False

    python, why = base_python(args.python)

    def s_wheel(log):
        state["wheel"] = stage_wheel(log)
        return state["wheel"].relative_to(ROOT).as_posix()

    def s_venv(log):
        state["versions"], how = stage_venv(python, args.fresh, log)
        preinstalled = ", ".join(f"{k}=={v}" for k, v in state["versions"].items())
        return f"{VENV.relative_to(ROOT)} {how} ({why}); preinstalled {preinstalled}"

    def s_install(log):
        stage_install(state["wheel"], state["versions"], log)
        return "the wheel, non-editable, without the course extra; torch and numpy unchanged; pip check passed"

    def s_notebooks(log):
        return stage_notebooks(state["wheel"], state["versions"], log)

    ok = all(
        stage(name, fn)
        for name, fn in (("wheel", s_wheel), ("venv", s_venv), ("install", s_install), ("notebooks", s_notebooks))
    )
    print(
        f"colab: {'passed' if ok else 'FAILED'} in {time.perf_counter() - t_all:.0f} s "
        f"(logs in {OUT.relative_to(ROOT)}/)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
