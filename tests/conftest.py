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


def learnable_tokens(n: int = 6000, seed: int = 0):
    """A learnable byte stream for tiny training tests: a sentence repeated, with 5% deterministic noise."""
    import torch

    g = torch.Generator().manual_seed(seed)
    pattern = torch.tensor(list(b"the cat sat on the mat. "), dtype=torch.long)
    stream = pattern.repeat(n // len(pattern) + 1)[:n].clone()
    noise = torch.rand(n, generator=g) < 0.05
    stream[noise] = torch.randint(97, 123, (int(noise.sum()),), generator=g)
    return stream
