"""Export an explorer to a Python cell: the circuit (Circuit.to_code), the
parameters that differ from the circuit's own values, the run settings and
the view, under the reproducibility stamp (model hash, versions, seed, time)."""
from __future__ import annotations

__all__ = ["explorer_code", "stamp", "UI_LIBRARIES"]

#: versions a figure or page also depends on (added to the stamp)
UI_LIBRARIES = ("holoviews", "bokeh", "panel")


def stamp(obj=None, seed=None):
    """Comment lines naming the model, run and versions behind ``obj`` (the
    one stamp of :func:`nbblox.io.provenance.stamp`, with the plotting stack)."""
    from ..io.provenance import stamp as make, stamp_lines
    return stamp_lines(make(obj, seed=seed, libraries=UI_LIBRARIES))


def _num(v):
    """A value as code: the shortest text for it to 12 significant digits, so a
    slider's 1.2999999999999998 is written 1.3.

    >>> _num(1.2999999999999998), _num(0.1), _num(1e-9)
    ('1.3', '0.1', '1e-09')
    """
    return repr(float(f"{float(v):.12g}"))


def explorer_code(ex):
    """Python source that re-runs the explorer's current state and shows the
    same time series (and reopens the explorer, commented out).

    Examples
    --------
    >>> import nbblox as nb
    >>> ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
    >>> _ = ex.set({"fhn.I": 0.75})
    >>> "params = {'fhn.I': 0.75}" in ex.to_code()
    True
    """
    s = ex.system
    own = dict(zip(s.param_names, s.layout.p0.tolist()))
    changed = {k: v for k, v in ex.params.items() if own.get(k) != v}
    circuit = s.circuit.to_code("circuit").rstrip().splitlines()
    body = [ln for ln in circuit if ln.strip() != "import nbblox as nb"]
    while body and not body[0].strip():
        body.pop(0)
    params = "{" + ", ".join(f"{k!r}: {_num(v)}" for k, v in changed.items()) + "}"
    w = getattr(ex, "_weights", None)
    conns = s.circuit.connections
    for label, v in (w.values.items() if w is not None else ()):
        i = w._index[label]
        if conns[i].weight != v:      # a weight slider moved: the circuit's connection changes
            body.append(f"circuit.connections[{i}].weight = {_num(v)}   # {label}")
    views = tuple(ex.views)
    lines = stamp(ex) + ["import nbblox as nb", ""] + body + [
        "",
        f"params = {params}",
        f"sol = nb.simulate(circuit, {ex.t_end!r}, dt={ex.dt!r}, method={ex.method!r}, "
        f"params=params, seed={ex.seed!r})",
        f"# live version: nb.explore(circuit, vars={ex.vars!r}, t_end={ex.t_end!r}, "
        f"dt={ex.dt!r}, method={ex.method!r}, views={views!r}, params=params)",
        f"sol.plot(vars={ex.vars!r})",
    ]
    return "\n".join(lines) + "\n"
