"""The measures of one integrated chunk: the step every sweep backend (local
threads, Dask workers) runs after integrating, so only summaries travel."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from ...exceptions import SimulationError
from ..solution import Solution
from . import measures as sweep_measures

PARALLEL_REDUCE_MIN = 1_000_000   # samples: below this, threads cost more than they save


def _time_axis(out_t, bad):
    """Sample times of a chunk, from a run that did not diverge (a diverged
    run stops writing its times, leaving the rest of its row unset)."""
    n, nsamp = out_t.shape[0], (out_t.shape[1] if out_t.ndim == 2 else 0)
    if not n:
        return np.zeros(nsamp)
    good = np.flatnonzero(bad < 0)
    return out_t[good[0] if good.size else 0]


def _builtin(name, x, t, opts, threads):
    """A built-in measure over rows of ``x``, split across the numba threads
    (NumPy reductions and the crossing kernel release the GIL).  Each row is
    reduced alone in every measure, so the split changes no bit."""
    n = x.shape[0]
    workers = min(numba.get_num_threads() if threads is None else threads, n)
    with np.errstate(all="ignore"):
        if workers < 2 or x.size < PARALLEL_REDUCE_MIN:
            return sweep_measures.compute(name, x, t, **opts)
        bounds = np.linspace(0, n, workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda ab: sweep_measures.compute(name, x[ab[0]:ab[1]], t,
                                                                    **opts),
                                  zip(bounds[:-1], bounds[1:])))
    return np.concatenate(parts)


def reduce_chunk(spec, out_t, out_x, X, steps, bad, system=None, threads=None):
    """Measures (and traces) of one integrated chunk.  Runs where the chunk
    ran (a Dask worker too, with ``threads=1``: its cores are busy with the
    other chunks), so only summaries travel.  ``out_x`` belongs to
    the chunk: diverged rows are overwritten with NaN in place (a copy of
    the whole chunk cost as much as the measures)."""
    n = out_x.shape[0]
    diverged = bad >= 0
    for i in np.flatnonzero(diverged):
        out_x[i] = np.nan
    t = _time_axis(out_t, bad)
    # samples at t >= t0 + transient, as a slice: a boolean mask would copy
    # every trace once per measure
    k0 = int(np.searchsorted(t, t[0] + spec["transient"], side="left")) if t.size else 0
    keep = slice(k0, None)
    res = {"diverged": diverged}
    opts = spec["options"]
    for name, m in spec["measures"]:
        if isinstance(m, str):
            res[name] = _builtin(m, out_x[..., keep], t[keep], opts, threads)
            continue
        vals = []
        for i in range(n):
            if diverged[i]:
                vals.append(None)
                continue
            sol = Solution(t[keep], spec["names"], out_x[i][:, keep], final_state=X[i].copy(),
                           params=dict(zip(spec["param_names"], spec["P"][i].tolist()))
                           if "P" in spec else {}, info=spec["info"], system=system)
            vals.append(np.asarray(m(sol), dtype=np.float64))
        shapes = {v.shape for v in vals if v is not None}
        if len(shapes) > 1:
            raise SimulationError(f"measure {name!r} returned arrays of different shapes "
                                  f"{sorted(shapes)} for different parameter sets")
        shape = shapes.pop() if shapes else ()
        arr = np.full((n,) + shape, np.nan)
        for i, v in enumerate(vals):
            if v is not None:
                arr[i] = v
        res[name] = arr
    if spec["traces"]:
        res["trace"] = out_x
        res["time"] = t
    return res
