"""The wire between the judge (trusted) and a student's worker (untrusted): frames and a data-only encoding.

Judge -> worker: pickle (the judge's own objects; unpickling them in the worker is the worker's risk, not ours).
Worker -> judge: JSON with tagged types, decoded into plain data only: numbers, strings, lists, tuples, dicts,
sets, bytes, numpy arrays and scalars, torch tensors. Nothing the worker sends can run code in the judge, and
nothing it sends can be an object whose ``__eq__`` or ``__bool__`` the student wrote: a value the judge cannot
read becomes :class:`Unreadable`, which refuses comparisons.
"""

from __future__ import annotations

import base64
import json
import math
import struct

MAX_FRAME = 1 << 30
MAX_DEPTH = 64


class Unreadable:
    """A value the student's code returned that is not plain data: it fails every test that uses it."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<unreadable {self.type_name}: {self.text[:80]}>"

    def _refuse(self, *_a, **_k):
        raise TypeError(
            f"the grader cannot read a {self.type_name} returned by your code: return plain data "
            "(numbers, strings, lists, tuples, dicts, sets, numpy arrays, torch tensors)"
        )

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __len__ = __iter__ = __getitem__ = _refuse
    __float__ = __int__ = __index__ = __contains__ = __hash__ = _refuse

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def encode(obj, depth: int = 0):
    """Worker side: a JSON-able tagged tree of ``obj`` (runs beside the student's code)."""
    if depth > MAX_DEPTH:
        return {"t": "?", "type": "too deep", "repr": ""}
    d = depth + 1
    if obj is None or type(obj) in (bool, str):
        return obj
    if type(obj) is int:
        return obj if abs(obj) < 2**53 else {"t": "int", "v": str(obj)}
    if type(obj) is float:
        return obj if math.isfinite(obj) else {"t": "float", "v": repr(obj)}
    if type(obj) is complex:
        return {"t": "complex", "v": [encode(obj.real, d), encode(obj.imag, d)]}
    if type(obj) in (bytes, bytearray):
        return {"t": "bytes", "v": _b64(bytes(obj))}
    for kind in (list, tuple, set, frozenset):
        if type(obj) is kind:
            items = sorted(obj, key=repr) if kind in (set, frozenset) else obj
            return {"t": kind.__name__, "v": [encode(x, d) for x in items]}
    if type(obj) is range:
        return {"t": "range", "v": [obj.start, obj.stop, obj.step]}
    if type(obj) is dict or type(obj).__name__ in ("OrderedDict", "defaultdict", "Counter"):
        return {"t": "dict", "v": [[encode(k, d), encode(v, d)] for k, v in dict.items(obj)]}
    mod = type(obj).__module__ or ""
    if mod == "numpy" and type(obj).__name__ == "ndarray" and obj.dtype.kind in "biufc":
        import numpy as np

        arr = np.ascontiguousarray(obj)
        return {"t": "nd", "dtype": arr.dtype.str, "shape": list(arr.shape), "v": _b64(arr.tobytes())}
    if mod == "numpy" and hasattr(obj, "dtype") and getattr(obj, "shape", None) == () and obj.dtype.kind in "biufc":
        return {"t": "npscalar", "dtype": obj.dtype.str, "v": _b64(obj.tobytes())}
    if mod.startswith("torch") and type(obj).__name__ in ("Tensor", "Parameter"):
        import torch

        t = obj.detach().cpu().contiguous()
        if t.is_complex() or t.is_quantized or t.is_sparse:
            return {"t": "?", "type": "exotic tensor", "repr": ""}
        raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
        return {
            "t": "pt",
            "dtype": str(t.dtype).split(".")[-1],
            "shape": list(t.shape),
            "rg": bool(obj.requires_grad),
            "v": _b64(raw.numpy().tobytes()),
        }
    if mod.startswith("torch") and type(obj).__name__ == "Size":
        return {"t": "tuple", "v": [int(x) for x in obj]}
    try:
        text = repr(obj)[:200]
    except Exception:  # a student's object whose repr raises
        text = ""
    return {"t": "?", "type": f"{mod}.{type(obj).__qualname__}", "repr": text}


_NP_KINDS = set("biufc")
_TORCH_DTYPES = {
    "float64",
    "float32",
    "float16",
    "bfloat16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
    "complex64",
    "complex128",
}


def decode(tree, depth: int = 0):
    """Judge side: plain data from a tagged tree (never runs code the worker chose)."""
    if depth > MAX_DEPTH + 1:
        raise ValueError("too deep")
    d = depth + 1
    if tree is None or type(tree) in (bool, str, int, float):
        return tree
    if type(tree) is list:  # never produced by encode: a forged frame
        raise ValueError("malformed value")
    if type(tree) is not dict:
        raise ValueError("malformed value")
    t, v = tree.get("t"), tree.get("v")
    if t == "int":
        return int(v)
    if t == "float":
        return float(v)
    if t == "complex":
        return complex(float(decode(v[0], d)), float(decode(v[1], d)))
    if t == "bytes":
        return base64.b64decode(v)
    if t in ("list", "tuple", "set", "frozenset"):
        items = [decode(x, d) for x in v]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
    if t == "range":
        return range(int(v[0]), int(v[1]), int(v[2]))
    if t == "dict":
        return {decode(k, d): decode(x, d) for k, x in v}
    if t in ("nd", "npscalar"):
        import numpy as np

        dtype = np.dtype(str(tree["dtype"]))
        if dtype.kind not in _NP_KINDS:
            raise ValueError("unsupported dtype")
        arr = np.frombuffer(base64.b64decode(v), dtype=dtype).copy()
        return arr.reshape([int(s) for s in tree["shape"]]) if t == "nd" else arr.reshape(())[()]
    if t == "pt":
        import torch

        name = str(tree["dtype"])
        if name not in _TORCH_DTYPES:
            raise ValueError("unsupported dtype")
        dtype = getattr(torch, name)
        raw = bytearray(base64.b64decode(v))
        shape = [int(s) for s in tree["shape"]]
        if not raw:
            out = torch.empty(shape, dtype=dtype)
        elif dtype == torch.bfloat16:
            out = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16).reshape(shape)
        else:
            out = torch.frombuffer(raw, dtype=dtype).reshape(shape)
        out = out.clone()
        if tree.get("rg") and out.is_floating_point():
            out.requires_grad_(True)
        return out
    if t == "?":
        return Unreadable(str(tree.get("type", "object")), str(tree.get("repr", "")))
    raise ValueError(f"unknown tag {t!r}")


def write_frame(stream, payload: bytes) -> None:
    stream.write(struct.pack("<Q", len(payload)) + payload)
    stream.flush()


def read_frame(stream) -> bytes:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the worker closed the connection")
    (n,) = struct.unpack("<Q", head)
    if n > MAX_FRAME:
        raise ValueError("frame too large")
    data = stream.read(n)
    if len(data) < n:
        raise EOFError("the worker closed the connection mid-frame")
    return data


def dumps(obj) -> bytes:
    return json.dumps(obj).encode()


def loads(data: bytes):
    return json.loads(data.decode())
