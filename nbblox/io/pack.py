"""Plain values <-> (JSON text, named arrays): the safe serialiser under
every saved result.

Structure (dicts, lists, tuples, numbers, strings, complex numbers) becomes
JSON; every NumPy array becomes a named netCDF/zarr variable referenced from
the JSON by name.  Nothing else is accepted on the way in, and the way out
only ever builds those types -- a file can describe data, never code (no
pickle, no class names looked up, no eval).
"""
from __future__ import annotations

import json
import math

import numpy as np

from ..exceptions import NbbloxError

__all__ = ["pack", "unpack", "FileFormatError", "MAX_JSON_CHARS"]

#: bound on one JSON attribute read back from a file
MAX_JSON_CHARS = 64 * 1024**2
_TAGS = ("__array__", "__tuple__", "__complex__", "__dict__", "__float__")


class FileFormatError(NbbloxError, ValueError):
    """A file is not an nbblox result, or is damaged or from a newer nbblox."""


def pack(value, prefix):
    """``(json_text, {variable name: array})`` for a tree of plain values.

    Examples
    --------
    >>> import numpy as np
    >>> text, arrays = pack({"a": np.arange(3), "b": (1, 2.5j)}, "extra")
    >>> text
    '{"a": {"__array__": "extra_0"}, "b": {"__tuple__": [1, {"__complex__": [0.0, 2.5]}]}}'
    >>> unpack(text, arrays)["b"]
    (1, 2.5j)
    """
    arrays = {}

    def enc(v, path):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, np.integer)) and not isinstance(v, np.bool_):
            return int(v)
        if isinstance(v, np.bool_):
            return bool(v)
        if isinstance(v, (float, np.floating)):
            v = float(v)
            return v if math.isfinite(v) else {"__float__": repr(v)}
        if isinstance(v, (complex, np.complexfloating)):
            return {"__complex__": [enc(v.real, path), enc(v.imag, path)]}
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in "biufcUSb":
                raise NbbloxError(f"cannot save {path}: an array of {v.dtype} (only numbers, "
                                  "booleans and text are stored)")
            name = f"{prefix}_{len(arrays)}"
            arrays[name] = v
            return {"__array__": name}
        if isinstance(v, tuple):
            return {"__tuple__": [enc(x, f"{path}[{i}]") for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [enc(x, f"{path}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, dict):
            if not all(isinstance(k, str) for k in v):
                raise NbbloxError(f"cannot save {path}: dictionary keys must be text")
            out = {k: enc(x, f"{path}[{k!r}]") for k, x in v.items()}
            return {"__dict__": out} if any(k in _TAGS for k in v) else out
        raise NbbloxError(f"cannot save {path}: a {type(v).__name__} is not data nbblox "
                          "can store (numbers, text, arrays, lists and dicts of them)")

    return json.dumps(enc(value, prefix)), arrays


def loads(text, what):
    """json.loads with a size bound and a clear error."""
    if not isinstance(text, str):
        raise FileFormatError(f"{what} is not text")
    if len(text) > MAX_JSON_CHARS:
        raise FileFormatError(f"{what} is larger than {MAX_JSON_CHARS} characters")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FileFormatError(f"{what} is not valid JSON: {exc}") from None


def unpack(text, arrays, what="the file"):
    """Inverse of :func:`pack`; ``arrays`` maps variable names to arrays.
    Only dicts, lists, tuples, numbers, strings and arrays come out."""
    def dec(v):
        if isinstance(v, list):
            return [dec(x) for x in v]
        if not isinstance(v, dict):
            return v
        if len(v) == 1:
            (tag, body), = v.items()
            if tag == "__array__":
                if not isinstance(body, str) or body not in arrays:
                    raise FileFormatError(f"{what} refers to a missing array {body!r}")
                return np.asarray(arrays[body])
            if tag == "__tuple__" and isinstance(body, list):
                return tuple(dec(x) for x in body)
            if tag == "__complex__" and isinstance(body, list) and len(body) == 2:
                return complex(dec(body[0]), dec(body[1]))
            if tag == "__float__" and body in ("nan", "inf", "-inf"):
                return float(body)
            if tag == "__dict__" and isinstance(body, dict):
                return {k: dec(x) for k, x in body.items()}
        return {k: dec(x) for k, x in v.items()}
    return dec(loads(text, what) if isinstance(text, str) else text)
