"""sweep(): run one System at many parameter sets and summarise each run.

The parameter sets (a grid, or a list of sets) become rows of a parameter
matrix; rows are integrated in chunks by a backend -- numba ``prange`` on the
CPU (:mod:`.cpu`), one CUDA thread per row (:mod:`.cuda`), or
Dask tasks (:mod:`.dask`) -- and every chunk is reduced at once to the
requested measures (:mod:`.measures` or user functions of a
Solution), so memory holds one chunk of traces, not the whole sweep.
The result is an xarray Dataset whose dimensions are the swept parameters.
"""
from __future__ import annotations

import numpy as np

from ...compile.system import as_system
from ...exceptions import ParameterError, SimulationError, suggest
from ...compile import schemes
from ...model.params import finite
from ...model.select import is_selector
from . import measures as sweep_measures, stream as sweep_stream
from .dataset import assemble, provenance
from .reduce import reduce_chunk

__all__ = ["sweep"]

#: fixed-step methods (declared in :mod:`nbblox.compile.schemes`)
METHODS = schemes.NAMES
CHUNK_BYTES = 256 * 1024**2
MAX_TRACE_BYTES = 4 * 1024**3




def _values(system, values):
    """Validate ``{name: 1-D values}``; names are parameters or states (x0)."""
    if not isinstance(values, dict) or not values:
        raise ParameterError("sweep values must be a non-empty dict "
                             "{'blox.param': array of values}")
    out = {}
    for name, v in values.items():
        if name == "coupling":
            kind = "coupling"  # global coupling: multiplies every connection weight
        else:
            kind = _kind(system, name)
        arr = np.asarray(v, dtype=np.float64) if not isinstance(v, str) else None
        if arr is None or arr.ndim != 1 or arr.size == 0:
            raise ParameterError(f"sweep values for '{name}' must be a non-empty 1-D "
                                 f"sequence of numbers")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"sweep values for '{name}' hold NaN or inf")
        if kind != "param":
            out[name] = (kind, arr)
            continue
        # a selector may match parameters of different physical ranges: check each
        hard = system.params._bounds
        bounds = {tuple(hard[n]) for n in system.params.match(name) if n in hard}
        for hb in bounds:
            if hb:
                lo, hi = hb
                out_of = arr[((arr < lo) if lo is not None else False) |
                             ((arr > hi) if hi is not None else False)]
                if out_of.size:
                    raise ParameterError(
                        f"sweep values for '{name}' include {out_of[0]:g}, outside its "
                        f"physical range [{'-inf' if lo is None else lo}, "
                        f"{'inf' if hi is None else hi}]")
        out[name] = (kind, arr)
    return out


def _kind(system, name):
    """"param" or "state" for a name, population vector, promoted parameter or
    selector; an unknown one is an error listing what exists."""
    P = system.params
    if not isinstance(name, str):
        raise ParameterError(f"sweep names must be text, got {name!r}")
    if name in P._index or name in P.vectors or name in P.aliases:
        return "param"
    if name in system._state_index or name in system._state_vec:
        return "state"
    if is_selector(name):
        try:
            P.index(name)
            return "param"
        except ParameterError as exc:
            try:
                system.state_indices(name)
                return "state"
            except ParameterError:
                raise exc from None
    raise ParameterError(f"cannot sweep '{name}': it is neither a parameter nor a "
                         "state of this system." +
                         suggest(name, system.param_names + system.state_names))


def _measures(measure):
    """Normalise ``measure`` into ``[(name, builtin str | callable)]``."""
    if measure is None:
        measure = ["mean", "min", "max"]
    if isinstance(measure, str) or callable(measure):
        measure = [measure]
    items = measure.items() if isinstance(measure, dict) else [
        (m if isinstance(m, str) else getattr(m, "__name__", "measure"), m) for m in measure]
    out = []
    for name, m in items:
        if isinstance(m, str):
            if m not in sweep_measures.MEASURES:
                sweep_measures.compute(m, np.zeros((1, 2)), np.zeros(2))  # raises
        elif not callable(m):
            raise ParameterError(f"measure {name!r} must be a built-in name "
                                 f"({', '.join(sweep_measures.MEASURES)}) or a function "
                                 "of a Solution")
        if name in (o[0] for o in out) or name in ("trace", "diverged"):
            raise ParameterError(f"measure name {name!r} is used twice or reserved")
        out.append((str(name), m))
    return out


def _chunk_size(chunk_size, n, per_instance, progress):
    if chunk_size is not None:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
                or chunk_size < 1:
            raise ParameterError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
        return int(chunk_size)
    c = max(1, CHUNK_BYTES // max(per_instance, 1))
    if progress:
        c = min(c, max(64, -(-n // 20)))
    return int(min(n, c))


def sweep(model, values, t_end, dt=0.01, method="rk4", *, measure=None, grid=True,
          backend="cpu", record=None, stride=1, traces=False, params=None, x0=None,
          t0=0.0, transient=0.0, chunk_size=None, progress=False, threshold=None,
          min_amplitude=1e-3, seed=None, stream=None):
    """Simulate ``model`` at many parameter sets and summarise every run.

    Parameters
    ----------
    model : Blox, Circuit or System
    values : dict
        ``{"blox.param": values}``; a key may also be a state name, which
        sweeps that state's initial value, or ``"coupling"``, a global
        factor multiplying every connection weight (whole-brain models).
    t_end, dt, method : as in :func:`nbblox.simulate` (fixed-step methods:
        ``"euler"``, ``"heun"``, ``"rk4"``).
    measure : str, callable, list or dict, optional
        Built-ins (applied to every recorded variable): ``"mean"``, ``"min"``,
        ``"max"``, ``"std"``, ``"final"``, ``"amplitude"``, ``"rate"``
        (upward threshold crossings per second), ``"period"`` (ms between
        crossings).  A callable receives a :class:`Solution` per parameter
        set and returns a number or array.  Default ``["mean", "min", "max"]``.
    grid : bool
        True: every combination (one dimension per swept name).  False: the
        value arrays are zipped into a list of sets (dimension ``instance``).
    backend : ``"cpu"``, ``"cuda"`` or a ``dask.distributed.Client``
    record : list of str, optional
        States the measures and traces see (default all).
    stride : int
        Keep every ``stride``-th step; measures are computed on kept samples.
    traces : bool
        Also return the recorded traces (variable ``trace``).
    params, x0 : dict, optional
        Fixed overrides for every run.
    transient : float
        Measures ignore samples before ``t0 + transient`` ms.
    chunk_size : int, optional
        Parameter sets per chunk (per Dask task); default fits 256 MB.
    progress : bool or callable
        True shows a tqdm bar (a widget in a notebook); a callable gets
        ``(done, total)`` after each chunk.
    threshold, min_amplitude : options of ``"rate"`` and ``"period"``.
    seed : int, optional
        Noise seed: parameter set ``k`` (in sweep order) runs with
        ``seed + k``, so every run is reproducible on its own.
    stream : bool, optional
        None (default): built-in measures are accumulated inside the kernel,
        with no trace array, when every measure allows it (see
        :mod:`nbblox.sim.sweep.stream`); False: always record traces and
        reduce them afterwards; True: stream or raise.

    Notes
    -----
    Plain ODE circuits run in the batched kernels of each backend.  Circuits
    with spikes, delays or noise run one :func:`nbblox.simulate` per
    parameter set (CPU and Dask backends; Dask spreads them over workers);
    the CUDA backend refuses them.

    Returns
    -------
    xarray.Dataset
        One variable per measure (dimensions: the swept names, then
        ``variable`` for built-ins), ``diverged`` (bool), and ``trace`` if
        asked.  Diverged runs hold NaN and raise a warning.

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> fhn = nb.blox.FitzHughNagumo(name="fhn")
    >>> res = nb.sweep(fhn, {"fhn.I": [0.0, 1.0]}, t_end=50.0, dt=0.05, measure="max")
    >>> res["max"].sel(variable="fhn.V").shape
    (2,)
    """
    system = as_system(model)
    t0, t_end, dt, transient = (finite(v, what, SimulationError) for v, what in
                                ((t0, "t0"), (t_end, "t_end"), (dt, "dt"),
                                 (transient, "transient")))
    if schemes.get(method) is None:
        raise SimulationError(f"sweep runs fixed-step methods ({', '.join(METHODS)}); "
                              f"got {method!r}")
    method = schemes.require(method, system.layout,
                             backend if backend == "cuda" else system.backend).name
    if t_end <= t0:
        raise SimulationError(f"t_end ({t_end}) must be greater than t0 ({t0})")
    if dt <= 0 or dt > t_end - t0:
        raise SimulationError(f"dt must be > 0 and no longer than the run, got {dt}")
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise SimulationError(f"stride must be a whole number >= 1, got {stride!r}")
    if not 0 <= transient < t_end - t0:
        raise SimulationError(f"transient ({transient} ms) must be >= 0 and shorter "
                              f"than the run ({t_end - t0} ms)")
    vals = _values(system, values)
    meas = _measures(measure)
    names = list(vals)
    if grid:
        shape = tuple(vals[k][1].size for k in names)
        mesh = np.meshgrid(*[vals[k][1] for k in names], indexing="ij")
        cols = {k: m.ravel() for k, m in zip(names, mesh)}
    else:
        sizes = {k: vals[k][1].size for k in names}
        if len(set(sizes.values())) > 1:
            raise ParameterError(f"grid=False zips the value lists, so they need one "
                                 f"length; got {sizes}")
        shape = (next(iter(sizes.values())),)
        cols = {k: vals[k][1] for k in names}
    n = int(np.prod(shape))
    P = np.tile(system.param_vector(params), (n, 1))
    X = np.tile(system.initial_state(x0), (n, 1))
    W = np.tile(np.asarray(system.weights, dtype=np.float64), (n, 1))
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ParameterError(f"seed must be a whole number >= 0, got {seed!r}")
        seeds = int(seed) + np.arange(n, dtype=np.int64)
    else:
        seeds = None
    for k in names:
        kind, _ = vals[k]
        if kind == "param":   # a selector or promoted name sets every slot it matches
            idx = system.params.index(k)
            P[:, idx] = cols[k][:, None] if np.ndim(idx) else cols[k]
        elif kind == "state":
            X[:, system.state_indices(k)] = cols[k][:, None]
        else:
            if W.shape[1] == 0:
                raise ParameterError("cannot sweep 'coupling': this system has no connections")
            W *= cols[k][:, None]
    if record is None:
        rec = np.arange(len(system.state_names), dtype=np.int64)
    else:
        record = [record] if isinstance(record, str) else list(record)
        if not record:
            raise ParameterError("record is empty: name at least one state")
        rec = np.concatenate([system.state_indices(r) for r in record]).astype(np.int64)
    rec_names = [system.state_names[i] for i in rec]
    nsteps = int(round((t_end - t0) / dt))
    nsamp = nsteps // stride + 1
    if traces and n * rec.size * nsamp * 8 > MAX_TRACE_BYTES:
        raise SimulationError(f"keeping traces of {n} runs x {rec.size} variables x {nsamp} "
                              f"samples needs {n * rec.size * nsamp * 8 / 1e9:.1f} GB; use "
                              "stride=, record= or traces=False")
    backend_name = backend if isinstance(backend, str) else "dask"
    info = {"method": method, "dt": dt, "stride": int(stride), "t0": t0, "t_end": t_end,
            "transient": transient, "backend": backend_name, "seed": seed,
            **provenance(system, names, grid, record, traces, meas, threshold, min_amplitude,
                         P, X, W, values)}
    spec = {"measures": meas, "transient": transient, "traces": bool(traces),
            "names": rec_names, "param_names": system.param_names, "info": info,
            "options": {"threshold": threshold, "min_amplitude": min_amplitude}}
    streams = (stream is not False and sweep_stream.STREAM and
               sweep_stream.streamable(system, meas, spec["options"], traces, backend))
    if stream and not streams:
        raise SimulationError("stream=True needs the CPU backend, a plain ODE circuit, no "
                              "traces and built-in measures only ('rate'/'period' with a "
                              "threshold)")
    info["stream"] = int(bool(streams))
    # a streamed instance holds a few accumulators per variable, not its trace
    per_instance = rec.size * sweep_stream.NACC * 8 if streams else (rec.size + 1) * nsamp * 8
    csize = _chunk_size(chunk_size, n, per_instance, progress)
    chunks = [(a, min(a + csize, n)) for a in range(0, n, csize)]
    job = dict(system=system, method=method, X=X, P=P, W=W, seeds=seeds, t0=t0, dt=dt, nsteps=nsteps,
               stride=int(stride), rec=rec, spec=spec, chunks=chunks)
    tick, close = _progress(progress, n)
    try:
        if streams:
            parts = sweep_stream.run_stream(job, tick)
        elif isinstance(backend, str) and backend == "cpu":
            from .cpu import run_chunk
            parts = _run_local(run_chunk, job, tick)
        elif isinstance(backend, str) and backend == "cuda":
            if getattr(system.layout, "needs_full_kernel", False):
                raise SimulationError("the CUDA sweep runs plain ODE circuits; this one has "
                                      "spikes, delays or noise: use backend='cpu' or a "
                                      "dask Client")
            from .cuda import run_chunk as cuda_chunk
            parts = _run_local(cuda_chunk, job, tick)
        elif _is_dask_client(backend):
            from .dask import run_dask
            parts = run_dask(backend, job, tick,
                             lambda ps: assemble(ps, job, names, cols, shape, grid, rec_names))
        else:
            raise ParameterError(f"backend must be 'cpu', 'cuda' or a dask.distributed "
                                 f"Client, not {backend!r}")
    finally:
        close()
    return assemble(parts, job, names, cols, shape, grid, rec_names)


def _is_dask_client(obj):
    return type(obj).__name__ == "Client" and type(obj).__module__.startswith("distributed")


def _progress(progress, total):
    if not progress:
        return (lambda k: None), (lambda: None)
    if callable(progress):
        state = {"done": 0}

        def tick(k):
            state["done"] += k
            progress(state["done"], total)
        return tick, (lambda: None)
    from tqdm.auto import tqdm
    bar = tqdm(total=total, desc="sweep", unit="run")
    return bar.update, bar.close


def _run_local(run_chunk, job, tick):
    parts = {}
    for c, (a, b) in enumerate(job["chunks"]):
        X = np.ascontiguousarray(job["X"][a:b])
        P = np.ascontiguousarray(job["P"][a:b])
        W = np.ascontiguousarray(job["W"][a:b])
        seeds = None if job["seeds"] is None else job["seeds"][a:b]
        out_t, out_x, steps, bad, _ = run_chunk(job["system"], job["method"], X, P,
                                                job["t0"], job["dt"], job["nsteps"],
                                                job["stride"], job["rec"], W=W,
                                                seeds=seeds)
        spec = dict(job["spec"], P=P)
        parts[c] = reduce_chunk(spec, out_t, out_x, X, steps, bad, job["system"])
        tick(b - a)
    return parts

