"""explore(): sliders generated from Parameter metadata that re-simulate a
compiled System and update live HoloViews views in place.

The Explorer is a Panel layout, so the same object renders in JupyterLab,
Notebook 7, VS Code and inside a served Panel app.  Moving a slider calls
:func:`nbblox.simulate` on the *same* System with a params dict (never a
recompile) and pushes decimated data into HoloViews Pipes; the DynamicMaps
redraw in place.  ``Explorer.set`` is the code path of a slider, so lessons
and tests drive exactly what a user drives.

A run is two halves: ``_compute`` (simulate, decimate, prepare each view's
payload; touches no plot, so a served app runs it in a worker thread while
other sessions go on -- numba kernels release the GIL) and ``_publish``
(push the payloads into the Pipes, on the thread that owns the document).
This module owns construction (settings, views, pipes), parameter names and
checks, the read-outs (status line, spike count, code export) and display.
The two halves of a run are :mod:`~nbblox.ui.explore.runs`; the queue
between slider and run is :mod:`~nbblox.ui.explore.queue`; ``nb.dashboard``
wraps the same Explorer in a Panel template.
"""
from __future__ import annotations

import weakref

import numpy as np

from ..._text import counted
from ...compile.system import as_system
from ...exceptions import ParameterError, suggest
from ...limits import SERVED_MEMORY_MB
from ...model.params import check_value
from ...sim.solution import spike_times
from ...viz.timeseries import MAX_POINTS
from .common import (SERVED_RUN_SECONDS, VIEWS, default_vars, in_panel_server, resolve_state,
                     setup_if_kernel)
from .runs import Runs

__all__ = ["explore", "Explorer", "cancel_all"]


def explore(model, vars=None, t_end=200.0, dt=0.01, method="rk4", *,
            views=("timeseries",), params=None, phase=None, bifurcation=None, seed=None,
            max_points=MAX_POINTS, spike_threshold=0.0):
    """Interactive explorer: one slider per parameter and live views.

    Parameters
    ----------
    model : Blox, Circuit or System
        Compiled once; every slider move re-simulates the same System.
    vars : str or list of str, optional
        States to plot (default: the first state of each blox, up to 4).
        Short names (``"V"``) are accepted when unambiguous.
    t_end, dt, method :
        As in :func:`nbblox.simulate` (also editable in the panel).
    views : tuple of str
        Any of ``"timeseries"``, ``"raster"``, ``"phase_plane"``,
        ``"bifurcation"``, ``"live"``.
    params : dict, optional
        Starting parameter values (``reset`` returns to these).
    phase : (str, str), optional
        States on the phase-plane axes (default: first and last state of the
        first blox with two or more states).
    bifurcation : str or (str, (lo, hi)), optional
        Continuation parameter of the bifurcation view (default: the first
        parameter, over its slider range).
    seed : int, optional
        Passed to simulate and written into the exported code.
    max_points : int
        Each plotted series is min/max decimated to this many points.
    spike_threshold : float
        For systems without spike events, the status line counts upward
        crossings of this value by the first plotted variable (a spike count
        for voltages in mV).

    Returns
    -------
    Explorer

    Examples
    --------
    >>> import nbblox as nb
    >>> ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=100.0)
    >>> sol = ex.set({"fhn.I": 0.5})
    >>> ex.params["fhn.I"], ex.pipe.data["params"]["fhn.I"]
    (0.5, 0.5)
    """
    from ..._gcpause import paused
    with paused():     # the first explorer of a kernel imports and builds ~10^5 objects
        setup_if_kernel()
        return Explorer(model, vars=vars, t_end=t_end, dt=dt, method=method, views=views,
                        params=params, phase=phase, bifurcation=bifurcation, seed=seed,
                        max_points=max_points, spike_threshold=spike_threshold)


_served = weakref.WeakSet()   # explorers of live served sessions (cancel_all on shutdown)


def cancel_all():
    """Cancel the running simulation of every served explorer (server shutdown)."""
    for ex in list(_served):
        ex.cancel()


class Explorer(Runs):
    """Live parameter explorer (made by :func:`explore`).

    Attributes
    ----------
    system : System
    params : dict
        Current parameter values (floats).
    last : Solution
        The last run that succeeded (what the views show).
    error : str or None
        Message of the last failed run (the views keep ``last``).
    pipe : holoviews.streams.Pipe
        Feeds the time-series view: ``{"t", "columns", "params", "run"}``.
    timings : list of dict
        Per update: ``simulate_ms`` (kernel + decimation), ``push_ms`` (views,
        status and the message to the page), wall-clock ``recv_wall`` (first
        request) and ``sent_wall`` (used by bench/latency_explore.py).
    layout : panel.viewable.Viewable
        The whole explorer (``explorer.servable()`` serves it).
    memory_mb, seconds : float or None
        Memory budget (:func:`nbblox.limits.limited_memory`) and wall-time
        budget (:func:`nbblox.sim.control.run_control`) of each run: none in
        a notebook; in a served session ``SERVED_MEMORY_MB`` and
        ``SERVED_RUN_SECONDS``, and the run is cancelled when the browser
        session ends.
    """

    def __init__(self, model, vars=None, t_end=200.0, dt=0.01, method="rk4", *,
                 views=("timeseries",), params=None, phase=None, bifurcation=None,
                 seed=None, max_points=MAX_POINTS, spike_threshold=0.0, memory_mb=None,
                 seconds=None):
        import holoviews as hv

        from .weights import Weights, private_system
        # a private copy: sliders (and weight sliders) never change the caller's System
        self.system = s = private_system(as_system(model))
        self._weights = Weights(s)       # connection weights as sliders ("a→b")
        views = (views,) if isinstance(views, str) or callable(views) else tuple(views)
        for v in views:
            if not callable(v) and v not in VIEWS:
                raise ParameterError(f"explore: unknown view '{v}'." + suggest(v, VIEWS)
                                     + f" Views: {', '.join(VIEWS)}")
        self.views = views
        vars = default_vars(s) if vars is None else [vars] if isinstance(vars, str) else vars
        self.vars = [resolve_state(s, v) for v in vars]
        if not self.vars:
            raise ParameterError("explore: vars is empty; name at least one state")
        from ...viz.units import short_names, state_doc, state_unit
        self._units = {v: state_unit(s, v) for v in self.vars}
        self._docs = {v: state_doc(s, v) for v in self.vars}
        self._labels = dict(zip(self.vars, short_names(self.vars)))
        self.t_end, self.dt = float(t_end), float(dt)
        self.method, self.seed = method, seed
        self.max_points, self.spike_threshold = int(max_points), float(spike_threshold)
        # spikes come from the model's own events if any type has a spike condition
        self._events = any(g.btype.spike_text for g in s.layout.groups)
        self._served = served = in_panel_server()
        self.memory_mb = SERVED_MEMORY_MB if memory_mb is None and served else memory_mb
        self.seconds = SERVED_RUN_SECONDS if seconds is None and served else seconds
        self._init_queue()
        if served:
            import panel as pn
            pn.state.on_session_destroyed(lambda ctx: self.cancel(background=True))
            _served.add(self)
        self.params = {n: float(v) for n, v in zip(s.param_names, s.params.array)}
        if params:
            self.params.update(self._clean(params))
        self._start = dict(self.params)
        self._start_run = (self.t_end, self.dt, self.method)
        self.last, self.error, self.timings, self.n_runs, self.runs = None, None, [], 0, 0
        self.pipe = hv.streams.Pipe(data=None)
        self.run_pipe = hv.streams.Pipe(data=None)   # run number: raster and user views
        self._ts_panes = []   # displayed time-series panes, (pane, names): patched in place
        self._views = []      # linked views: .prepare(sol) -> payload, .send(payload)
        self._listeners = []  # plain callbacks, called with each good Solution
        if "phase_plane" in views:
            from .phase import PhasePlaneView
            self.phase_plane = PhasePlaneView(self, phase)
            self._views.append(self.phase_plane)
        if "bifurcation" in views:
            from .bifurcation import BifurcationView
            self.bifurcation = BifurcationView(self, bifurcation)
            self._views.append(self.bifurcation)
        if "live" in views:
            from .live import LiveRun
            self.live = LiveRun(self)
        self._record = list(dict.fromkeys(self.vars + (
            list(self.phase_plane.xy) if "phase_plane" in views else [])))
        if any(callable(v) for v in views):
            self._record = None   # a user's view may read any state: record them all
        self._update()  # first run fills the pipes before anything is displayed
        from .controls import Controls
        from .layout import build_layout
        self.controls = Controls(self)
        self.layout = build_layout(self)

    # -- parameters ---------------------------------------------------------------
    @property
    def weights(self):
        """Current connection weights, ``{"a→b": value}`` (set them like parameters)."""
        return dict(self._weights.values)

    def slider_names(self):
        """Everything a slider moves: the parameters, the promoted parameters of
        composites, then the connection weights."""
        return (list(self.system.param_names) + list(self.system.params.aliases)
                + list(self._weights.labels))

    def slider_info(self, name):
        """Slider metadata (range, step, unit, doc) of a parameter or a weight."""
        if name in self._weights:
            return self._weights.info(name)
        return self.system.parameter_info(name)

    def _clean(self, values):
        if not isinstance(values, dict):
            raise ParameterError(f"explorer.set takes a dict {{'blox.param': value}}, got "
                                 f"{type(values).__name__}")
        out = {}
        for k, v in values.items():
            if k in self._weights:
                out[k] = check_value(v, k)
                continue
            # a selector or promoted parameter ("*.P", "col1.g") sets each plain name
            # it matches, so every slider it moves shows its value
            for name in self.system.params.match(k):   # ParameterError with a suggestion
                hb = self.system.parameter_info(name).hard_bounds
                out[name] = check_value(v, name, None, hb)  # floats: Panel sends ints sometimes
        return out

    # -- read-outs -------------------------------------------------------------------
    def spike_count(self, sol=None):
        """Spikes of the last run: the model's spike events if it has them, else
        upward crossings of ``spike_threshold`` by the first plotted variable."""
        sol = sol or self.last
        if sol is None:
            return 0
        if self._events or len(sol.spikes["time"]):
            return int(len(sol.spikes["time"]))
        return int(spike_times(sol.t, sol[self.vars[0]], self.spike_threshold).size)

    def status(self):
        """One line: spike count and run time, or the error of the last run."""
        if self.error:
            return f"⚠ run {self.runs} failed: {self.error} (showing the last good run)"
        ms = self.timings[-1]["simulate_ms"] if self.timings else 0.0
        name = self._changed
        # the value this plot was computed with: a page (or a test) can tell a
        # settled view from one still catching up with the slider
        used = (f" ({name} = {self.last.params[name]:g})" if name in self.last.params else
                f" ({name} = {self._weights.values[name]:g})" if name in self._weights else "")
        v = self.vars[0]
        try:
            kind = self.system.circuit[v.rsplit(".", 1)[0].split("[", 1)[0]].type.kind
        except (KeyError, AttributeError, ValueError):
            kind = "neuron"
        def spikes():                                        # "1 spike", not "1 spikes"
            return counted(self.spike_count(), "spike")
        if self._events or len(self.last.spikes["time"]):
            what = spikes()                                  # the model's own spike events
        elif kind == "neuron":
            from ...viz.units import pretty_unit
            unit = pretty_unit(self._units.get(v) or "")
            what = (f"{spikes()} ({v} crossing {self.spike_threshold:g}"
                    + (f" {unit})" if unit else ")"))
        else:  # a neural mass has no spikes: say where the activity went
            a = self.last[v]
            what = f"{v} from {a.min():.4g} to {a.max():.4g}, final {a[-1]:.4g}"
        info = self.last.info
        # the method as the menu names it (lesson 14's "em", not its canonical "euler")
        method = getattr(self, "_last_method", None) or info.get("method", self.method)
        return (f"{what} · run {self.runs}{used} · {method} "
                f"dt={info.get('dt', self.dt):g} ms · simulated in {ms:.0f} ms")

    def groups(self):
        """The plotted variables split into panels: one per unit, and the ones
        without a unit by order of magnitude (V in mV apart from a gate w in 0-1),
        as in ``sol.plot()``.  Decided from the first run."""
        if getattr(self, "_groups", None) is None:
            from ...viz.timeseries import panel_groups
            arrays = [self.last[v] if self.last is not None else np.zeros(1) for v in self.vars]
            self._groups = [[self.vars[i] for i in g] for g in
                            panel_groups(self.vars, [self._units[v] for v in self.vars], arrays)]
        return self._groups

    def timeseries_view(self, group=0, height=None):
        """A live time-series DynamicMap (fed by ``pipe``): the variables of
        panel ``group`` of :meth:`groups` (``None``: all in one panel);
        ``height`` in px (default: by the number of panels)."""
        from .views import timeseries_view
        return timeseries_view(self, group, height=height)

    def tap(self, x, y):
        """Start a phase-plane trajectory at (x, y), as a click would."""
        if not hasattr(self, "phase_plane"):
            raise ParameterError("this explorer has no phase_plane view; "
                                 "use views=('timeseries', 'phase_plane')")
        return self.phase_plane.tap.event(x=float(x), y=float(y))

    def to_code(self, cell=False):
        """Python source reproducing the current figure, with a reproducibility
        stamp (nbblox/numpy/numba/holoviews versions, seed, time).

        With ``cell=True`` inside IPython the code also becomes the next cell.
        """
        from ..export import explorer_code
        code = explorer_code(self)
        if cell:
            try:
                get_ipython().set_next_input(code, replace=False)  # noqa: F821
            except NameError:
                pass
        return code

    # -- display ----------------------------------------------------------------------
    def __panel__(self):
        return self.layout

    def servable(self, title="nbblox explorer"):
        return self.layout.servable(title=title)

    def show(self, **kw):
        return self.layout.show(**kw)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from ..._gcpause import paused
        from .push import quick_comm
        with quick_comm(), paused():    # thousands of Bokeh models, no garbage worth a pass
            return self.layout._repr_mimebundle_(include, exclude)

    def __repr__(self):
        return (f"<Explorer of {self.system!r}: vars={self.vars}, views={list(self.views)}, "
                f"{counted(self.n_runs, 'run')}>")
