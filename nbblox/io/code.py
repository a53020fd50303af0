"""to_code for results: Python source that rebuilds the circuit and repeats
the computation behind a Solution, Branch, FitResult or sweep Dataset, under
the reproducibility stamp (an explorer has its own ``to_code()``)."""
from __future__ import annotations


import numpy as np

from .provenance import circuit_of, stamp, stamp_lines

__all__ = ["result_code"]


def _num(v):
    return repr(float(v))


def _circuit_lines(circuit):
    body = circuit.to_code("circuit").rstrip().splitlines()
    body = [ln for ln in body if ln.strip() not in ("import nbblox as nb", "import numpy as np")]
    while body and not body[0].strip():
        body.pop(0)
    return body


def _changed(circuit, params):
    """Parameters whose value differs from the circuit's own (the rest need not
    be written)."""
    own = {}
    for b in circuit.blox.values():
        own.update({f"{b.name}.{k}": v for k, v in b.params.items()})
    out = {}
    for k, v in params.items():
        if k in own and np.isscalar(own[k]) and float(own[k]) == float(v):
            continue
        if "[" in k:       # population elements: only those that moved
            pop, rest = k.split("[", 1)
            idx, pname = rest.split("].", 1)
            base = circuit.populations[pop].params.get(pname) if pop in circuit.populations \
                else None
            arr = np.broadcast_to(np.asarray(base, dtype=float), (circuit.populations[pop].n,)) \
                if base is not None else None
            if arr is not None and float(arr[int(idx)]) == float(v):
                continue
        out[k] = float(v)
    return out


def _dict(d):
    return "{" + ", ".join(f"{k!r}: {_num(v)}" for k, v in d.items()) + "}"


def _solution(sol, circuit):
    from .rerun import simulate_args
    a = simulate_args(sol)
    params = _changed(circuit, a.pop("params"))
    lines = [f"params = {_dict(params)}   # values that differ from the circuit's own"]
    extra = ""
    if a.get("record") is not None:
        extra += f", record={a['record']!r}"
    if a.get("stride", 1) != 1:
        extra += f", stride={a['stride']}"
    if a.get("t0", 0.0):
        extra += f", t0={a['t0']!r}"
    x0 = a.pop("x0", None)
    if x0 is not None:     # only the states that did not start at the circuit's values
        from ..compile import compile
        s = compile(circuit)
        diff = {n: float(v) for n, v, d in zip(s.state_names, x0, s.x0) if v != d}
        if diff:
            extra += f", x0={_dict(diff)}"
    if "rtol" in a:
        extra += f", rtol={a['rtol']!r}, atol={a['atol']!r}"
    if a.get("sensitivities"):
        extra += f", sensitivities={a['sensitivities']!r}"
    lines.append(f"sol = nb.simulate(circuit, {a['t_end']!r}, dt={a['dt']!r}, "
                 f"method={a['method']!r}, params=params, seed={a['seed']!r}{extra})")
    lines.append("sol.plot()")
    return lines


def _branch(br, circuit):
    pv = br.param_values
    if pv.ndim == 2:
        return [f"# a codim-2 {br.kind} in {br.param_names}: start it with nb.continuation2 "
                "from the special point of a codim-1 branch"]
    lo, hi = float(np.min(pv)), float(np.max(pv))
    p = br.param_names[0]
    if br.kind == "cycle":
        return [f"eq = nb.continuation(circuit, {p!r}, ({_num(lo)}, {_num(hi)}))",
                f"br = nb.continuation(circuit, {p!r}, ({_num(lo)}, {_num(hi)}), "
                "start=eq.special('H')[0])   # cycles from the first Hopf point",
                "br.plot()"]
    return [f"br = nb.continuation(circuit, {p!r}, ({_num(lo)}, {_num(hi)}))", "br.plot()"]


def _fit(fit, circuit):
    bounds = ", ".join(f"{n!r}: ({_num(fit.bounds[n][0])}, {_num(fit.bounds[n][1])}, "
                       f"{_num(fit.start[n])})" for n in fit.names)
    dt, method = fit.solution.info.get("dt"), fit.solution.info.get("method", "rk4")
    return ["# data: the observed series (saved with the fit: nb.load(path).data)",
            f"res = nb.fit(circuit, data, {{{bounds}}}, dt={dt!r}, method={method!r},",
            f"             optimizer={fit.optimizer!r})",
            "res.plot()"]


def _sweep(ds, circuit):
    # the settings the dataset's own rerun passes (SweepAccessor.rerun_args)
    weights, values, t_end, kw = ds.nbblox.rerun_args()
    vals = ", ".join(f"{k!r}: np.array({v.tolist()!r})" for k, v in values.items())
    args = [f"{k}=np.array({v.tolist()!r})" if isinstance(v, np.ndarray)
            else f"{k}={_plain(v)!r}" for k, v in kw.items() if v is not None]
    return ["system = nb.compile(circuit)", f"system.weights[:] = {weights!r}",
            f"ds = nb.sweep(system, {{{vals}}}, {_plain(t_end)!r}, " + ", ".join(args) + ")"]


def _plain(value):
    # attributes read back from netCDF are NumPy scalars, whose repr is not code
    return value.item() if isinstance(value, np.generic) else value


def result_code(obj):
    """Python source that repeats ``obj``'s computation from its circuit.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 10.0, dt=0.05,
    ...                   params={"fhn.I": 0.75})
    >>> code = result_code(sol)
    >>> "params = {'fhn.I': 0.75}" in code
    True
    >>> ns = {}; exec(code, ns)      # our own generated code
    >>> bool((ns["sol"].values == sol.values).all())
    True
    """
    from .codecs import kind_of
    circuit = circuit_of(obj)
    if circuit is None:
        return "# (this result holds no circuit)\n"
    body = {"Solution": _solution, "Branch": _branch, "FitResult": _fit,
            "Sweep": _sweep}[kind_of(obj)](obj, circuit)
    head = ["import numpy as np", "import nbblox as nb", ""]
    return "\n".join(stamp_lines(stamp(obj)) + head + _circuit_lines(circuit) + [""] + body) \
        + "\n"
