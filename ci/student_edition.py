"""Build the student edition: what students clone and Colab opens. `make student-edition`.

    python ci/student_edition.py [--out DIR]        (default: build/student-edition/)

This repository is the instructors': solutions/ holds the reference answers and the hidden tests,
ci/ the kept wrong answers and the grading pipeline. The edition holds only what students receive:

* ``lectures/`` and ``labs/`` (the nbgrader release), output-free, their Colab badges and setup cells
  pointing at ``[tool.minirepro] student_repository`` (rewritten with ci/nbconventions.py's badge and
  ``COURSE_REPO`` patterns, as ``make set-repo`` does for this repository);
* the library (``src/``, ``pyproject.toml``, ``constraints.txt``, ``environment.yml``), so that
  ``pip install`` of the edition, or of its address in Colab, works;
* ``datasets/`` (the cards), ``LICENSE``;
* a README written for students and a small Makefile (``make lab``, ``make check LAB=...``).

Files are taken from git's index where there is one (committed or staged files only, so nothing a
local run left in labs/ or src/ is shipped). After building, the edition is checked: no file of it may
contain a line of a hidden test, of a solution region or of a kept wrong answer (``leaks``: lines of at
least MIN_CHARS characters, whitespace collapsed, that the released labs do not have themselves and that
are not reviewed in LEGITIMATE), no instructor path may be in it (``forbidden_paths``), and every
notebook must pass the course's hygiene against the edition's own pyproject (``notebook_problems``).
A problem exits 1.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbconventions import BADGE_RE, REPO_LINE_RE, ROOT, badge, problems, repo_config  # noqa: E402 (sys.path set above)
from set_repo import REPO_RE  # noqa: E402 (sys.path set above)

DEFAULT_OUT = ROOT / "build" / "student-edition"
DEFAULT_STUDENT_REPOSITORY = "never-reproduced/course-student"
#: Folders copied as they are (from git's index), and single files copied as they are.
TREES = ("lectures", "labs", "src", "datasets")
FILES = ("LICENSE", "constraints.txt", "environment.yml")
#: Everything the edition's top level may hold; anything else is a mistake of the builder.
TOP_LEVEL = set(TREES) | set(FILES) | {"README.md", "Makefile", "pyproject.toml", ".gitignore", ".git"}
#: Names that must appear nowhere in the edition.
FORBIDDEN_PARTS = {
    "solutions",
    "ci",
    "wrong_answers",
    "tests",
    "build",
    "benchmarks",
    "submitted",
    "autograded",
    "feedback",
    "release",
    "exchange",
    "__pycache__",
    ".ipynb_checkpoints",
}
FORBIDDEN_NAMES = {"nbgrader_config.py", "gradebook.db"}
FORBIDDEN_SUFFIXES = {".pyc", ".db"}
IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", "*.egg-info")

# --- the scan for the key ---------------------------------------------------------------------------

#: A line of a solution, hidden test or wrong answer shorter than this (whitespace collapsed) is too
#: generic to call a leak (``return x``, ``with torch.no_grad():``, ``while parent[x] != x:``).
MIN_CHARS = 24
IMPORT_RE = re.compile(r"^(from [\w.]+ )?import [\w., ()]+$")
#: Lines of a reference answer that students receive anyway, each reviewed: the key is the whole answer,
#: never one generic line of it, and the library has finished versions of a few answers by design (the
#: hidden tests make them unavailable while they run). Add a line only after reading both places.
LEGITIMATE = {
    # the library (src/minirepro), by design
    "words = text.lower().split()": "minirepro.crawl.shingles (lab 02: shingles); lecture 02's rules too",
    "return {tuple(words)} if words else set()": "minirepro.crawl.shingles (lab 02: shingles)",
    "return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}": (
        "minirepro.crawl.shingles and evaluate's 13-gram overlap (lab 02: shingles)"
    ),
    "return len(a & b) / len(a | b)": "minirepro.crawl.jaccard (lab 02: jaccard)",
    "parent[x] = parent[parent[x]]": "union-find path halving in minirepro.crawl and lecture 02 (lab 02: clusters)",
    "log_z = torch.logsumexp(logits.float(), dim=-1)": "minirepro.model's z-loss (lab 03: z_loss)",
    "scaler = torch.amp.GradScaler(": "the opening line of a call, as ruff formats it: the library's fp16 loss scaler",
    "except (TypeError, ValueError):": "a generic line: evaluate's input check, lab 06's grader of a returned number",
    "cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)": (
        "minirepro.model.apply_rope, the engine's RoPE (lab 06: rope; forbidden while grading)"
    ),
    # the library's finished versions that lectures use as black boxes, switched off while grading (issue 10)
    "return 6 * n_params * n_tokens": "minirepro.budget.train_flops (lab 01: train_flops; forbidden while grading)",
    'raise ValueError(f"ZeRO stage must be 0, 1, 2 or 3; got {stage!r}")': (
        "minirepro.budget.zero_bytes_per_gpu's input check (lab 01: zero; forbidden while grading)"
    ),
    "s, b, h, a = seq_len, micro_batch, d_model, n_heads": (
        "minirepro.budget.activation_bytes, Korthikanti et al.'s symbols (lab 01: activations; forbidden while grading)"
    ),
    "return n_layer * s * b * h * (34 + 5 * a * s / h)": (
        "minirepro.budget.activation_bytes, Korthikanti et al. 2022 Eq. 2 (lab 01: activations; forbidden "
        "while grading)"
    ),
    "return gpu_days(flops, peak_flops, mfu) * 24 * usd_per_gpu_hour": (
        "minirepro.budget.training_cost (lab 01: cost; forbidden while grading)"
    ),
    "return tokens_per_s * flops_per_token / peak_flops": (
        "minirepro.budget.mfu (lab 01: cost; forbidden while grading)"
    ),
    "return 1 - ckpt_cost / interval - (interval / 2 + restart_cost) / mtbf": (
        "minirepro.budget.goodput (lab 01: checkpointing; forbidden while grading)"
    ),
    "return sum(c - best for c in capped) / len(capped)": (
        "minirepro.stability.lr_sensitivity (lab 03: lr_sensitivity; forbidden while grading)"
    ),
    "for name, tensor in model.state_dict().items():": (
        "minirepro.train.weights_hash walks the state dict as any digest must (lab 03: weights_digest; "
        "forbidden while grading)"
    ),
    "scaler.scale(loss).backward()": (
        "PyTorch's GradScaler idiom, in the engine and lecture 03; lab 03's hidden test replays the real scaler"
    ),
    # lectures: one generic line of a longer answer
    "a, b, e, alpha, beta = best.x": (
        "lecture 04 unpacks its own multi-start fit's result into the same names (lab 04: fit_scaling_law)"
    ),
}
REGIONS = {
    "solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
    "hidden test": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
}


def normalise(line: str) -> str:
    """A line with its indentation dropped and its runs of whitespace collapsed."""
    return " ".join(line.split())


def regions(source: str, begin: str, end: str) -> list[str]:
    """The lines between each ``begin`` and ``end`` marker line of ``source`` (markers excluded)."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begin):
            inside = True
        elif stripped.startswith(end):
            inside = False
        elif inside:
            out.append(line)
    return out


def secret_lines(root: Path = ROOT) -> dict[str, str]:
    """Every line students must never receive, normalised, with where it comes from: the solution
    regions and hidden-test blocks of ``solutions/*/*.ipynb`` (a solution cell without markers counts
    whole, as nbgrader replaces it whole), and every kept wrong answer or attack (``ci/*/**``)."""
    found: dict[str, str] = {}
    for path in sorted((root / "solutions").glob("*/*.ipynb")):
        rel = path.relative_to(root).as_posix()
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            for kind, (begin, end) in REGIONS.items():
                lines = regions(cell.source, begin, end)
                if kind == "solution" and meta.get("solution") and begin not in cell.source:
                    lines = cell.source.splitlines()
                for line in lines:
                    found.setdefault(normalise(line), f"{rel} cell {i} ({kind})")
    for path in sorted((root / "ci").glob("*/**/*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                found.setdefault(normalise(line), f"{rel} (instructor-only)")
    return found


def released_text(root: Path = ROOT) -> str:
    """What nbgrader releases, normalised: the labs' own text (questions, stubs, visible tests). A
    secret line found here is released anyway, so it is not a leak."""
    lines: list[str] = []
    for path in sorted((root / "labs").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            lines += cell.source.splitlines()
    return "\n".join(normalise(line) for line in lines)


def needles(root: Path = ROOT) -> dict[str, str]:
    """The secret lines the scan looks for: long enough, not an import, not released by design."""
    released = released_text(root)
    return {
        line: origin
        for line, origin in secret_lines(root).items()
        if len(line) >= MIN_CHARS and not IMPORT_RE.match(line) and line not in LEGITIMATE and line not in released
    }


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _strings(value)


def file_lines(path: Path) -> list[tuple[str, str]]:
    """(where, normalised line) for every line of a file; a notebook's every string (sources,
    outputs, metadata), each cell's named by its index."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            out = []
            for i, cell in enumerate(data.get("cells", [])):
                if not isinstance(cell, dict):
                    cell = {"source": cell}
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else str(source)
                out += [(f"cell {i} line {j + 1}", normalise(line)) for j, line in enumerate(source.splitlines())]
                rest = {k: v for k, v in cell.items() if k != "source"}
                out += [
                    (f"cell {i} outputs or metadata", normalise(line))
                    for s in _strings(rest)
                    for line in s.splitlines()
                ]
            rest = {k: v for k, v in data.items() if k != "cells"}
            out += [("notebook metadata", normalise(line)) for s in _strings(rest) for line in s.splitlines()]
            return out
    return [(f"line {j + 1}", normalise(line)) for j, line in enumerate(text.splitlines())]


def edition_files(edition: Path) -> list[Path]:
    return sorted(p for p in edition.rglob("*") if p.is_file() and ".git" not in p.relative_to(edition).parts)


def leaks(edition: Path, root: Path = ROOT, secrets: dict[str, str] | None = None) -> list[str]:
    """Every place in ``edition`` where a secret line appears (as a whole line or inside one)."""
    secrets = needles(root) if secrets is None else secrets
    found = []
    for path in edition_files(edition):
        lines = file_lines(path)
        text = "\n".join(line for _, line in lines)
        for secret, origin in secrets.items():
            if secret in text:
                for where, line in lines:
                    if secret in line:
                        found.append(f"{path.relative_to(edition).as_posix()} {where}: {secret!r} from {origin}")
    return found


# --- the other checks -------------------------------------------------------------------------------


def student_repository(root: Path = ROOT) -> str:
    """``[tool.minirepro] student_repository``: the address students clone and Colab opens."""
    cfg = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["minirepro"]
    repo = cfg.get("student_repository", DEFAULT_STUDENT_REPOSITORY)
    if not REPO_RE.match(repo):
        raise SystemExit(f"pyproject.toml: student_repository must look like owner/name, got {repo!r}")
    return repo


def forbidden_paths(edition: Path) -> list[str]:
    out = []
    for path in sorted(edition.iterdir()):
        if path.name not in TOP_LEVEL:
            out.append(f"{path.name}: not part of the student edition")
    for path in edition_files(edition):
        rel = path.relative_to(edition)
        if set(rel.parts) & FORBIDDEN_PARTS or rel.name in FORBIDDEN_NAMES or rel.suffix in FORBIDDEN_SUFFIXES:
            out.append(f"{rel.as_posix()}: instructor-only or a build leftover")
    return out


def notebook_problems(edition: Path, root: Path = ROOT) -> list[str]:
    """Hygiene of every notebook against the edition's own pyproject (so badges and setup cells must
    point at the student repository), and no mention of the instructors' repository anywhere."""
    out = []
    for path in sorted(edition.glob("lectures/*.ipynb")) + sorted(edition.glob("labs/*/*.ipynb")):
        out += problems(path, edition)
    instructor, _ = repo_config(root)
    if instructor != student_repository(root):
        pattern = re.compile(re.escape(instructor) + r"(?![\w.-])")
        for path in edition_files(edition):
            for where, line in file_lines(path):
                if pattern.search(line):
                    out.append(
                        f"{path.relative_to(edition).as_posix()} {where}: "
                        f"names the instructors' repository {instructor}"
                    )
    return out


def check(edition: Path, root: Path = ROOT) -> list[str]:
    return forbidden_paths(edition) + notebook_problems(edition, root) + leaks(edition, root)


# --- the build --------------------------------------------------------------------------------------


def tracked(root: Path, tree: str) -> list[Path] | None:
    """Files under ``tree`` in git's index (None when ``root`` is not a git checkout)."""
    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--", tree], cwd=root, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return [root / p for p in proc.stdout.decode().split("\0") if p and (root / p).is_file()]


def untracked(root: Path, tree: str) -> list[str]:
    """Files under ``tree`` that git neither tracks nor ignores: left out of the edition until added."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--others", "--exclude-standard", "--", tree],
            cwd=root,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return []
    return [p for p in proc.stdout.decode().split("\0") if p]


def copy_tree(root: Path, tree: str, out: Path) -> None:
    files = tracked(root, tree)
    if files is None:
        shutil.copytree(root / tree, out / tree, ignore=IGNORED)
        return
    for rel in untracked(root, tree):
        print(f"student-edition: {rel} is not in git's index, left out (git add it to ship it)")
    for src in files:
        dest = out / src.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)


def for_students(nb, rel: str, repo: str, branch: str):
    """The notebook as students get it: no outputs, badge and setup cell on the student repository."""
    if nb.cells and nb.cells[0].cell_type == "markdown":
        nb.cells[0].source = BADGE_RE.sub(badge(rel, repo, branch), nb.cells[0].source)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # the setup line's comment points instructors at `make set-repo`, which the edition has not
            cell.source = REPO_LINE_RE.sub(f'COURSE_REPO = "{repo}"', cell.source)
            cell.source = re.sub(r'(?m)^(COURSE_REPO = "[^"]*").*$', r"\1", cell.source)
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def edition_pyproject(text: str, repo: str, branch: str) -> str:
    """pyproject.toml with its ``[tool.minirepro]`` table replaced by the edition's own address."""
    table = (
        "[tool.minirepro]\n"
        "# The course's student edition: badges and Colab setup cells point at this repository.\n"
        f'repository = "{repo}"\n'
        f'branch = "{branch}"\n\n'
    )
    new, n = re.subn(r"(?ms)^\[tool\.minirepro\]\n.*?(?=^\[|\Z)", table, text)
    if n != 1:
        raise SystemExit("pyproject.toml: expected exactly one [tool.minirepro] table")
    return new.rstrip("\n") + "\n"


def course_map(out: Path, repo: str, branch: str) -> str:
    def title(path: Path) -> str:
        first = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
        return first.lstrip("# ").strip()

    def link(path: Path) -> str:
        rel = path.relative_to(out).as_posix()
        colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{rel}"
        return f"[{path.stem}]({rel}) · [Colab]({colab})"

    rows = ["| module | lecture | lab (graded) |", "|---|---|---|"]
    for lecture in sorted(out.glob("lectures/*.ipynb")):
        labs = sorted(out.glob(f"labs/{lecture.stem[:2]}_*/*.ipynb"))
        lab = " ".join(link(p) for p in labs) or "—"
        rows.append(f"| {title(lecture)} | {link(lecture)} | {lab} |")
    return "\n".join(rows)


README = """\
# Never Reproduced — GPT-3's training run, rebuilt in miniature (student edition)

GPT-3 (Brown et al. 2020) published its recipe, yet no public group trained a matching 175B model for
years. This course rebuilds each barrier that stood in the way — compute, data curation, training
stability, scaling, evaluation — **in miniature, on hardware you have**, measures it, and asks you to
do the same in graded labs. Lectures and labs are Jupyter notebooks; the course library `minirepro`
(PyTorch) holds the code they share.

Every notebook runs end to end on a laptop CPU in minutes (`SCALE="smoke"`) and at full size on a
Colab GPU (`SCALE="full"`). Every number in a notebook is computed there or cited (paper + table/section).

## Course map

{course_map}

## Open it in Google Colab

Click the "Open in Colab" badge at the top of any notebook, or a Colab link above. The notebook's first
code cell installs the course library from this repository (`{repo}`), keeping Colab's own torch.
Pick a GPU runtime (Runtime > Change runtime type) to run at full size. Colab keeps your changes in
your Google Drive only if you save a copy there (File > Save a copy in Drive).

## Open it on your own machine

With Python 3.11 or newer, git and `make`:

```bash
git clone https://github.com/{repo}.git
cd {name}
make lab      # first time: a .venv with everything (~1 min); then JupyterLab opens on the course
```

Without `make`:

```bash
python3 -m venv .venv
source .venv/bin/activate            # Windows: .venv\\Scripts\\activate
pip install -c constraints.txt -e ".[course]"
jupyter lab
```

With conda: `conda env create -f environment.yml && conda activate never-reproduced`.
`constraints.txt` pins the versions the course was tested with.

## Doing a lab

Each lab is `labs/NN_topic/NN_topic.ipynb`. Fill in every cell marked `# YOUR CODE HERE` (delete the
`raise NotImplementedError()` under it) and run the test cell after it. Do not edit or delete the test
cells: the grader puts its own copies back.

### Checking a lab

- **In the notebook** (Colab or JupyterLab): the last cell of every lab,
  `minirepro.check_lab("01_compute_budgeting")`, runs the lab's test cells against the answers you have
  run so far and prints a result per question.
- **In a terminal**: `minirepro-check labs/01_compute_budgeting/01_compute_budgeting.ipynb` (or
  `python -m minirepro.check PATH`, or `make check LAB=01_compute_budgeting`) runs the whole notebook
  in a fresh kernel, as the grader will, with a 60 s limit per cell, and prints a result per question.
  Exit status 0 means every visible test passed.
- **In JupyterLab** (after `make lab`): the *Validate* button of nbgrader's extension runs them too.

These run only the tests you can see: the grader also runs hidden tests that check values, so passing
here is necessary, not sufficient. Hand in the `.ipynb` file (in Colab: File > Download > Download
.ipynb) as your instructor asks.

### Parameters

Every notebook has a `parameters` cell: `SCALE` (`"auto"`, `"smoke"`, `"full"`), `DEVICE` (`"auto"`,
`"cpu"`, `"cuda"`), `SEED`. `"auto"` means full size on a GPU and smoke on a CPU. Change them in the
cell, or set the environment variables `MINIREPRO_SCALE` / `MINIREPRO_DEVICE`.

## Data

Nothing downloads at run time. The data the labs use is generated by the course library,
deterministically; every dataset has a card in `datasets/` (source, generation, size, license,
checksums).

## Layout

```
README.md  Makefile  pyproject.toml  constraints.txt  environment.yml  LICENSE
lectures/   NN_topic.ipynb
labs/       NN_topic/NN_topic.ipynb   the graded labs
src/        minirepro, the course library
datasets/   dataset cards
```

## License

See `LICENSE`.
"""

MAKEFILE = """\
# Never Reproduced, student edition.
#   make lab                         set up (first time: a .venv with everything) and open JupyterLab
#   make check LAB=01_compute_budgeting   run a lab in a fresh kernel and report its visible tests
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
export PATH := $(BIN):$(PATH)
STAMP := $(VENV)/.installed

.PHONY: setup lab check clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
\t@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
\t@test -x $(PY) || $(PYTHON) -m venv $(VENV)
\t$(PY) -m pip install --quiet --upgrade pip
\t$(PY) -m pip install --quiet -c constraints.txt -e ".[course]"
\t@touch $(STAMP)

lab: setup
\t$(BIN)/jupyter lab --notebook-dir=$(CURDIR) $(LAB_ARGS)

check: setup
\t@test -n "$(LAB)" || { echo "usage: make check LAB=01_compute_budgeting (one of: $(notdir $(wildcard labs/*)))"; exit 2; }
\t$(BIN)/minirepro-check labs/$(LAB)/$(LAB).ipynb

clean:
\trm -rf .pytest_cache
"""  # noqa: E501 (a Makefile: its recipes are shell lines, kept whole)

GITIGNORE = """\
.venv/
__pycache__/
*.egg-info/
.ipynb_checkpoints/
*.pyc
"""


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def prepare_out(out: Path, root: Path, repo: str) -> None:
    """Empty ``out`` (keeping a ``.git``, so the edition can be built into a clone of the student
    repository), after making sure it is a folder this script may empty."""
    out = out.resolve()
    root = root.resolve()
    if _is_inside(root, out):
        raise SystemExit(f"--out {out}: that is the repository or a folder above it")
    if _is_inside(out, root) and not _is_inside(out, root / "build"):
        raise SystemExit(f"--out {out}: inside the repository, only build/ may be written to")
    if out.exists() and any(out.iterdir()) and not _is_inside(out, root / "build"):
        try:
            cfg = tomllib.loads((out / "pyproject.toml").read_text())["tool"]["minirepro"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            cfg = {}
        if cfg.get("repository") != repo:
            raise SystemExit(
                f"--out {out}: not empty and not an earlier student edition of {repo}; refusing to empty it"
            )
    out.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        if path.name == ".git":
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def build(out: Path = DEFAULT_OUT, root: Path = ROOT) -> Path:
    """Write the student edition into ``out`` (emptied first) and return it."""
    repo = student_repository(root)
    _, branch = repo_config(root)
    prepare_out(out, root, repo)
    for tree in TREES:
        copy_tree(root, tree, out)
    for name in FILES:
        shutil.copy2(root / name, out / name)
    for path in sorted(out.glob("lectures/*.ipynb")) + sorted(out.glob("labs/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.write(for_students(nb, path.relative_to(out).as_posix(), repo, branch), path)
    (out / "pyproject.toml").write_text(edition_pyproject((root / "pyproject.toml").read_text(), repo, branch))
    readme = README.format(course_map=course_map(out, repo, branch), repo=repo, name=repo.split("/")[1])
    (out / "README.md").write_text(readme)
    (out / "Makefile").write_text(MAKEFILE)
    (out / ".gitignore").write_text(GITIGNORE)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to build it (default: %(default)s)")
    args = parser.parse_args(argv)
    out = build(args.out)
    found = check(out)
    for msg in found:
        print(f"student-edition: {msg}")
    if any(" from " in msg for msg in found):
        print(
            "student-edition: a line of the key is in the edition; remove it from what students receive, or, if it is\n"
            "generic or released by design, add it to LEGITIMATE in ci/student_edition.py with the reason"
        )
    files = edition_files(out)
    size = sum(p.stat().st_size for p in files)
    print(
        f"student-edition: {len(files)} files, {size / 1e6:.1f} MB in {out}; "
        f"badges and setup cells point at {student_repository()}; {len(found)} problems"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
