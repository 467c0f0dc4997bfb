"""Install the git filter that keeps notebook outputs out of commits (nbstripout), for this clone.

Students run lectures in place and JupyterLab saves the outputs into the tracked notebook. With this filter,
git sees (and commits) each notebook without its outputs, so running the course neither shows up in
`git status` nor breaks `make test`'s hygiene step, which checks what a commit would contain.

`make setup` runs this. The attribute (`*.ipynb filter=nbstripout diff=ipynb`) is committed in .gitattributes;
the filter's command lives in .git/config, because it names this clone's venv. It is not marked `required`:
without the venv, git commits notebooks unfiltered and the hygiene step says so.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What nbstripout removes beyond its defaults: the kernel's language_info details that JupyterLab writes on save
#: (the committed notebooks carry only {"name": "python"}). --keep-id: nbformat 4.5 cell ids are stable, and the
#: committed notebooks' ids must not change when a notebook passes through the filter.
EXTRA_KEYS = " ".join(
    f"metadata.language_info.{k}"
    for k in ("codemirror_mode", "file_extension", "mimetype", "nbconvert_exporter", "pygments_lexer", "version")
)


def clean_command(python: str = sys.executable) -> str:
    return f"{shlex.quote(python)} -m nbstripout --keep-id --extra-keys {shlex.quote(EXTRA_KEYS)}"


def in_git_clone(root: Path = ROOT) -> bool:
    proc = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() == "true"


def install(root: Path = ROOT, python: str = sys.executable) -> bool:
    """Configure the filter in ``root``'s clone; False (and a message) when ``root`` is not a git clone."""
    if not in_git_clone(root):
        print("git filters: not a git clone, nothing to install (notebook outputs are yours to clear before sharing)")
        return False
    settings = {
        "filter.nbstripout.clean": clean_command(python),
        "filter.nbstripout.smudge": "cat",
        "diff.ipynb.textconv": clean_command(python) + " -t",
    }
    changed = False
    for key, value in settings.items():
        now = subprocess.run(["git", "config", "--local", "--get", key], cwd=root, capture_output=True, text=True)
        if now.returncode != 0 or now.stdout.strip() != value:
            subprocess.run(["git", "config", "--local", key, value], cwd=root, check=True)
            changed = True
    subprocess.run(
        ["git", "config", "--local", "--unset-all", "filter.nbstripout.required"], cwd=root, capture_output=True
    )
    if changed:
        print("git filters: nbstripout now strips notebook outputs from what git sees and commits (see .gitattributes)")
    return True


def installed(root: Path = ROOT) -> bool:
    proc = subprocess.run(
        ["git", "config", "--get", "filter.nbstripout.clean"], cwd=root, capture_output=True, text=True
    )
    return proc.returncode == 0 and "nbstripout" in proc.stdout


if __name__ == "__main__":
    install()
