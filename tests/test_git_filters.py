"""Running a lecture in place never breaks `make test`, and outputs never reach a commit (issue 11 §3).

A scratch git clone with one conforming lecture and the course's .gitattributes: ci/git_filters.py installs
nbstripout as the clean filter, and hygiene checks what git commits (the index) and what `git add` would stage.
"""

import shutil
import subprocess

import git_filters
import hygiene
import nbconventions
import nbformat
import pytest
from conftest import ROOT


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def clone(tmp_path):
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy2(ROOT / ".gitattributes", tmp_path / ".gitattributes")
    (tmp_path / "lectures").mkdir()
    repo, branch = nbconventions.repo_config(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = nbconventions.header_cells("lectures/99_x.ipynb", "99 · X", ["g"], "1 min", repo, branch)
    path = tmp_path / "lectures" / "99_x.ipynb"
    nbformat.write(nb, path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "t")
    return tmp_path, path


def run_in_place(path):
    """What JupyterLab saves after a run: outputs, counts, timing metadata, the kernel's full language_info."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [nbformat.v4.new_output("stream", text=f"out {i}\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-11-29T10:00:00.000Z"}
    nb.metadata["language_info"] = {
        "name": "python",
        "version": "3.12.1",
        "mimetype": "text/x-python",
        "file_extension": ".py",
        "pygments_lexer": "ipython3",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "nbconvert_exporter": "python",
    }
    nbformat.write(nb, path)


def test_a_lecture_run_in_place_leaves_hygiene_green_and_git_clean(clone):
    root, path = clone
    assert git_filters.install(root)
    assert git_filters.installed(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "course")
    committed = path.read_bytes()
    run_in_place(path)
    assert b"out 0" in path.read_bytes()
    assert hygiene.notebook_problems([path], root) == []
    # git status may list the file (its size changed: git does not filter to compare sizes), but git diff, which
    # compares filtered content, shows nothing, and `git add` stages exactly what was committed
    assert subprocess.run(["git", "diff", "--quiet"], cwd=root).returncode == 0, (
        "the filter hides outputs from git diff"
    )
    git(root, "add", "-A")
    assert git(root, "show", ":lectures/99_x.ipynb").encode() == committed, "git add stages the notebook as committed"
    assert git(root, "status", "--porcelain") == ""


def test_without_the_filter_outputs_are_flagged_with_the_fix(clone):
    root, path = clone
    git(root, "add", "-A")
    git(root, "commit", "-qm", "course")
    run_in_place(path)
    msgs = hygiene.notebook_problems([path], root)
    assert msgs and all("as `git add` would stage it" in m for m in msgs), msgs
    assert any("committed with outputs" in m and "make setup installs a git filter" in m for m in msgs), msgs


def test_a_notebook_committed_with_outputs_is_flagged_even_with_the_filter(clone):
    root, path = clone
    run_in_place(path)
    git(root, "add", "-A")  # no filter yet: the outputs go into the index
    git(root, "commit", "-qm", "dirty")
    assert git_filters.install(root)
    msgs = hygiene.notebook_problems([path], root)
    assert any("(as staged in git's index)" in m and "committed with outputs" in m for m in msgs), msgs


def test_the_filter_leaves_every_committed_notebook_unchanged():
    """nbstripout with the course's settings is the identity on what is committed (ids kept, language_info as is)."""
    paths = nbconventions.all_notebooks()
    assert paths
    staged = {p: nbconventions.staged_bytes(p) for p in paths}
    for p in paths:
        tmp = subprocess.run(git_filters.clean_command(), shell=True, input=staged[p], capture_output=True, check=True)
        assert tmp.stdout == staged[p], f"{p}: the clean filter would change the committed notebook"


def test_outside_a_git_clone_nothing_is_installed(tmp_path, capsys):
    assert git_filters.install(tmp_path) is False
    assert "not a git clone" in capsys.readouterr().out


def test_installing_twice_is_quiet(clone, capsys):
    root, _ = clone
    assert git_filters.install(root) and "now strips" in capsys.readouterr().out
    assert git_filters.install(root) and capsys.readouterr().out == ""
