"""The ci/ scripts: hygiene catches what it should, wrong answers parse and apply, judging is strict."""

import os
import shutil
import subprocess

import grade
import nbconventions
import nbformat
import pytest
import set_repo
from common import assignments, table
from conftest import ROOT


@pytest.fixture
def course(tmp_path):
    """A scratch repo with pyproject.toml and one conforming lecture."""
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "lectures").mkdir()
    repo, branch = nbconventions.repo_config(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = nbconventions.header_cells("lectures/99_x.ipynb", "99 · X", ["g"], "1 min", repo, branch)
    path = tmp_path / "lectures" / "99_x.ipynb"
    nbformat.write(nb, path)
    return tmp_path, path


def test_conforming_notebook_has_no_problems(course):
    root, path = course
    assert nbconventions.problems(path, root) == []


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("stream", text="hi")), "committed with outputs"),
        (lambda nb: nb.cells[3].__setitem__("execution_count", 4), "execution_count"),
        (lambda nb: nb.metadata["kernelspec"].__setitem__("name", "python3.11"), "kernelspec"),
        (lambda nb: nb.cells[0].__setitem__("source", "# Title\n\nno badge"), "no 'Open in Colab' badge"),
        (lambda nb: nb.cells.insert(0, nbformat.v4.new_code_cell("x = 1")), "cell 0 must be a markdown title"),
        (
            lambda nb: nb.cells.append(nbformat.v4.new_code_cell("SCALE = 'full'", metadata={"tags": ["parameters"]})),
            "exactly one cell tagged",
        ),
        (
            lambda nb: nb.cells[2].__setitem__("source", 'SCALE = "full"\nDEVICE = "auto"\nSEED = 0'),
            'default to SCALE = "auto"',
        ),
        (lambda nb: nb.cells[2].__setitem__("source", 'SCALE = "auto"\nDEVICE = "auto"'), "does not set SEED"),
        (
            lambda nb: nb.cells[1].__setitem__(
                "source", nb.cells[1].source.replace("never-reproduced/course", "me/fork")
            ),
            "COURSE_REPO",
        ),
        (
            lambda nb: nb.cells[0].__setitem__("source", nb.cells[0].source.replace("lectures/99_x", "lectures/98_y")),
            "badge points at",
        ),
    ],
)
def test_hygiene_catches(course, breakage, expected):
    root, path = course
    nb = nbformat.read(path, as_version=4)
    breakage(nb)
    nbformat.write(nb, path)
    msgs = nbconventions.problems(path, root)
    assert any(expected in m for m in msgs), msgs
    assert all("lectures/99_x.ipynb" in m for m in msgs)


def write_lab(root, folder, lab_id, name=None, last="default"):
    """A conforming lab notebook at <folder>/<lab_id>/<name or lab_id>.ipynb, ending in check_lab("<lab_id>")."""
    repo, branch = nbconventions.repo_config(root)
    rel = f"{folder}/{lab_id}/{name or lab_id}.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = nbconventions.header_cells(rel, "99 · X", ["g"], "1 min", repo, branch)
    if last is not None:
        nb.cells.append(nbformat.v4.new_code_cell(f'minirepro.check_lab("{lab_id}")' if last == "default" else last))
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, root / rel)
    return root / rel


@pytest.fixture
def lab_course(course):
    """The scratch course with one lab, 99_x: its solution and its generated lab."""
    root, _ = course
    write_lab(root, "solutions", "99_x")
    write_lab(root, "labs", "99_x")
    return root


def test_conforming_layout_has_no_problems(lab_course):
    assert nbconventions.lab_layout_problems(lab_course) == []
    assert [p.relative_to(lab_course).as_posix() for p in nbconventions.all_notebooks(lab_course)] == [
        "labs/99_x/99_x.ipynb",
        "lectures/99_x.ipynb",
        "solutions/99_x/99_x.ipynb",
    ]


def test_the_real_course_follows_the_layout():
    assert nbconventions.lab_layout_problems(ROOT) == []


def rename(root, src, dst):
    (root / dst).parent.mkdir(parents=True, exist_ok=True)
    (root / src).rename(root / dst)


@pytest.mark.parametrize(
    "breakage, expected",
    [
        # a lab whose notebook is not named as its folder: `make labs` and the grader would skip it
        (
            lambda r: rename(r, "solutions/99_x/99_x.ipynb", "solutions/99_x/other.ipynb"),
            "solutions/99_x/: holds other.ipynb, not 99_x.ipynb",
        ),
        # a folder named differently from its notebook, in labs/ too
        (lambda r: rename(r, "labs/99_x", "labs/99_y"), "labs/99_y/: holds 99_x.ipynb, not 99_y.ipynb"),
        # a solution folder with no notebook (its data files only)
        (
            lambda r: (r / "solutions/98_y").mkdir() or (r / "solutions/98_y/data.json").write_text("{}"),
            "solutions/98_y/: no notebook",
        ),
        # a solution folder with two notebooks
        (lambda r: write_lab(r, "solutions", "99_x", name="draft"), "solutions/99_x/: 2 notebooks"),
        # a notebook one folder too deep is found, not skipped
        (lambda r: write_lab(r, "solutions", "99_x/old", name="99_x"), "solutions/99_x/: 2 notebooks"),
        # a solution whose lab was never generated, and a lab left behind by a retired solution
        (lambda r: shutil.rmtree(r / "labs/99_x"), "solutions/99_x/: no generated lab in labs/99_x/"),
        (lambda r: shutil.rmtree(r / "solutions/99_x"), "labs/99_x/: no source in solutions/99_x/"),
        # the last cell: missing, naming another lab, or not the last one
        (
            lambda r: write_lab(r, "solutions", "99_x", last=None),
            'must be a code cell holding only minirepro.check_lab("99_x")',
        ),
        (
            lambda r: write_lab(r, "labs", "99_x", last='minirepro.check_lab("01_compute_budgeting")'),
            "labs/99_x/99_x.ipynb: the last cell checks lab '01_compute_budgeting'",
        ),
        (lambda r: write_lab(r, "solutions", "99_x", last='minirepro.check_lab("99_x")\nx = 1'), "must be a code cell"),
        # names: NN_topic, and notebooks where they belong
        (
            lambda r: (write_lab(r, "solutions", "9_x"), write_lab(r, "labs", "9_x")),
            "solutions/9_x/: a lab's folder is named NN_topic",
        ),
        (
            lambda r: rename(r, "lectures/99_x.ipynb", "lectures/Lecture 99.ipynb"),
            "lectures/Lecture 99.ipynb: a lecture is named NN_topic",
        ),
        (
            lambda r: rename(r, "lectures/99_x.ipynb", "lectures/old/99_x.ipynb"),
            "lectures/old/99_x.ipynb: a lecture lies in lectures/",
        ),
        (
            lambda r: rename(r, "solutions/99_x/99_x.ipynb", "solutions/99_x.ipynb"),
            "solutions/99_x.ipynb: a notebook directly in solutions/",
        ),
    ],
)
def test_layout_problems_are_reported(lab_course, breakage, expected):
    breakage(lab_course)
    msgs = nbconventions.lab_layout_problems(lab_course)
    assert any(expected in m for m in msgs), msgs


def test_hygiene_reports_layout_problems(lab_course, monkeypatch, capsys):
    import hygiene

    hygiene_notebook_problems = hygiene.notebook_problems

    rename(lab_course, "solutions/99_x/99_x.ipynb", "solutions/99_x/other.ipynb")
    monkeypatch.setattr(hygiene, "ROOT", lab_course)
    monkeypatch.setattr(hygiene, "all_notebooks", lambda: nbconventions.all_notebooks(lab_course))
    monkeypatch.setattr(hygiene, "notebook_problems", lambda paths: hygiene_notebook_problems(paths, lab_course))
    monkeypatch.setattr(hygiene, "lab_layout_problems", lambda: nbconventions.lab_layout_problems(lab_course))
    assert hygiene.main() == 1
    out = capsys.readouterr().out
    assert "solutions/99_x/: holds other.ipynb, not 99_x.ipynb" in out and "3 notebooks checked" in out


def test_hygiene_runs_ruff_with_the_course_config(tmp_path):
    import hygiene

    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "ok.py").write_text("import os\n\nprint(os.sep)\n")
    assert hygiene.ruff_problems(tmp_path) == []
    (tmp_path / "bad.py").write_text("import sys, os\nx = '" + "y" * 130 + "'\nprint(sys, os,x)\n")
    found = "\n".join(hygiene.ruff_problems(tmp_path))
    for what in ("bad.py", "E401", "E501", "ruff format: ", "would be reformatted", "ruff check --fix"):
        assert what in found, (what, found)


def test_set_repo_rewrites_config_badges_and_setup_cells(course):
    root, path = course
    set_repo.set_repository("someone/fork", root)
    assert nbconventions.repo_config(root)[0] == "someone/fork"
    assert nbconventions.problems(path, root)  # stale until synced
    assert set_repo.sync(root) == 1
    assert nbconventions.problems(path, root) == []
    with pytest.raises(SystemExit):
        set_repo.set_repository("not a repo", root)


def test_every_kept_wrong_answer_parses_and_targets_real_cells():
    for aid in assignments():
        lab = nbformat.read(ROOT / "labs" / aid / f"{aid}.ipynb", as_version=4)
        tests = set(grade.test_ids(lab))  # auto-graded test cells (a written answer is graded by hand)
        wrong = grade.wrong_answers(aid)
        targeted = {t for wa in wrong for t in wa.targets}
        assert tests <= targeted, f"{aid}: test cells without a kept wrong answer: {sorted(tests - targeted)}"
        for wa in wrong:
            assert set(wa.targets) <= tests, wa.path
            grade.fill(lab, wa.cells, str(wa.path))  # raises on an unknown answer cell


def test_parse_wrong_answer_rejects_a_bad_header(tmp_path):
    p = tmp_path / "w.py"
    p.write_text("# targets: test_x\n# %% cell: x\nx = 1\n")
    with pytest.raises(ValueError, match="Wrong answer"):
        grade.parse_wrong_answer(p)
    p.write_text("# Wrong answer: d\n# targets: test_x\n# expect: maybe\n# %% cell: x\nx = 1\n")
    with pytest.raises(ValueError, match="expect"):
        grade.parse_wrong_answer(p)
    p.write_text("# Wrong answer: d\n# targets: test_x, test_y\n# %% cell: a\na = 1\n# %% cell: b\nb = 2\n")
    wa = grade.parse_wrong_answer(p)
    assert wa.targets == ["test_x", "test_y"] and wa.cells == {"a": "a = 1", "b": "b = 2"}


def test_parse_wrong_answer_reads_a_header_continued_over_lines(tmp_path):
    """A long description, or list of tests, goes on over the comment lines below it, up to the next key."""
    p = tmp_path / "w.py"
    p.write_text(
        "# Wrong answer: 2ND instead of 6ND,\n#   the backward pass\n# forgotten\n"
        "# targets: test_x\n# %% cell: x\nx = 1\n"
    )
    wa = grade.parse_wrong_answer(p)
    assert wa.description == "2ND instead of 6ND, the backward pass forgotten"
    assert wa.targets == ["test_x"] and wa.cells == {"x": "x = 1"}
    p.write_text(
        "# Attack: every answer wrong\n# and more\n# wrong: test_a, test_b,\n# test_c\n# expect: flagged\n"
        "# %% cell: x\nx = 1\n"
    )
    wa = grade.parse_wrong_answer(p)
    assert wa.attack and wa.description == "every answer wrong and more"
    assert wa.targets == ["test_a", "test_b", "test_c"] and wa.expect == "flagged"
    # a line that is not a comment ends the description: a comment after it belongs to nothing
    p.write_text("# Wrong answer: d\n\n# a note\n# targets: test_x\n# %% cell: x\nx = 1\n")
    assert grade.parse_wrong_answer(p).description == "d"


def test_answer_sources_strip_solution_markers():
    sol = nbformat.read(ROOT / "solutions" / "01_compute_budgeting" / "01_compute_budgeting.ipynb", as_version=4)
    sources = grade.answer_sources(sol)
    assert "param_count" in sources and "### BEGIN SOLUTION" not in sources["param_count"]
    assert "def param_count" in sources["param_count"]


def test_judge_is_strict():
    wa = grade.WrongAnswer("w", "d", ["test_a"], {})
    full = grade.Outcome("s", 2, 2, {"test_a": (1, 1), "test_b": (1, 1)})
    assert grade.judge(full, "full marks", None)[0]
    assert not grade.judge(full, "zero", None)[0]
    assert not grade.judge(full, "loses-points", wa)[0]
    lost = grade.Outcome("s", 1, 2, {"test_a": (0, 1), "test_b": (1, 1)})
    assert grade.judge(lost, "loses-points", wa)[0]
    assert not grade.judge(lost, "full marks", None)[0]
    # a solution or a blank that is flagged is a false alarm: it fails too
    flagged_solution = grade.Outcome("s", 2, 2, {"test_a": (1, 1)}, flags=["x"])
    assert not grade.judge(flagged_solution, "full marks", None)[0]
    # an attack must score nothing on the tests its answers deserve to fail, and be flagged when it says so
    attack = grade.WrongAnswer("a", "d", ["test_a"], {}, expect="flagged", attack=True)
    assert not grade.judge(lost, "flagged", attack)[0]
    assert grade.judge(
        grade.Outcome("s", 1, 2, {"test_a": (0, 1), "test_b": (1, 1)}, flags=["tampered"]), "flagged", attack
    )[0]
    assert not grade.judge(grade.Outcome("s", 2, 2, {"test_a": (1, 1)}, flags=["tampered"]), "flagged", attack)[0]
    assert not grade.judge(grade.Outcome("s", status="LOST"), "flagged", attack)[0]


def test_every_attack_parses_and_is_flagged_or_bounded():
    for aid in assignments():
        lab = nbformat.read(ROOT / "labs" / aid / f"{aid}.ipynb", as_version=4)
        tests = set(grade.test_ids(lab))
        for at in grade.attacks(aid):
            assert at.attack and at.expect in ("flagged", "at-most-honest"), at.path
            assert set(at.targets) <= tests, at.path
            grade.fill(lab, at.cells, str(at.path))
    assert len(grade.attacks("01_compute_budgeting")) >= 8 and grade.attacks("03_stability")


def test_table_aligns_columns():
    text = table(["a", "bb"], [["xxx", 1]], title="t")
    assert text.splitlines() == ["t", "a    bb", "---  --", "xxx  1"]


def test_make_lab_starts_jupyterlab_as_root_too():
    """JupyterLab refuses root without --allow-root; containers and course servers run as root."""
    out = subprocess.run(["make", "-n", "lab", "PYTHON=python3"], cwd=ROOT, capture_output=True, text=True).stdout
    line = next(cmd for cmd in out.splitlines() if "jupyter lab" in cmd)
    assert ("--allow-root" in line) == (os.geteuid() == 0), line
