"""environment.yml lists what pyproject.toml lists, and constraints.txt pins all of it."""

import re
import tomllib

import yaml
from conftest import ROOT
from packaging.requirements import Requirement


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pyproject_requirements():
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def _conda_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    out = {}
    for line in pip_section:
        if line.startswith("-e"):
            continue
        r = Requirement(line)
        out[r.name.lower()] = str(r.specifier)
    return out, env


def test_environment_yml_has_the_same_dependencies_and_ranges_as_pyproject():
    conda, _ = _conda_requirements()
    assert conda == _pyproject_requirements()


def test_environment_yml_python_matches_requires_python_and_installs_the_library():
    _, env = _conda_requirements()
    requires = _pyproject()["project"]["requires-python"]
    assert f"python{requires}" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip_section


def test_constraints_pin_every_dependency_within_its_range():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line)
            assert m, f"constraints.txt: not a pin: {line!r}"
            pins[m[1].lower().replace("_", "-")] = m[2]
    for name, spec in _pyproject_requirements().items():
        key = name.replace("_", "-")
        assert key in pins, f"constraints.txt does not pin {name}"
        from packaging.specifiers import SpecifierSet

        assert pins[key] in SpecifierSet(spec), f"{name}=={pins[key]} is outside pyproject's range {spec}"


def test_torch_pin_is_the_cpu_build_on_this_machine():
    assert "torch==2.13.0" in (ROOT / "constraints.txt").read_text().splitlines()
