"""Data a notebook reads ships inside the library, so a lab opened anywhere (my-labs/, Colab) finds it."""

import fnmatch
import tomllib

from conftest import ROOT


def test_every_shipped_file_is_declared_as_package_data():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["minirepro"]
    package = ROOT / "src" / "minirepro"
    shipped = [p.relative_to(package).as_posix() for p in (package / "shipped").rglob("*") if p.is_file()]
    assert shipped, "src/minirepro/shipped/ is empty"
    missing = [f for f in shipped if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert not missing, f"not in [tool.setuptools.package-data]: a pip install (Colab) would leave them out: {missing}"


def test_no_notebook_reads_the_datasets_folder_by_relative_path():
    """`../../datasets/...` breaks as soon as the notebook is opened anywhere else: use the library's loaders."""
    offenders = [
        p.relative_to(ROOT).as_posix()
        for folder in ("lectures", "solutions", "labs")
        for p in (ROOT / folder).rglob("*.ipynb")
        if "../datasets/" in p.read_text()
    ]
    assert not offenders, offenders
