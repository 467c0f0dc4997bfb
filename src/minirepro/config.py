"""One way to resolve a notebook's ``SCALE``, ``DEVICE`` and ``SEED``.

Every notebook has a cell tagged ``parameters`` (papermill) with ``SCALE = "auto"``,
``DEVICE = "auto"`` and ``SEED``, followed by ``SCALE, DEVICE = minirepro.setup(SCALE, DEVICE, SEED)``.

Precedence, highest first:

1. an explicit value in the notebook or passed by papermill (``-p SCALE smoke``);
2. the environment variables ``MINIREPRO_SCALE`` / ``MINIREPRO_DEVICE``;
3. ``"auto"``: ``full`` on a GPU, ``smoke`` on a CPU, and always ``smoke`` while nbgrader
   autogrades (``NBGRADER_EXECUTION`` is set), so that grading never starts a full run.
"""

from __future__ import annotations

import os
import random

from .checks import is_int

SCALES = ("smoke", "full")
DEVICES = ("cpu", "cuda", "mps")


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return False
    return torch.cuda.is_available()


def _value_or_env(value, name: str, choices: str, environ) -> str:
    """Normalise a parameter; ``"auto"`` defers to the environment variable ``MINIREPRO_<name>``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {choices}; got {value!r}")
    value = value.strip().lower()
    if value == "auto":
        value = environ.get(f"MINIREPRO_{name}", "auto").strip().lower() or "auto"
    return value


def resolve_scale(scale: str = "auto", *, cuda_available: bool | None = None, environ=None) -> str:
    """Return ``"smoke"`` or ``"full"`` for a notebook's ``SCALE`` parameter (see module docstring)."""
    environ = os.environ if environ is None else environ
    scale = _value_or_env(scale, "SCALE", "'auto', 'smoke', 'full'", environ)
    if scale == "auto":
        if environ.get("NBGRADER_EXECUTION"):
            return "smoke"
        if cuda_available is None:
            cuda_available = _cuda_available()
        return "full" if cuda_available else "smoke"
    if scale not in SCALES:
        raise ValueError(f"SCALE must be 'auto', 'smoke' or 'full'; got {scale!r}")
    return scale


def resolve_device(device: str = "auto", *, environ=None) -> str:
    """Return a torch device string for a notebook's ``DEVICE`` parameter.

    ``"auto"`` picks ``cuda`` when a GPU is visible, else ``cpu``. Asking for ``cuda`` on a machine
    without one is an error that says what to do, rather than a crash deep inside torch.
    """
    environ = os.environ if environ is None else environ
    device = _value_or_env(device, "DEVICE", "'auto', 'cpu', 'cuda', 'mps'", environ)
    if device == "auto":
        return "cuda" if _cuda_available() else "cpu"
    kind = device.split(":")[0]
    if kind not in DEVICES:
        raise ValueError(f"DEVICE must be 'auto', 'cpu', 'cuda' (or 'cuda:N') or 'mps'; got {device!r}")
    if kind == "cuda" and not _cuda_available():
        raise RuntimeError(
            "DEVICE='cuda' but torch sees no GPU here. Use DEVICE='auto' or 'cpu'; "
            "in Colab choose Runtime > Change runtime type > GPU."
        )
    return device


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators (all devices)."""
    if not is_int(seed):
        raise TypeError(f"SEED must be an int; got {seed!r}")
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % 2**32)
    except ImportError:  # pragma: no cover
        pass
    import torch

    torch.manual_seed(seed)


def setup(scale: str = "auto", device: str = "auto", seed: int = 0, *, quiet: bool = False):
    """Resolve the notebook parameters, seed everything, print one line, return ``(scale, device)``."""
    resolved_scale = resolve_scale(scale)
    resolved_device = resolve_device(device)
    seed_everything(seed)
    if not quiet:
        why = "" if scale.strip().lower() != "auto" else " (auto)"
        print(f"minirepro: SCALE={resolved_scale}{why}, DEVICE={resolved_device}, SEED={seed}")
    return resolved_scale, resolved_device
