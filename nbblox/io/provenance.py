"""Provenance of a result: library versions, the model hash, the content hash
and the reproducibility stamp -- the one source every saved file, plot
caption, dashboard download, exported page and ``to_code()`` header uses.

A stamp names what a reader needs to repeat a result: the model (a hash of
the circuit JSON, so two people can tell they ran the same model), the
parameters, the seed, the method and step, and the versions of nbblox and of
the numerical libraries under it.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import platform

import numpy as np

__all__ = ["versions", "model_hash", "content_hash", "stamp", "stamp_lines", "circuit_of",
           "LIBRARIES"]

#: libraries whose versions are stored with every result (numerics first)
LIBRARIES = ("numpy", "numba", "scipy", "sympy", "xarray")


def _version(mod):
    import importlib.metadata as md
    try:
        return md.version(mod)
    except md.PackageNotFoundError:
        return "absent"


def versions(extra=()):
    """``{library: version}`` for nbblox, Python and the numerical libraries.

    Examples
    --------
    >>> v = versions()
    >>> sorted(v)[:3], v["nbblox"] == __import__("nbblox").__version__
    (['nbblox', 'numba', 'numpy'], True)
    """
    import nbblox
    out = {"nbblox": nbblox.__version__, "python": platform.python_version()}
    out.update({m: _version(m) for m in (*LIBRARIES, *extra)})
    return out


def _canonical_json(text):
    """The circuit JSON re-dumped with sorted keys (the hash must not depend
    on key order or whitespace)."""
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def model_hash(circuit):
    """Short SHA-256 of a circuit's JSON (equations, parameters, connections):
    equal circuits give equal hashes.

    Examples
    --------
    >>> import nbblox as nb
    >>> a = nb.Circuit([nb.blox.FitzHughNagumo(name="fhn")])
    >>> b = nb.Circuit([nb.blox.FitzHughNagumo(name="fhn", I=0.9)])
    >>> model_hash(a) == model_hash(a), model_hash(a) == model_hash(b)
    (True, False)
    """
    text = circuit if isinstance(circuit, str) else circuit.to_json()
    return hashlib.sha256(_canonical_json(text).encode()).hexdigest()[:16]


def _feed(h, value):
    """Hash an array or attribute value by content, independent of how a
    file format happened to store it (netCDF gives strings back as objects,
    booleans survive as booleans in xarray)."""
    a = np.asarray(value)
    if a.dtype.kind in "USO":
        h.update(f"str{a.shape}".encode())
        for s in a.ravel().tolist():
            b = str(s).encode("utf-8")
            h.update(len(b).to_bytes(8, "little") + b)
        return
    if a.dtype.kind == "b":
        a = a.astype(np.uint8)
    h.update(f"{a.dtype.kind}{a.dtype.itemsize}{a.shape}".encode())
    h.update(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes())


#: variable attributes that are content (the rest, e.g. _FillValue, is encoding)
CONTENT_ATTRS = ("units", "long_name", "standard_name", "description")
#: global attributes that describe the file, not the result (left out of the hash)
VOLATILE_ATTRS = ("nbblox_content_hash", "date_created", "history")


def content_hash(ds):
    """SHA-256 over every variable (name, dims, values, content attributes)
    and the global attributes of an xarray Dataset, in name order.

    Saving stores it; loading recomputes it on what was read, so a file that
    was truncated, edited or decoded differently is reported instead of
    silently loaded.

    Examples
    --------
    >>> import xarray as xr
    >>> a = xr.Dataset({"v": ("t", [1.0, 2.0])})
    >>> content_hash(a) == content_hash(a.copy()), content_hash(a) == content_hash(a * 2)
    (True, False)
    """
    h = hashlib.sha256()
    for name in sorted(map(str, ds.variables)):
        var = ds.variables[name]
        h.update(f"\0var {name} {tuple(map(str, var.dims))}".encode())
        _feed(h, var.values)
        for k in CONTENT_ATTRS:
            if k in var.attrs:
                h.update(f"\0{k}".encode())
                _feed(h, var.attrs[k])
    for k in sorted(map(str, ds.attrs)):
        if k not in VOLATILE_ATTRS:
            h.update(f"\0attr {k}".encode())
            _feed(h, ds.attrs[k])
    return h.hexdigest()


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def circuit_of(obj):
    """The Circuit behind a result, an explorer, a dashboard, a System or a
    Blox: the live one if the object holds its System, else rebuilt from the
    circuit JSON stored with a loaded result (through the safe loader: the
    equations are re-parsed, nothing is run).  None if there is none.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 1.0)
    >>> circuit_of(sol).name
    'fhn'
    """
    from ..model.blox import Blox
    from ..model.circuit import Circuit
    from ..model.population import Population
    if obj is None or isinstance(obj, Circuit):
        return obj
    if isinstance(obj, (Blox, Population)):
        return Circuit([obj], name=obj.name)
    own = getattr(obj, "__dict__", {})
    if isinstance(own.get("circuit"), Circuit):             # System, Dashboard
        return own["circuit"]
    for attr in ("system", "explorer", "solution"):          # results, Explorer, FitResult
        inner = own.get(attr)
        if inner is not None and inner is not obj:
            found = circuit_of(inner)
            if found is not None:
                return found
    text = own.get("_circuit_json")
    if text is None and isinstance(getattr(obj, "attrs", None), dict):   # a sweep Dataset
        text = obj.attrs.get("circuit")
    if not isinstance(text, str):
        return None
    circuit = own.get("_circuit_cache")
    if circuit is None:
        circuit = Circuit.from_json(text)
        if hasattr(obj, "__dict__"):       # one rebuild per loaded result
            obj.__dict__["_circuit_cache"] = circuit
    return circuit


def stamp(obj=None, *, seed=None, params=None, libraries=()):
    """The reproducibility stamp of a result, explorer, dashboard or circuit.

    Returns
    -------
    dict
        ``model`` (circuit name), ``model_hash``, ``method``, ``dt``,
        ``seed``, ``params`` (``{"blox.param": value}``: for results, every
        parameter of the run), ``versions`` and ``created`` (UTC); keys
        that do not apply are left out.  ``libraries`` adds versions (the
        plotting stack for figures and pages).

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 5.0, seed=3)
    >>> s = stamp(sol)
    >>> s["seed"], s["method"], s["params"]["fhn.I"], len(s["model_hash"])
    (3, 'rk4', 0.5, 16)
    """
    out = {}
    circuit = circuit_of(obj) if obj is not None else None
    if circuit is not None:
        out["model"] = circuit.name
        out["model_hash"] = model_hash(circuit)
    info = run_info(obj)
    for k in ("method", "dt", "t_end", "seed"):
        if info.get(k) is not None:
            out[k] = info[k]
    if seed is not None:
        out["seed"] = seed
    p = params if params is not None else _params_of(obj)
    if p:
        out["params"] = {k: float(v) for k, v in p.items()}
    out["versions"] = versions(libraries)
    out["created"] = _now()
    return out


def run_info(obj):
    """The run settings of a result (``method``, ``dt``, ``seed``...) as a dict: a
    Solution's ``info``, a fit's solution's, an explorer's controls, a sweep
    Dataset's attributes; ``{}`` for anything else (stamps and citations read it)."""
    if obj is None:
        return {}
    ex = getattr(obj, "explorer", obj)
    if hasattr(ex, "to_code") and hasattr(ex, "params") and hasattr(ex, "t_end"):
        return {"method": ex.method, "dt": ex.dt, "t_end": ex.t_end, "seed": ex.seed}
    if hasattr(obj, "info") and isinstance(obj.info, dict):
        return obj.info
    if getattr(obj, "solution", None) is not None:           # FitResult
        return run_info(obj.solution)
    if hasattr(obj, "attrs"):                                 # sweep Dataset
        return dict(obj.attrs)
    return {}


def _params_of(obj):
    if obj is None:
        return {}
    ex = getattr(obj, "explorer", obj)
    if hasattr(ex, "to_code") and isinstance(getattr(ex, "params", None), dict):
        return ex.params
    if getattr(obj, "solution", None) is not None and hasattr(obj, "covariance"):
        return obj.solution.params                            # FitResult: at the estimate
    if isinstance(getattr(obj, "params", None), dict):
        return obj.params
    system = getattr(obj, "system", None)
    if isinstance(getattr(obj, "params", None), np.ndarray) and system is not None:
        return dict(zip(system.param_names, obj.params.tolist()))   # PhasePlane
    if hasattr(obj, "attrs") and isinstance(obj.attrs.get("params"), str):
        try:
            return json.loads(obj.attrs["params"])
        except ValueError:
            return {}
    system = getattr(obj, "system", None)
    if system is not None:
        return dict(zip(system.param_names, system.params.array.tolist()))
    return {}


def stamp_lines(st, what="nbblox"):
    """The stamp as ``#`` comment lines (head of exported code and sidecars).

    Examples
    --------
    >>> st = {"model": "c", "model_hash": "ab12", "seed": 1, "method": "rk4", "dt": 0.01,
    ...       "versions": {"nbblox": "0.1.0", "python": "3.11.7", "numpy": "2.0"},
    ...       "created": "2026-01-01T00:00:00Z"}
    >>> print("\\n".join(stamp_lines(st)))
    # nbblox 0.1.0 · Python 3.11.7 · numpy 2.0
    # model 'c' (hash ab12) · method rk4, dt 0.01 ms · seed 1 · 2026-01-01T00:00:00Z
    """
    v = dict(st.get("versions", {}))
    head = [f"nbblox {v.pop('nbblox', '?')}", f"Python {v.pop('python', '?')}"]
    head += [f"{k} {x}" for k, x in v.items()]
    run = []
    if "model_hash" in st:
        run.append(f"model {st.get('model', '')!r} (hash {st['model_hash']})")
    if "method" in st:
        run.append(f"method {st['method']}" + (f", dt {st['dt']:g} ms" if "dt" in st else ""))
    run.append(f"seed {st.get('seed')!r}")
    run.append(st.get("created", _now()))
    return ["# " + " · ".join(head), "# " + " · ".join(run)]
