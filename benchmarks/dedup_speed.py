"""Benchmark: lab 02's reference MinHash dedup (vectorised numpy) against datasketch, on the toy crawl.

    .venv/bin/python benchmarks/dedup_speed.py [--scale full] [--repeats 1]

The course side is the lab's reference solution itself: the answer cells of
solutions/02_data/02_data.ipynb (shingles, minhash_signatures, lsh_candidates, duplicate_clusters,
dedup) are read from the notebook and executed here, so the numbers are those of the code students are
graded against. datasketch signs the same shingle sets (`MinHash(num_perm=128)`, `update_batch`) and
finds candidates with `MinHashLSH(params=(32, 4))`; both sides then verify candidates by exact Jaccard
and cluster with the same union-find, so the F1 columns compare the two signature schemes only.

Reported, in one run on the same documents: documents per second of the signing step (shingle sets ->
signatures) and of the whole dedup (texts -> cluster labels), their ratio (course / datasketch), and the
F1 of each against the crawl's ground-truth clusters. This is a measurement, not a test: numbers move
with the machine and whatever else runs on it.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import string
import time
import zlib
from pathlib import Path

import nbformat
import numpy as np

from minirepro import crawl

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "02_data" / "02_data.ipynb"
ANSWERS = ("shingles", "jaccard", "minhash", "lsh", "clusters", "dedup")


def load_reference() -> dict:
    """Execute the solution's answer cells (and the cell defining hash32) in a fresh namespace."""
    nb = nbformat.read(SOLUTION, as_version=4)
    ns = {"np": np, "math": math, "re": re, "string": string, "zlib": zlib}
    found = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and (gid in ANSWERS or "def hash32" in cell.source):
            exec(compile(cell.source, f"{SOLUTION.name}:{gid or 'hash32'}", "exec"), ns)
            found.append(gid or "hash32")
    missing = set(ANSWERS) - set(found)
    if missing:
        raise SystemExit(f"{SOLUTION} has no answer cells {sorted(missing)}")
    return ns


def datasketch_dedup(sets, ref, num_perm=128, bands=32, rows=4, threshold=0.5):
    """Signatures and LSH from datasketch; verification and union-find from the reference."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    sigs = []
    for s in sets:
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch([" ".join(sh).encode("utf-8") for sh in s])
        sigs.append(m)
    t_sign = time.perf_counter() - t0
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m, check_duplication=False)
    candidates = set()
    for i, m in enumerate(sigs):
        candidates.update((min(i, j), max(i, j)) for j in lsh.query(m) if j != i)
    labels = ref["duplicate_clusters"](sets, candidates, threshold)
    return labels, t_sign, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="full", choices=("smoke", "full"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()

    ref = load_reference()
    t0 = time.perf_counter()
    web = crawl.generate_crawl(args.seed, args.scale)
    print(f"crawl ({args.scale}): {len(web.pages):,} pages, generated in {time.perf_counter() - t0:.1f} s")
    texts = [p.text for p in web.pages]
    truth = crawl.duplicate_pairs(web.pages)
    n = len(texts)

    rows = {"course (lab 02 reference)": [], "datasketch": []}
    for _ in range(args.repeats):  # interleaved, so a load from another process hits both alike
        t0 = time.perf_counter()
        labels = ref["dedup"](texts)
        t_total = time.perf_counter() - t0
        sets = [ref["shingles"](t) for t in texts]
        t0 = time.perf_counter()
        ref["minhash_signatures"](sets)
        t_sign = time.perf_counter() - t0
        f1 = crawl.pair_scores(crawl.pairs_from_labels(labels), truth)["f1"]
        rows["course (lab 02 reference)"].append((t_sign, t_total, f1))

        t0 = time.perf_counter()
        sets = [ref["shingles"](t) for t in texts]
        t_shingle = time.perf_counter() - t0
        labels, t_sign, t_rest = datasketch_dedup(sets, ref)
        f1 = crawl.pair_scores(crawl.pairs_from_labels(labels), truth)["f1"]
        rows["datasketch"].append((t_sign, t_shingle + t_rest, f1))

    med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in rows.items()}
    print(f"\n{'':28s} {'sign docs/s':>12s} {'dedup docs/s':>13s} {'dedup s':>8s} {'F1':>6s}")
    for name, (t_sign, t_total, f1) in med.items():
        print(f"{name:28s} {n / t_sign:12,.0f} {n / t_total:13,.0f} {t_total:8.1f} {f1:6.3f}")
    (cs, ct, _), (ds, dt, _) = med.values()
    print(f"\nratio course / datasketch (docs/s): signing {ds / cs:.1f}x, whole dedup {dt / ct:.1f}x")
    print(f"reference dedup of the {args.scale} crawl: {ct:.1f} s (the lab asks for under 60 s at full scale)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
