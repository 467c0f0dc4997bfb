"""Which GPU is this, what is its datasheet peak, and which precision should a run use on it.

One home for three questions the engine, ``measure``, the benchmark and the notebooks all ask:

    from minirepro import gpus
    gpus.gpu_key("NVIDIA A100-SXM4-80GB")        # "A100"
    gpus.gpu_peak("NVIDIA H100 PCIe", "bf16")    # 756e12 (the PCIe card, not the SXM's 989e12)
    gpus.gpu_peak("NVIDIA GeForce RTX 4090")     # None: not in the table, so no MFU rather than a wrong one
    gpus.resolve_precision("auto", "cuda")       # ("fp16", "...") on a T4, ("bf16", "...") on an A100

The figures and their sources live in ``facts.GPUS``. A device name matches an entry only as a whole model
name: the first word after "NVIDIA"/"Tesla" is the model ("L40S" is not the "L4", "A10G" is not the "A10"),
and "PCIe" or "NVL" in the name picks that form factor's entry where its peak differs. A MIG slice gets no
peak (it has a fraction of the GPU's), nor does any name the table does not hold.
"""

from __future__ import annotations

import os
import re

from .facts import GPU, GPUS

DTYPES = ("fp16", "bf16", "fp32")
#: Words in a device name that name a form factor with its own entry in ``facts.GPUS``.
_FORMS = {"PCIE": "PCIe", "NVL": "NVL"}
_KEYS = {key.upper(): key for key in GPUS}


def gpu_key(name: str) -> str | None:
    """The ``facts.GPUS`` key for a whole device name (``torch.cuda.get_device_name``), or None."""
    words = [w for w in re.split(r"[\s\-_]+", name.upper()) if w]
    while words and words[0] in ("NVIDIA", "TESLA"):
        words = words[1:]
    if not words or "MIG" in words:
        return None
    model, forms = words[0], [_FORMS[w] for w in words[1:] if w in _FORMS]
    key = f"{model} {forms[0]}" if forms else model
    return _KEYS.get(key.upper())


def gpu_entry(name: str) -> GPU | None:
    """The ``facts.GPUS`` entry for a whole device name, or None."""
    key = gpu_key(name)
    return None if key is None else GPUS[key]


def _dtype_name(dtype) -> str:
    text = str(dtype).replace("torch.", "")
    text = {"float16": "fp16", "half": "fp16", "bfloat16": "bf16", "float32": "fp32", "float": "fp32"}.get(text, text)
    if text not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES} (or the torch dtype); got {dtype!r}")
    return text


def gpu_peak(name: str, dtype="bf16") -> float | None:
    """Datasheet peak FLOP/s of the GPU called ``name`` for ``dtype``, or None when it is not known.

    "fp16"/"bf16": the dense 16-bit tensor-core peak (None for bf16 on a GPU without bf16); "fp32": the plain
    fp32 peak, what PyTorch's fp32 matmuls run at unless TF32 is switched on.
    """
    gpu, dtype = gpu_entry(name), _dtype_name(dtype)
    if gpu is None:
        return None
    if dtype == "fp32":
        return gpu.fp32_flops
    if dtype == "bf16" and not gpu.bf16:
        return None
    return gpu.peak_flops


def describe_peak(name: str, dtype="bf16") -> str:
    """Where a peak comes from, or why there is none: ``"unknown: <name> is not in the table"``."""
    gpu, dtype = gpu_entry(name), _dtype_name(dtype)
    peak = gpu_peak(name, dtype)
    if gpu is None:
        return f"unknown: {name} is not in the table"
    if peak is None:
        return f"unknown: no {dtype} peak for the {gpu.name} in the table [{gpu.source}]"
    return f"datasheet peak of the {gpu.name}, {peak / 1e12:,.1f} TFLOP/s {dtype} [{gpu.source}]"


def format_mfu(mfu: float | None, name: str, dtype="bf16") -> str:
    """``"41.2%"``, or ``"unknown: <name> is not in the table"`` when there is no peak to divide by."""
    return f"{mfu:.1%}" if mfu is not None else describe_peak(name, dtype)


def device_name(device: str) -> str | None:
    """``torch.cuda.get_device_name`` of a CUDA device string, None for any other device."""
    import torch

    if not str(device).startswith("cuda"):
        return None
    return torch.cuda.get_device_name(torch.device(device))


def device_peak(device: str, precision: str) -> float | None:
    """Datasheet peak of the device a run uses in ``precision`` ("fp32", "fp16", "bf16"); None off CUDA or unknown.

    In fp32 the plain fp32 peak applies only while PyTorch keeps fp32 matmuls in fp32 (its default,
    ``torch.get_float32_matmul_precision() == "highest"``); with TF32 switched on there is no peak in the table.
    """
    import torch

    name = device_name(device)
    if name is None:
        return None
    if precision == "fp32" and torch.get_float32_matmul_precision() != "highest":
        return None
    return gpu_peak(name, precision)


# ------------------------------------------------------------------------------------------------------
# Precision: bf16 where the GPU has it, fp16 with dynamic loss scaling where it does not, fp32 on a CPU
# ------------------------------------------------------------------------------------------------------


def has_native_bf16(device: str) -> bool:
    """Whether a CUDA device computes in bf16 natively: compute capability 8.0 or newer (A100, L4, H100).

    Not ``torch.cuda.is_bf16_supported()``: by default it also says True for GPUs that only *emulate* bf16
    (a T4, capability 7.5), where bf16 autocast runs but slowly and without tensor cores.
    """
    import torch

    if not str(device).startswith("cuda"):
        return False
    return tuple(torch.cuda.get_device_capability(torch.device(device))) >= (8, 0)


def resolve_precision(precision: str, device: str, environ=None) -> tuple[str, str]:
    """The precision a run uses, and why: ``("fp16", "Tesla T4 (compute capability 7.5) has no bf16: ...")``.

    ``"auto"``: the environment variable ``MINIREPRO_PRECISION`` if set (as ``SCALE`` and ``DEVICE`` defer to
    theirs, ``minirepro.config``); else bf16 on a CUDA GPU with native bf16, fp16 (autocast with dynamic loss
    scaling) on one without (T4, V100), fp32 anywhere else (a CPU: 16-bit autocast there is emulated and slower).
    Asking for ``"bf16"`` on a GPU without it is an error that suggests fp16.
    """
    import torch

    environ = os.environ if environ is None else environ
    from_env = environ.get("MINIREPRO_PRECISION", "").strip().lower()
    if precision == "auto" and from_env not in ("", "auto"):
        if from_env not in ("fp32", "fp16", "bf16"):
            raise ValueError(f"MINIREPRO_PRECISION must be 'auto', 'fp32', 'fp16' or 'bf16'; got {from_env!r}")
        chosen, _ = resolve_precision(from_env, device, environ)
        return chosen, f"MINIREPRO_PRECISION={from_env}"
    on_cuda = str(device).startswith("cuda")
    if on_cuda:
        name = device_name(device)
        capability = tuple(torch.cuda.get_device_capability(torch.device(device)))
        where = f"{name} (compute capability {capability[0]}.{capability[1]})"
    if precision == "bf16" and on_cuda and not has_native_bf16(device):
        raise ValueError(
            f"precision='bf16' but this GPU, {where}, has no native bfloat16 (V100s and Colab's T4 don't; it "
            "needs compute capability 8.0): use precision='fp16' (with dynamic loss scaling, what OPT used), 'fp32', "
            "or 'auto' to let the engine pick"
        )
    if precision != "auto":
        return precision, f"precision={precision!r} as asked"
    if not on_cuda:
        return "fp32", f"{device} is not a CUDA GPU, and 16-bit autocast off one is emulated and slower: fp32"
    if has_native_bf16(device):
        return "bf16", f"{where} has native bf16: bf16 autocast, no loss scaling"
    return "fp16", f"{where} has no bf16: fp16 autocast with dynamic loss scaling"
