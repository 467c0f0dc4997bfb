"""The student edition (ci/student_edition.py) never carries the key: no solution region, no hidden
test, no kept wrong answer, no instructor path; its notebooks are clean and point at the student
repository; and the scan that proves it can fail."""

import shutil
import subprocess
import sys
import tomllib

import nbconventions
import nbformat
import pytest
import student_edition as se
from conftest import ROOT


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return se.build(tmp_path_factory.mktemp("edition") / "course-student")


@pytest.fixture(scope="module")
def secrets():
    return se.needles()


def test_the_scan_looks_for_every_notebook_s_solutions_and_hidden_tests(secrets):
    """A parser that found nothing would make the scan pass vacuously."""
    labs = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/*.ipynb"))
    assert labs
    for lab in labs:
        for kind in ("(solution)", "(hidden test)"):
            assert any(o.startswith(f"solutions/{lab}/") and o.endswith(kind) for o in secrets.values()), (lab, kind)
    assert any("ci/wrong_answers/" in o for o in secrets.values())
    assert all(len(s) >= se.MIN_CHARS for s in secrets)


def test_no_line_of_the_key_is_in_the_edition(edition, secrets):
    found = se.leaks(edition, secrets=secrets)
    assert not found, (
        "the student edition leaks (if a line is generic or released by design, add it to LEGITIMATE in "
        "ci/student_edition.py with the reason):\n" + "\n".join(found[:40])
    )


def test_only_student_material(edition):
    assert se.forbidden_paths(edition) == []
    top = {p.name for p in edition.iterdir()}
    assert top == {
        "README.md",
        "LICENSE",
        "Makefile",
        "pyproject.toml",
        "constraints.txt",
        "environment.yml",
        ".gitignore",
        "lectures",
        "labs",
        "src",
        "datasets",
    }
    for path in edition.rglob("*"):
        parts = set(path.relative_to(edition).parts)
        assert not parts & {
            "solutions",
            "ci",
            "wrong_answers",
            "tests",
            "build",
            "nbgrader_config.py",
            "gradebook.db",
        }, path
    assert sorted(p.relative_to(edition).as_posix() for p in edition.glob("labs/*/*.ipynb")) == sorted(
        p.relative_to(ROOT).as_posix() for p in ROOT.glob("labs/*/*.ipynb")
    )
    assert sorted(p.name for p in edition.glob("lectures/*.ipynb")) == sorted(
        p.name for p in ROOT.glob("lectures/*.ipynb")
    )
    assert (edition / "src" / "minirepro" / "__init__.py").is_file()
    assert (edition / "datasets" / "README.md").is_file()


def test_notebooks_are_clean_and_point_at_the_student_repository(edition):
    student = se.student_repository()
    instructor, branch = nbconventions.repo_config()
    assert student != instructor
    assert se.notebook_problems(edition) == []
    notebooks = sorted(edition.glob("lectures/*.ipynb")) + sorted(edition.glob("labs/*/*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(edition).as_posix()
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, rel
        m = nbconventions.BADGE_RE.search(nb.cells[0].source)
        assert (m["repo"], m["branch"], m["path"]) == (student, branch, rel)
        setup = [c.source for c in nb.cells if nbconventions.REPO_LINE_RE.search(c.source)]
        assert len(setup) == 1 and f'COURSE_REPO = "{student}"' in setup[0] and "set-repo" not in setup[0], rel
        # everything but the badge and the setup cell is the released notebook as committed
        original = nbformat.read(ROOT / rel, as_version=4)
        assert [c.source for c in nb.cells[2:]] == [c.source for c in original.cells[2:]], rel
        assert [c.metadata for c in nb.cells] == [c.metadata for c in original.cells], rel


def test_library_installs_from_the_edition(edition, tmp_path):
    cfg = tomllib.loads((edition / "pyproject.toml").read_text())
    assert cfg["tool"]["minirepro"] == {"repository": se.student_repository(), "branch": nbconventions.repo_config()[1]}
    assert cfg["project"]["scripts"]["minirepro-check"] == "minirepro.check:main"
    assert (edition / cfg["project"]["readme"]).is_file()
    pytest.importorskip("setuptools")
    copy = tmp_path / "edition"
    shutil.copytree(edition, copy)  # pip writes build/ and *.egg-info next to the sources
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "wheel"),
            str(copy),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert len(list((tmp_path / "wheel").glob("minirepro-*.whl"))) == 1


def test_readme_and_makefile_are_for_students(edition):
    readme = (edition / "README.md").read_text()
    student = se.student_repository()
    for needed in (
        "minirepro-check",
        "check_lab",
        "Colab",
        f"git clone https://github.com/{student}.git",
        "make lab",
        "pip install",
        "labs/01_compute_budgeting",
    ):
        assert needed in readme, needed
    for lab in edition.glob("labs/*/*.ipynb"):
        assert f"colab.research.google.com/github/{student}/blob/" in readme and lab.stem in readme
    makefile = (edition / "Makefile").read_text()
    for text in (readme, makefile):
        for instructor_only in (
            "solutions/",
            "nbgrader_config",
            "autograde",
            "formgrader",
            "gradebook",
            "ci/",
            "make labs",
            "set-repo",
            "release_assignment",
            "wrong answer",
        ):
            assert instructor_only not in text, instructor_only
    assert "\nlab: setup\n" in makefile and "\ncheck: setup\n" in makefile
    proc = subprocess.run(["make", "-n", "-C", str(edition), "lab"], capture_output=True, text=True)
    if proc.returncode != 127:  # make present
        assert proc.returncode == 0 and "jupyter lab" in proc.stdout, proc.stderr


def test_the_scan_catches_what_is_planted(edition, secrets, tmp_path):
    """Plant a hidden-test line in a lecture and a solution line in the README, each re-indented,
    and an instructor file: every one is reported by file and line."""
    copy = tmp_path / "planted"
    shutil.copytree(edition, copy)
    hidden = next(s for s, o in secrets.items() if o.endswith("(hidden test)"))
    solution = next(s for s, o in secrets.items() if o.endswith("(solution)"))
    wrong = next(s for s, o in secrets.items() if "ci/wrong_answers/" in o)
    lecture = sorted(copy.glob("lectures/*.ipynb"))[0]
    nb = nbformat.read(lecture, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"def f():\n        {hidden}   \n    return 1"))
    nbformat.write(nb, lecture)
    readme = copy / "README.md"
    readme.write_text(readme.read_text() + f"\n```python\nx = 1\n{solution.replace(' ', '  ')}\n```\n")
    with open(copy / "src" / "minirepro" / "facts.py", "a") as fh:
        fh.write(f"\n# {wrong}\n")
    found = se.leaks(copy, secrets=secrets)
    n_cells = len(nb.cells)
    assert any(
        f.startswith(f"lectures/{lecture.name} cell {n_cells - 1} line 2:") and repr(hidden) in f for f in found
    ), found
    n_lines = len(readme.read_text().splitlines())
    assert any(f.startswith(f"README.md line {n_lines - 1}:") and repr(solution) in f for f in found), found
    assert any(f.startswith("src/minirepro/facts.py line ") and "ci/wrong_answers/" in f for f in found), found
    assert len(found) == 3, found
    # an instructor file or folder, and a notebook with outputs or the instructors' badge, are reported too
    (copy / "nbgrader_config.py").write_text("c = get_config()\n")
    (copy / "labs" / "solutions").mkdir()
    (copy / "labs" / "solutions" / "x.py").write_text("")
    msgs = se.forbidden_paths(copy)
    assert any(m.startswith("nbgrader_config.py") for m in msgs) and any(
        m.startswith("labs/solutions/x.py") for m in msgs
    ), msgs
    lab = sorted(copy.glob("labs/*/*.ipynb"))[0]
    nb = nbformat.read(lab, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="hi")]
    instructor, branch = nbconventions.repo_config()
    nb.cells[0].source = nbconventions.BADGE_RE.sub(
        nbconventions.badge(lab.relative_to(copy).as_posix(), instructor, branch), nb.cells[0].source
    )
    nbformat.write(nb, lab)
    msgs = se.notebook_problems(copy)
    assert any("committed with outputs" in m for m in msgs) and any("badge points at" in m for m in msgs), msgs
    assert any("names the instructors' repository" in m for m in msgs), msgs


def test_regions_and_normalise():
    src = (
        "a = 1\n    ### BEGIN SOLUTION\n    x  =  compute(y)\n    ### END SOLUTION\n"
        "### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\n"
    )
    assert se.regions(src, "### BEGIN SOLUTION", "### END SOLUTION") == ["    x  =  compute(y)"]
    assert se.regions(src, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS") == ["assert f(2) == 4"]
    assert se.normalise("    x  =  compute(y)\t") == "x = compute(y)"


def test_builder_refuses_to_empty_the_wrong_folder(tmp_path):
    with pytest.raises(SystemExit):
        se.prepare_out(ROOT, ROOT, "x/y")
    with pytest.raises(SystemExit):
        se.prepare_out(ROOT / "lectures", ROOT, "x/y")
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(SystemExit):
        se.prepare_out(tmp_path, ROOT, "x/y")
    assert (tmp_path / "mine.txt").read_text() == "keep me"
