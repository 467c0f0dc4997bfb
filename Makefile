# Never Reproduced: the two commands of the quick start, and the maintainer's targets.
#   make lab    set up (once) and open JupyterLab on the course with nbgrader's extension
#   make test   set up (once) and run everything CI runs
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
# nbgrader runs `alembic` by name when it creates a gradebook: the venv's bin/ must be on PATH.
export PATH := $(BIN):$(PATH)
STAMP := $(VENV)/.installed

.PHONY: setup lab test labs set-repo constraints clean student-edition grade

setup: $(STAMP)
	@$(PY) ci/git_filters.py

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[course,dev]"
	$(PY) -m pip check
	@touch $(STAMP)

# As root (a container, a cloud VM, a course server) JupyterLab refuses to start unless told: say so, and tell it.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(PY) ci/release_labs.py
	@$(if $(ROOT_FLAG),echo "make lab: running as root (a container or a server?): starting JupyterLab with --allow-root")
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR) $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(PY) ci/check_all.py

# Regenerate labs/ (student versions) from solutions/ with nbgrader; commit the result.
labs: setup
	$(PY) ci/generate_labs.py $(LAB)

# Point every badge and Colab setup cell at the public repository: make set-repo REPO=owner/name
set-repo: setup
	$(PY) ci/set_repo.py $(REPO)

# Autograde every submission of a lab in the sandbox (as root), scores from the judge: make grade LAB=01_compute_budgeting
grade: setup
	@test -n "$(LAB)" || { echo "usage: make grade LAB=<lab id, e.g. 01_compute_budgeting>"; exit 2; }
	$(PY) -m minirepro.grading.autograde $(LAB)

# What students clone and Colab opens (no solutions, hidden tests or grading): build/student-edition/,
# or make student-edition OUT=../course-student (a clone of [tool.minirepro] student_repository).
student-edition: setup
	$(PY) ci/student_edition.py $(if $(OUT),--out $(OUT))

# Record the versions now installed as the tested ones.
constraints: setup
	@{ sed -n '1,3p' constraints.txt; $(PY) -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.new && mv constraints.new constraints.txt

clean:
	rm -rf build .pytest_cache
