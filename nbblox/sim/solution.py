"""Solution: the result of a simulation, as plain arrays with conversions to
xarray and pandas and a lazy ``.plot()`` (HoloViews, in viz/)."""
from __future__ import annotations

import json
import re

import numpy as np

from .._text import counted
from ..compile.system import compile as compile_circuit
from ..exceptions import ParameterError, SimulationError, suggest
from ..model.select import is_selector, select

__all__ = ["Solution", "spike_times"]


def spike_times(t, v, threshold=0.0):
    """Times at which ``v`` crosses ``threshold`` upwards (spikes of a
    continuous model such as Hodgkin-Huxley).

    Examples
    --------
    >>> import numpy as np
    >>> spike_times(np.arange(5.0), np.array([-1.0, 1.0, -1.0, 2.0, 3.0]))
    array([1., 3.])
    """
    t, v = np.asarray(t), np.asarray(v)
    up = np.flatnonzero((v[1:] >= threshold) & (v[:-1] < threshold))
    return t[up + 1]

_ELEMENT = re.compile(r"^(.+)\[(\d+)\]\.([^.]+)$")


class Solution:
    """Time series of the recorded states of one run.

    Attributes
    ----------
    t : ndarray (n,)
        Sample times (ms).
    names : list of str
        Recorded variables (``"blox.state"``).
    values : ndarray (len(names), n)
    final_state : ndarray
        Full state vector at the last step reached (to continue a run).
    params : dict
        Parameter values used.
    spikes : dict of arrays ``"index"`` (neuron index within its blox or
        population), ``"time"`` (ms) and ``"blox"`` (its name), in time order
        (empty without spikes)
    info : dict
        Method, dt, stride, seed, backend, nbblox version.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 10.0, dt=0.01)
    >>> sol["fhn.V"].shape == sol.t.shape
    True
    """

    #: :func:`nbblox.sim.simulate.simulate`, used by :meth:`rerun`.  simulate makes
    #: Solutions, so it imports this module and sets this when it is imported; nbblox.sim
    #: imports it first, so it is set before any Solution exists.
    _simulate = None

    def __init__(self, t, names, values, *, final_state=None, params=None, info=None,
                 spikes=None, system=None):
        self.t = np.asarray(t)
        self.names = list(names)
        self.values = np.asarray(values)
        self.final_state = final_state
        self.params = dict(params or {})
        self.info = dict(info or {})
        self.spikes = spikes if spikes is not None else {
            "index": np.zeros(0, dtype=np.int64), "time": np.zeros(0), "blox": np.zeros(0, dtype="<U1")}
        self.system = system
        self._index_of = None     # {name: row}, made on first use (_index)
        self._vectors = None
        #: (len(names), len(sensitivity_names), n) forward sensitivities, or None
        self.sensitivities = None
        self.sensitivity_names = []
        #: final synapse weights {projection name: array} (spiking runs)
        self.weights = {}
        #: {"t": times, projection name: (n_snapshots, n_synapses)} or None
        self.weight_history = None
        #: what the run started from (state vector, weights; set by simulate), or None
        self.start = None

    def sensitivity(self, name, param):
        """d(``name``)/d(``param``) over ``t``, from ``simulate(..., sensitivities=)``.

        Examples
        --------
        >>> import nbblox as nb
        >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 1.0, sensitivities=["fhn.I"])
        >>> float(sol.sensitivity("fhn.V", "fhn.I")[0])   # x0 does not depend on I
        0.0
        """
        if self.sensitivities is None:
            raise ParameterError("this solution has no sensitivities: simulate with "
                                 "sensitivities=[...]")
        if param not in self.sensitivity_names:
            raise ParameterError(f"no sensitivity with respect to '{param}'. Computed: "
                                 f"{', '.join(self.sensitivity_names)}" +
                                 suggest(param, self.sensitivity_names))
        return self.sensitivities[self._resolve(name), self.sensitivity_names.index(param)]

    def _vector(self, name):
        """Rows of ``"pop.V"``: every recorded ``"pop[i].V"``, by index i."""
        if self._vectors is None:
            groups = {}
            for r, n in enumerate(self.names):
                m = _ELEMENT.match(n)
                if m:
                    groups.setdefault(f"{m.group(1)}.{m.group(3)}", []).append(
                        (int(m.group(2)), r))
            self._vectors = {k: np.array([r for _, r in sorted(v)], dtype=np.int64)
                             for k, v in groups.items()}
        return self._vectors.get(name)

    @property
    def _index(self):
        """``{recorded name: row}``, built when first asked (a 4000-neuron
        population's dict cost ~1 ms of every ``simulate`` that never read it)."""
        if getattr(self, "_index_of", None) is None:
            self._index_of = {n: i for i, n in enumerate(self.names)}
        return self._index_of

    def _resolve(self, name):
        if name in self._index:
            return self._index[name]
        rows = self._vector(name) if isinstance(name, str) else None
        if rows is not None:
            return rows
        if is_selector(name):
            return self._select(name)
        # "V" is accepted when exactly one recorded variable ends in ".V"
        matches = [n for n in self.names if n.rsplit(".", 1)[-1] == name]
        if len(matches) == 1:
            return self._index[matches[0]]
        extra = f" It is ambiguous: {matches}." if len(matches) > 1 else suggest(name, self.names)
        raise ParameterError(f"'{name}' was not recorded in this solution.{extra} "
                             f"Recorded: {', '.join(self.names[:10])}"
                             + (" ..." if len(self.names) > 10 else ""))

    def __getitem__(self, name):
        """One variable (``"fhn.V"``, ``"pop[3].V"``) as (nt,), or a whole
        population (``"pop.V"``) as (n, nt) with rows in neuron order, or
        every recorded match of a selector (``"**.E"``, ``"type:JansenRit.y0"``)
        as (n, nt), rows in the order of :meth:`match`."""
        return self.values[self._resolve(name)]

    def _select(self, selector):
        rows = self._selected.get(selector) if hasattr(self, "_selected") else None
        if rows is None:
            system = self.system
            types = system.blox_types.get if system is not None and \
                hasattr(system, "blox_types") else None
            names = select(selector, self.names, types, "recorded variable")
            rows = np.array([self._index[n] for n in names], dtype=np.int64)
            self.__dict__.setdefault("_selected", {})[selector] = rows
        return rows

    def match(self, name):
        """Recorded names that ``name`` (a name, population or selector) reads.

        Examples
        --------
        >>> import nbblox as nb
        >>> c = nb.Circuit([nb.blox.FitzHughNagumo(name=n) for n in ("a", "b")])
        >>> sol = nb.simulate(c, 1.0)
        >>> sol.match("*.V"), sol["*.V"].shape == (2, sol.t.size)
        (['a.V', 'b.V'], True)
        """
        return [self.names[r] for r in np.atleast_1d(self._resolve(name))]

    def spike_trains(self, name):
        """(index, time) arrays of the spikes of blox or population ``name``."""
        sel = self.spikes.get("blox", np.zeros(0)) == name
        if not np.any(sel) and self.system is not None and name not in self.system.circuit:
            raise ParameterError(f"no blox or population named '{name}'.")
        return self.spikes["index"][sel], self.spikes["time"][sel]

    def __contains__(self, name):
        try:
            self._resolve(name)
            return True
        except ParameterError:
            return False

    def __len__(self):
        return self.t.size

    def to_xarray(self):
        """xarray.Dataset with one variable per recorded state over ``time``."""
        import xarray as xr
        ds = xr.Dataset({n: ("time", self.values[i]) for i, n in enumerate(self.names)},
                        coords={"time": ("time", self.t, {"units": "ms"})})
        # netCDF attributes hold no booleans (info["fastmath"]): 0/1 as CF does
        ds.attrs.update({k: (json.dumps(v) if isinstance(v, (dict, list))
                             else int(v) if isinstance(v, (bool, np.bool_)) else v)
                         for k, v in self.info.items() if v is not None})
        ds.attrs["params"] = json.dumps(self.params)
        if self.sensitivities is not None:
            ds["sensitivity"] = (("variable", "parameter", "time"), self.sensitivities)
            ds = ds.assign_coords(variable=("variable", self.names),
                                  parameter=("parameter", self.sensitivity_names))
        return ds

    def to_pandas(self):
        """pandas.DataFrame indexed by time (ms), one column per variable."""
        import pandas as pd
        return pd.DataFrame(self.values.T, index=pd.Index(self.t, name="time"),
                            columns=self.names)

    def plot(self, vars=None, stamp=False, **kw):
        """HoloViews plot of the recorded time series (see nbblox.viz);
        ``stamp=True`` writes the reproducibility stamp under it."""
        from .._gcpause import paused
        with paused():    # the first plot imports HoloViews and Bokeh: no full GC pass halfway
            from ..viz import plot_solution
            from ..viz.stamp import with_stamp
            el = plot_solution(self, vars=vars, **kw)
            return with_stamp(el, self) if stamp else el

    # -- persistence: lazy delegates to nbblox.io, as .plot() is to viz ----------
    @property
    def circuit(self):
        """The Circuit that produced this run (for a loaded file: rebuilt from the
        circuit JSON stored in it, through the safe loader)."""
        from ..io.provenance import circuit_of
        return circuit_of(self)

    def save(self, path, format=None):
        """Write this run to netCDF (``.nc``) or zarr (``.zarr``) with its circuit,
        parameters, seed, method, versions and a content hash; read it back with
        :func:`nbblox.load` (see :func:`nbblox.io.save`).

        Examples
        --------
        >>> import nbblox as nb, os, tempfile
        >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 10.0)
        >>> path = os.path.join(tempfile.mkdtemp(), "run.nc")
        >>> nb.load(sol.save(path)).circuit == sol.circuit
        True
        """
        from ..io import save
        return save(self, path, format=format)

    def rerun(self):
        """Simulate again from the stored circuit, parameters, starting state,
        weights, seed, method and step: a deterministic method or seeded noise
        gives the same numbers bit for bit (same machine and libraries)."""
        from ..io.rerun import simulate_args   # lazy delegate to io/, as save()
        circuit = self.circuit
        if circuit is None:
            raise SimulationError("this solution has no circuit to rerun (it was not made by "
                                  "nbblox.simulate, or its file holds no circuit)")
        args = simulate_args(self)
        system = compile_circuit(circuit, backend=args.pop("backend"))
        start = self.start or {}
        if start.get("edge_weights") is not None:
            system.weights[:] = start["edge_weights"]
        if start.get("synapse_weights") is not None:
            system.synapse_weights[:] = start["synapse_weights"]
        return Solution._simulate(system, **args)

    def __repr__(self):
        span = f"t = {self.t[0]:g}..{self.t[-1]:g} ms" if self.t.size else "empty"
        return (f"<Solution {span}, {counted(self.t.size, 'sample')}, {counted(len(self.names), 'variable')} "
                f"({self.info.get('method')})>")
