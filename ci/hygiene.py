"""Notebook hygiene: no outputs, kernel python3, a title cell with a Colab badge, one parameters cell."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbconventions import ROOT, all_notebooks, problems  # noqa: E402


def main() -> int:
    notebooks = all_notebooks()
    if not notebooks:
        print("hygiene: no notebooks found under lectures/, solutions/, labs/")
        return 1
    found = [msg for nb in notebooks for msg in problems(nb)]
    for msg in found:
        print(f"hygiene: {msg}")
    print(f"hygiene: {len(notebooks)} notebooks checked, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
