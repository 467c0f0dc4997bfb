"""The course's notebook conventions, in one place: what every notebook starts with, and the checks.

Used by ``ci/hygiene.py`` (checks), ``ci/set_repo.py`` (rewrites badges and setup cells) and
``ci/new_notebook.py`` (starts a notebook that already follows them).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COLAB_BADGE_IMG = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(
    r"\[!\[Open In Colab\]\(" + re.escape(COLAB_BADGE_IMG) + r"\)\]"
    r"\(https://colab\.research\.google\.com/github/(?P<repo>[^/]+/[^/]+)/blob/(?P<branch>[^/]+)/(?P<path>[^)\s]+)\)"
)
REPO_LINE_RE = re.compile(r'^COURSE_REPO = "(?P<repo>[^"]*)"', re.MULTILINE)


def repo_config(root: Path = ROOT) -> tuple[str, str]:
    """(repository, branch) from ``[tool.minirepro]`` in pyproject.toml: the one place they live."""
    data = tomllib.loads((root / "pyproject.toml").read_text())
    cfg = data["tool"]["minirepro"]
    return cfg["repository"], cfg["branch"]


def badge_target(relpath: str) -> str:
    """What a notebook's badge opens: itself, except a solution, whose badge opens the student version."""
    parts = relpath.split("/")
    if parts[0] == "solutions":
        return "/".join(["labs", *parts[1:]])
    return relpath


def badge(relpath: str, repo: str, branch: str) -> str:
    relpath = badge_target(relpath)
    url = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{relpath}"
    return f"[![Open In Colab]({COLAB_BADGE_IMG})]({url})"


def setup_source(repo: str) -> str:
    return (
        "# Setup: the same cell works locally and in Colab. It installs the course library when it is\n"
        "# missing (Colab), keeping the torch that is already installed.\n"
        f'COURSE_REPO = "{repo}"  # one place to change it for all notebooks: make set-repo REPO=owner/name\n'
        "try:\n"
        "    import minirepro\n"
        "except ImportError:  # a package new to this kernel imports right away: no restart needed\n"
        "    import subprocess\n"
        "    import sys\n"
        "\n"
        "    subprocess.run(\n"
        '        [sys.executable, "-m", "pip", "install", "--quiet", f"minirepro @ git+https://github.com/{COURSE_REPO}"],\n'
        "        check=True,\n"
        "    )\n"
        "    import minirepro"
    )


PARAMETERS_SOURCE = (
    'SCALE = "auto"  # "auto" (full on a GPU, smoke on a CPU), "smoke" or "full"\n'
    'DEVICE = "auto"  # "auto", "cpu" or "cuda"\n'
    "SEED = 0"
)
RESOLVE_SOURCE = "SCALE, DEVICE = minirepro.setup(SCALE, DEVICE, SEED)"


COURSE_FOLDERS = ("lectures", "solutions", "labs")
#: A module's name: two digits, an underscore, a lower-case topic (``05_evaluation``); the same in all three folders.
MODULE_RE = re.compile(r"^\d\d_[a-z0-9]+(?:_[a-z0-9]+)*$")
CHECK_LAB_RE = re.compile(r"""^\s*minirepro\.check_lab\(\s*(?P<q>["'])(?P<id>[^"']*)(?P=q)\s*\)\s*$""")


def _notebooks_under(folder: Path) -> list[Path]:
    """Every notebook under ``folder``, however deep, except JupyterLab's checkpoints and other hidden folders."""
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*.ipynb") if not any(part.startswith(".") for part in p.relative_to(folder).parts)]


def all_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook in lectures/, solutions/ and labs/, wherever it lies (lab_layout_problems: where it should)."""
    return sorted(p for folder in COURSE_FOLDERS for p in _notebooks_under(root / folder))


def _lab_ids(folder: Path) -> list[str]:
    return (
        sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
        if folder.is_dir()
        else []
    )


def last_cell_problem(path: Path, lab_id: str, root: Path = ROOT) -> str | None:
    """Why the notebook's last cell is not ``minirepro.check_lab("<lab_id>")``, or None when it is."""
    rel = path.relative_to(root).as_posix()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001  (problems() reports an unreadable notebook)
        return None
    last = nb.cells[-1] if nb.cells else None
    m = CHECK_LAB_RE.match(last.source) if last is not None and last.cell_type == "code" else None
    if m is None:
        return (
            f'{rel}: the last cell must be a code cell holding only minirepro.check_lab("{lab_id}") '
            "(the student's per-question check; see CONTRIBUTING.md)"
        )
    if m["id"] != lab_id:
        return f'{rel}: the last cell checks lab {m["id"]!r}, not this lab: write minirepro.check_lab("{lab_id}")'
    return None


def lab_layout_problems(root: Path = ROOT) -> list[str]:
    """Where lectures, solutions and labs break the course's layout (CONTRIBUTING.md, "Adding module NN").

    lectures/NN_topic.ipynb; solutions/NN_topic/NN_topic.ipynb, one notebook per folder, named as its folder;
    labs/NN_topic/NN_topic.ipynb generated from it (each solution has its lab and each lab its solution); the
    last cell of both is ``minirepro.check_lab("NN_topic")``. Nothing that breaks these is skipped silently:
    ``common.assignments`` (what `make labs` and the grader see) only finds solutions/<id>/<id>.ipynb.
    """
    out = []
    lectures = root / "lectures"
    for path in _notebooks_under(lectures):
        rel = path.relative_to(root).as_posix()
        if path.parent != lectures:
            out.append(f"{rel}: a lecture lies in lectures/ itself: lectures/NN_topic.ipynb")
        elif not MODULE_RE.match(path.stem):
            out.append(f"{rel}: a lecture is named NN_topic.ipynb (two digits, '_', a lower-case topic)")
    for folder in ("solutions", "labs"):
        base = root / folder
        for path in _notebooks_under(base):
            if path.parent == base:
                out.append(
                    f"{path.relative_to(root).as_posix()}: a notebook directly in {folder}/; "
                    f"a lab is {folder}/NN_topic/NN_topic.ipynb"
                )
    solution_ids, lab_ids = _lab_ids(root / "solutions"), _lab_ids(root / "labs")
    for folder, ids in (("solutions", solution_ids), ("labs", lab_ids)):
        for lab_id in ids:
            where = f"{folder}/{lab_id}/"
            if not MODULE_RE.match(lab_id):
                out.append(f"{where}: a lab's folder is named NN_topic (two digits, '_', a lower-case topic)")
            found = sorted(
                p.relative_to(root / folder / lab_id).as_posix() for p in _notebooks_under(root / folder / lab_id)
            )
            expected = f"{lab_id}.ipynb"
            if not found:
                out.append(f"{where}: no notebook; a lab's folder holds one, {where}{expected}")
                continue
            if len(found) > 1:
                out.append(
                    f"{where}: {len(found)} notebooks ({', '.join(found)}); a lab's folder holds one, {where}{expected}"
                )
            if expected not in found:
                out.append(
                    f"{where}: holds {', '.join(found)}, not {expected}: a lab's notebook is named as its "
                    "folder, or `make labs` and the grader skip it"
                )
                continue
            problem = last_cell_problem(root / folder / lab_id / expected, lab_id, root)
            if problem:
                out.append(problem)
    for lab_id in sorted(set(solution_ids) - set(lab_ids)):
        out.append(
            f"solutions/{lab_id}/: no generated lab in labs/{lab_id}/ (run: make labs LAB={lab_id}, commit both)"
        )
    for lab_id in sorted(set(lab_ids) - set(solution_ids)):
        out.append(
            f"labs/{lab_id}/: no source in solutions/{lab_id}/ (labs/ is generated: remove it if the lab was "
            "retired, or restore its solution)"
        )
    return out


def header_cells(relpath: str, title: str, goals: list[str], time_needed: str, repo: str, branch: str):
    md = [f"# {title}", "", badge(relpath, repo, branch), "", "**Learning goals**", ""]
    md += [f"- {g}" for g in goals]
    md += ["", f"**Time needed**: {time_needed}"]
    params = nbformat.v4.new_code_cell(PARAMETERS_SOURCE, metadata={"tags": ["parameters"]})
    return [
        nbformat.v4.new_markdown_cell("\n".join(md)),
        nbformat.v4.new_code_cell(setup_source(repo)),
        params,
        nbformat.v4.new_code_cell(RESOLVE_SOURCE),
    ]


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True)


def tracked(path: Path, root: Path = ROOT) -> bool:
    """Whether git tracks ``path`` (False outside a git clone)."""
    return _git(root, "ls-files", "--error-unmatch", "--", path.relative_to(root).as_posix()).returncode == 0


def staged_bytes(path: Path, root: Path = ROOT) -> bytes | None:
    """The notebook as git's index holds it (what the next commit contains; in a fresh clone, what is committed)."""
    proc = _git(root, "show", f":{path.relative_to(root).as_posix()}")
    return proc.stdout if proc.returncode == 0 else None


def clean_filter(path: Path, root: Path = ROOT) -> str | None:
    """The clean filter command git applies to ``path`` on `git add` (nbstripout, see ci/git_filters.py), or None."""
    rel = path.relative_to(root).as_posix()
    attr = _git(root, "check-attr", "filter", "--", rel).stdout.decode().strip().rsplit(": ", 1)[-1]
    if attr in ("", "unspecified", "unset", "set"):
        return None
    proc = _git(root, "config", "--get", f"filter.{attr}.clean")
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def as_git_adds_them(paths: list[Path], root: Path = ROOT) -> dict[Path, bytes]:
    """Each working-tree notebook after git's clean filter: what `git add` would stage (raw bytes without a filter).

    One filter process for all of them (copies in a scratch folder, filtered in place), not one per notebook.
    """
    import shlex
    import shutil
    import tempfile

    out = {p: p.read_bytes() for p in paths}
    by_command: dict[str, list[Path]] = {}
    for p in paths:
        command = clean_filter(p, root) if tracked(p, root) else None
        if command is not None and "nbstripout" in command:  # nbstripout filters files in place when named
            by_command.setdefault(command, []).append(p)
    for command, group in by_command.items():
        with tempfile.TemporaryDirectory() as tmp:
            copies = []
            for i, p in enumerate(group):
                copies.append(Path(tmp) / f"{i}.ipynb")
                shutil.copyfile(p, copies[-1])
            proc = subprocess.run(
                command + " " + " ".join(shlex.quote(str(c)) for c in copies), shell=True, cwd=root, capture_output=True
            )
            if proc.returncode == 0:  # a broken filter: the files are checked as they are
                out.update({p: c.read_bytes() for p, c in zip(group, copies)})
    return out


def filter_hint(path: Path, root: Path = ROOT) -> str:
    if clean_filter(path, root) is None and tracked(path, root):
        return (
            " (make setup installs a git filter, nbstripout, that keeps outputs out of commits: run it, "
            "or clear outputs)"
        )
    return ""


def problems(path: Path, root: Path = ROOT, content: bytes | None = None, where: str = "") -> list[str]:
    """Everything wrong with one notebook's hygiene, as messages naming the notebook and cell.

    ``content``: the notebook's bytes to check instead of the file (the index's copy, the filtered working tree);
    ``where``: said after the notebook's name, e.g. " (as staged)".
    """
    rel = path.relative_to(root).as_posix()
    label = rel + where
    try:
        nb = (
            nbformat.reads(content.decode(), as_version=4) if content is not None else nbformat.read(path, as_version=4)
        )
    except Exception as exc:  # noqa: BLE001 - any failure to read: reported as a problem
        return [f"{label}: cannot be read as a notebook ({exc})"]
    out = []
    repo, branch = repo_config(root)
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        out.append(
            f"{label}: kernelspec name is {kernel!r}; every notebook must use 'python3' (nbgrader grades with it)"
        )
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            out.append(
                f"{label}: cell {i} is committed with outputs; "
                "clear them (nbgrader's ClearOutput or Edit > Clear Outputs)"
            )
        if cell.get("execution_count") is not None:
            out.append(f"{label}: cell {i} has an execution_count; clear outputs before committing")
        if "execution" in cell.get("metadata", {}):
            out.append(f"{label}: cell {i} carries JupyterLab's 'execution' timing metadata; clear it")
    if not nb.cells or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.lstrip().startswith("# "):
        out.append(f"{label}: cell 0 must be a markdown title cell starting with '# '")
    else:
        m = BADGE_RE.search(nb.cells[0].source)
        if not m:
            out.append(f"{label}: cell 0 has no 'Open in Colab' badge")
        elif (m["repo"], m["branch"], m["path"]) != (repo, branch, badge_target(rel)):
            out.append(
                f"{label}: cell 0's Colab badge points at {m['repo']}@{m['branch']}:{m['path']}, "
                f"expected {repo}@{branch}:{badge_target(rel)} (run: make set-repo REPO={repo})"
            )
    params = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(params) != 1:
        out.append(f"{label}: needs exactly one cell tagged 'parameters', found {len(params)} (cells {params})")
    else:
        src = nb.cells[params[0]].source
        for name in ("SCALE", "DEVICE", "SEED"):
            if not re.search(rf"^{name}\s*=", src, re.MULTILINE):
                out.append(f"{label}: the parameters cell (cell {params[0]}) does not set {name}")
        if not re.search(r'^SCALE\s*=\s*"auto"', src, re.MULTILINE):
            out.append(f'{rel}: the parameters cell (cell {params[0]}) must default to SCALE = "auto"')
    setups = [c for c in nb.cells if c.cell_type == "code" and REPO_LINE_RE.search(c.source)]
    if len(setups) != 1:
        out.append(f'{label}: needs exactly one setup cell with COURSE_REPO = "...", found {len(setups)}')
    else:
        found = REPO_LINE_RE.search(setups[0].source)["repo"]
        if found != repo:
            out.append(
                f"{label}: setup cell's COURSE_REPO is {found!r}, expected {repo!r} (run: make set-repo REPO={repo})"
            )
    return out


if __name__ == "__main__":  # pragma: no cover
    sys.exit("import this module; see ci/hygiene.py")
