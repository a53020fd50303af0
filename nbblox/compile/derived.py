"""Disk cache of what SymPy derives from equation text, so that a fresh kernel
with a warm cache shows its first plot or explorer without importing SymPy.

Two kinds of entries sit next to the kernel modules (:func:`~.cache.cache_dir`,
private to the user):

* ``d_<sha>.json`` -- plain data (the units inferred for a blox type's states);
* ``d_<sha>.py`` -- Python source of lambdified functions (the analysis'
  vectorised right-hand side, Jacobian and normal-form derivatives), executed
  in a namespace of NumPy and nbblox's special functions, the same trust as the
  kernel modules beside them.

An entry's name is a hash of: its kind, the nbblox version, the installed
SymPy version, the text of the modules whose code derives it (``code``), and
the caller's key (equation text, parameter units, edges and weights...).  A
change of any of them gives another name, so nothing stale is ever read; a
file that does not parse as expected is ignored and rebuilt.  A cache folder
that cannot be written only costs the SymPy work.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .cache import cache_dir

__all__ = ["cached_json", "cached_code", "entry_name"]

_PKG = Path(__file__).resolve().parents[1]
_versions = {}


def _code_hash(code):
    key = tuple(code)
    h = _versions.get(key)
    if h is None:
        d = hashlib.sha256()
        for rel in code:
            d.update(rel.encode())
            d.update((_PKG / rel).read_bytes())
        h = _versions[key] = d.hexdigest()
    return h


def _sympy_version():
    v = _versions.get("sympy")
    if v is None:
        from importlib.metadata import PackageNotFoundError, version
        try:
            v = version("sympy")
        except PackageNotFoundError:
            v = "none"
        _versions["sympy"] = v
    return v


def entry_name(kind, key, code=()):
    """File stem of the cache entry for ``key`` (any ``repr``-able value).

    Examples
    --------
    >>> a = entry_name("units", ("dV/dt = -V",), ["model/state_units.py"])
    >>> a == entry_name("units", ("dV/dt = -V",), ["model/state_units.py"])
    True
    >>> a == entry_name("units", ("dV/dt = -2*V",), ["model/state_units.py"])
    False
    """
    from .._version import __version__
    text = repr((kind, __version__, _sympy_version(), _code_hash(code), key))
    return "d_" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _write(path, text):
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)      # a parallel reader never sees half a file
    except OSError:
        pass                       # read-only cache: only costs speed


def _folder():
    try:
        return cache_dir()
    except Exception:              # a refused (shared) cache folder: no disk cache
        return None


def cached_json(kind, key, make, code=()):
    """``make()`` (JSON data), read from disk when a previous process made it.

    Examples
    --------
    >>> calls = []
    >>> make = lambda: calls.append(1) or {"V": "mV"}
    >>> cached_json("doctest", ("x", 1), make) == cached_json("doctest", ("x", 1), make)
    True
    """
    folder = _folder()
    path = folder / (entry_name(kind, key, code) + ".json") if folder else None
    if path is not None:
        try:
            return json.loads(path.read_text())["value"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    value = make()
    if path is not None:
        _write(path, json.dumps({"kind": kind, "value": value}))
    return value


def cached_code(kind, key, make, namespace, code=()):
    """Module-level names defined by Python source ``make()`` returns (a str),
    executed in a copy of ``namespace``; the source is kept on disk, so a later
    process skips ``make`` (SymPy).  Returns the namespace dict."""
    folder = _folder()
    path = folder / (entry_name(kind, key, code) + ".py") if folder else None
    src = None
    if path is not None:
        try:
            src = path.read_text()
            compiled = compile(src, str(path), "exec")
        except (OSError, SyntaxError, ValueError):
            src = None
    if src is None:
        src = make()
        compiled = compile(src, str(path or f"<nbblox {kind}>"), "exec")
        if path is not None:
            _write(path, src)
    ns = dict(namespace)
    exec(compiled, ns)  # noqa: S102  (our own generated text, private cache folder)
    return ns
