"""Labs fetched from JupyterLab's Assignments panel land in git-ignored my-labs/ (issue 11 §3)."""

import os
import shutil
import subprocess
from pathlib import Path

import release_labs
from conftest import ROOT


def panel_config(folder: Path):
    """The configuration nbgrader's Assignments panel uses: read again from inside the assignment folder."""
    from nbgrader.apps import NbGrader

    here = os.getcwd()
    os.chdir(folder)
    try:
        app = NbGrader()
        app.config_file_paths.append(os.getcwd())
        app.load_config_file()
        return app.config
    finally:
        os.chdir(here)


def test_the_panel_finds_the_course_exchange_from_inside_my_labs(tmp_path):
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    folder = release_labs.make_my_labs(tmp_path / "my-labs")
    assert folder.is_dir() and (folder / "nbgrader_config.py").read_text() == release_labs.MY_LABS_CONFIG
    cfg = panel_config(folder)
    assert Path(cfg.Exchange.root) == tmp_path / "build" / "exchange"
    assert Path(cfg.Exchange.assignment_dir) == tmp_path / "my-labs", "absolute: not my-labs/my-labs"
    assert cfg.CourseDirectory.course_id == "never-reproduced"
    release_labs.make_my_labs(folder)  # idempotent
    assert sorted(p.name for p in folder.iterdir()) == ["nbgrader_config.py"]


def test_without_the_folder_config_the_panel_would_miss_the_exchange(tmp_path):
    """Why make_my_labs writes a config: nbgrader reads only the folder it changed into."""
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "my-labs").mkdir()
    cfg = panel_config(tmp_path / "my-labs")
    assert "root" not in cfg.Exchange


def test_my_labs_is_ignored_by_git():
    proc = subprocess.run(
        ["git", "check-ignore", "-q", "my-labs/01_compute_budgeting/01_compute_budgeting.ipynb"], cwd=ROOT
    )
    assert proc.returncode == 0
