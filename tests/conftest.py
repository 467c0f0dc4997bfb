import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ci"))


def markdown_table_rows(path: Path, n_cells: int) -> dict:
    """Rows of the markdown tables in ``path`` that have ``n_cells`` cells, keyed by their first cell
    (backticks and bold marks stripped): how the tests read the numbers a dataset card states."""
    rows = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip().strip("`*") for c in line.strip().strip("|").split("|")]
            if len(cells) == n_cells:
                rows[cells[0]] = cells
    return rows
