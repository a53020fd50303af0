"""Whole-brain observers and functional connectivity: the Balloon-Windkessel
BOLD signal computed from simulated neural activity and a linear LFP/EEG
readout (lead field of point sources or dipoles in a homogeneous volume
conductor).  The correlation matrix of BOLD (or any) signals,
``functional_connectivity``, moved to :mod:`nbblox.analysis.signals` with
the rest of the signal-analysis family and is re-exported here.

BOLD follows the hemodynamic model of Friston K.J., Mechelli A., Turner R.,
Price C.J. (2000) Nonlinear responses in fMRI: the Balloon model, Volterra
kernels, and other hemodynamics. NeuroImage 12:466-477,
doi:10.1006/nimg.2000.0630, with the parameters and revised signal equation
of Stephan K.E., Weiskopf N., Drysdale P.M., Robinson P.A., Friston K.J.
(2007) Comparing hemodynamic models with DCM. NeuroImage 38:387-401,
doi:10.1016/j.neuroimage.2007.07.040 (time in seconds inside the model)::

    ds/dt   = z - kappa*s - gamma*(f - 1)        vasodilatory signal
    df/dt   = s                                   blood inflow
    tau dv/dt = f - v**(1/alpha)                  blood volume
    tau dq/dt = f*E(f)/E0 - v**(1/alpha)*q/v      deoxyhemoglobin, E(f) = 1-(1-E0)**(1/f)
    y = V0*(k1*(1 - q) + k2*(1 - q/v) + k3*(1 - v))
    k1 = 4.3*theta0*E0*TE,  k2 = eps*r0*E0*TE,  k3 = 1 - eps

The model is integrated with classical RK4 in a compiled loop (the input is
held constant over each sample), no more than ``max_step`` ms per step; the
loop is generated from the RK4 tableau of :mod:`nbblox.compile.schemes`
(:func:`_bw_source`), as every other integrator in nbblox.

Timing of the response with :data:`BOLD_PARAMS` (values read from this
code, RK4 at 1 ms): the haemodynamic response function proper -- the
first-order Volterra kernel, i.e. the response to a small impulse, where
the model is linear -- peaks 4.53 s after the event and undershoots at
12.4 s, close to the 5 s peak of the canonical HRF.  A large impulse (area
1, i.e. ``z = 1`` for one second, concentrated in one 1 ms sample) drives
the model into its nonlinear range, which shortens the peak to 4.0 s
(Friston et al. 2000 discuss this nonlinearity).  The Friston et al. (2000)
constants of the catalog blox ``BalloonWindkessel`` (kappa = 0.65,
gamma = 0.41, tau = 0.98 s) give a faster kernel, peaking at 3.1 s.
"""
from __future__ import annotations

import math

import numpy as np

from ..exceptions import ParameterError
# functional connectivity lives with the other signal analyses; re-exported for old imports
from .signals import functional_connectivity  # noqa: F401

__all__ = ["bold", "functional_connectivity", "lead_field", "readout", "BOLD_PARAMS"]

#: Stephan et al. (2007), Table 1 (1.5 T; V0 in percent, so y is % signal change)
BOLD_PARAMS = {"kappa": 0.64, "gamma": 0.32, "tau": 2.0, "alpha": 0.32, "E0": 0.4,
               "V0": 4.0, "theta0": 40.3, "r0": 25.0, "TE": 0.04, "eps": 1.0}


#: the drift as data: ``(target, expression)`` in order, a state's derivative
#: as its index in :data:`_BW_STATES` (printed ``k<stage>_<index>``), else a
#: local; ``zk`` is the input, held over the sample
_BW_STATES = ("s", "f", "v", "q")
_BW_DRIFT = (("vpow", "v ** ialpha"),
             (0, "zk - kappa * s - gamma * (f - 1.0)"),
             (1, "s"),
             (2, "itau * (f - vpow)"),
             (3, "itau * (f * (1.0 - (1.0 - E0) ** (1.0 / f)) / E0 - vpow * q / v)"))
_BW_PARAMS = ("z", "dt", "nsub", "every", "X", "kappa", "gamma", "tau", "alpha", "E0",
              "k1", "k2", "k3", "V0", "out")
_bw_modules = {}


def _bw_source(method="rk4"):
    """Source of ``bw_run(z, dt, nsub, every, X, ...)``: the scheme ``method``
    of :data:`nbblox.compile.schemes.SCHEMES` (an explicit Runge-Kutta
    tableau, stages in scalars, :func:`nbblox.compile.steps.instance_rk_step`)
    over :data:`_BW_DRIFT`, ``nsub`` steps of ``dt`` (s) per sample of z
    (nodes, nt); X (nodes, 4) advanced in place; y written to ``out[:, j]``
    every ``every`` samples (from sample 0).  Returns (node, sample) where the
    state left its domain, or (-1, -1).

    Examples
    --------
    >>> src = _bw_source()
    >>> "xs_0 + dt / 6.0 * (k1_0 + 2.0 * k2_0 + 2.0 * k3_0 + k4_0)" in src
    True
    """
    from ..compile import schemes
    from ..compile.ir import Assign, For, Func, If, Return, Verbatim, render_lines
    from ..compile.steps import instance_rk_step
    scheme = schemes.get(method)
    if scheme.linear_part:
        raise ParameterError(f"bold() integrates with an explicit Runge-Kutta scheme, "
                             f"not {method!r}")
    S = _BW_STATES

    def stage(n, c):
        return [Assign(t if isinstance(t, str) else f"k{n + 1}_{t}", e) for t, e in _BW_DRIFT]
    body, new = instance_rk_step(scheme, S, stage)
    step = ([Assign(f"xs_{k}", x) for k, x in enumerate(S)] + body
            + [Assign(x, e) for x, e in zip(S, new)])
    sample = [If([("k % every == 0", [
        Assign("out[i, j]", "V0 * (k1 * (1.0 - q) + k2 * (1.0 - q / v) + k3 * (1.0 - v))"),
        Assign("j", 1, "+=")])]),
        Assign("zk", "z[i, k]"),
        For("_", ("nsub",), step),
        If([("not (math.isfinite(s) and f > 0.0 and v > 0.0 and q > 0.0)",
             [Return(("i", "k"))])])]
    node = [Assign(", ".join(S), ", ".join(f"X[i, {k}]" for k in range(len(S)))),
            Assign("j", 0), For("k", ("nt",), sample),
            Assign(", ".join(f"X[i, {k}]" for k in range(len(S))), ", ".join(S))]
    fn = Func("bw_run", _BW_PARAMS, [
        Assign("itau, ialpha", "1.0 / tau, 1.0 / alpha"), Assign("nn, nt", "z.shape"),
        For("i", ("nn",), node), Return((-1, -1))])
    head = ["# generated by nbblox.analysis.connectivity -- do not edit", "import math",
            "from nbblox.compile.jit import njit", ""]
    return "\n".join(render_lines([Verbatim(h) for h in head] + [fn])) + "\n"


def _bw_run(*args, method="rk4"):
    """Run the generated loop of :func:`_bw_source` (built and imported once)."""
    mod = _bw_modules.get(method)
    if mod is None:
        from ..compile.cache import load_module
        mod = _bw_modules[method] = load_module(_bw_source(method))
    return mod.bw_run(*args)


def _params(params):
    p = dict(BOLD_PARAMS)
    for k, v in (params or {}).items():
        if k not in p:
            from ..exceptions import suggest
            raise ParameterError(f"unknown Balloon-Windkessel parameter {k!r}; they are "
                                 f"{', '.join(p)}." + suggest(k, list(p)))
        p[k] = float(v)
        if not math.isfinite(p[k]):
            raise ParameterError(f"Balloon-Windkessel parameter {k} must be finite")
    for k in ("kappa", "gamma", "tau", "alpha"):
        if p[k] <= 0:
            raise ParameterError(f"Balloon-Windkessel parameter {k} must be > 0, got {p[k]}")
    if not 0 < p["E0"] < 1:
        raise ParameterError(f"E0 (resting oxygen extraction) must lie in (0, 1), got {p['E0']}")
    return p


#: what :func:`bold` returns, and in which unit (its plot's y axis: "BOLD signal change (%)")
BOLD_QUANTITY, BOLD_UNIT = "BOLD signal change", "%"


def bold(signal, dt=None, *, var=None, tr=None, scale=1.0, params=None, max_step=10.0):
    """BOLD signal of neural activity through the Balloon-Windkessel model.

    Parameters
    ----------
    signal : Solution or array
        Neural activity driving the vasodilatory signal ``z`` (``scale``
        times the activity, per second).  A Solution's recorded variables
        (or those named in ``var``) are used with its sample spacing; an
        array has shape ``(n_t,)`` or ``(n_regions, n_t)``.
    dt : float
        Sample spacing in ms (required for arrays; taken from a Solution).
    tr : float, optional
        Output sampling period in ms (e.g. 2000 for a TR of 2 s); a multiple
        of ``dt``.  Default: every input sample.
    scale : float
        Multiplies the activity before it enters the model.
    params : dict, optional
        Overrides of :data:`BOLD_PARAMS` (Stephan et al. 2007).
    max_step : float
        Largest integration step in ms (long samples are subdivided).

    Returns
    -------
    ndarray, or Solution for a Solution input
        The BOLD series (percent signal change), starting from rest
        (s = 0, f = v = q = 1) at the first sample.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.zeros(20000); z[:1000] = 1.0          # a 1 s pulse, dt = 1 ms
    >>> y = bold(z, dt=1.0)
    >>> 3000 < int(np.argmax(y)) < 7000              # peak a few seconds later
    True
    """
    from ..sim.solution import Solution
    sol = signal if isinstance(signal, Solution) else None
    if sol is not None:
        names = [var] if isinstance(var, str) else list(var or sol.names)
        z = np.array([sol[n] for n in names], dtype=np.float64)
        if sol.t.size < 2:
            raise ParameterError("the Solution has fewer than two samples")
        steps = np.diff(sol.t)
        dt = float(steps[0])
        if not np.allclose(steps, dt, rtol=1e-6, atol=1e-9):
            raise ParameterError("bold() needs evenly spaced samples (a fixed-step run)")
    else:
        z = np.asarray(signal, dtype=np.float64)
        if z.ndim not in (1, 2) or z.shape[-1] < 1:
            raise ParameterError(f"signal must have shape (n_t,) or (n_regions, n_t), "
                                 f"got {z.shape}")
    if dt is None:
        raise ParameterError("bold() needs dt (ms between samples) for an array signal")
    dt = float(dt)
    if not (math.isfinite(dt) and dt > 0):
        raise ParameterError(f"dt must be > 0 ms, got {dt}")
    if not np.all(np.isfinite(z)):
        raise ParameterError("the neural signal holds NaN or inf")
    p = _params(params)
    every = 1
    if tr is not None:
        every = int(round(float(tr) / dt))
        if every < 1 or abs(every * dt - float(tr)) > 1e-6 * float(tr):
            raise ParameterError(f"tr ({tr} ms) must be a whole multiple of dt ({dt} ms)")
    nsub = max(1, int(math.ceil(dt / float(max_step))))
    h = dt / nsub / 1000.0  # the model runs in seconds
    z2 = np.ascontiguousarray(np.atleast_2d(z) * float(scale))
    nn, nt = z2.shape
    X = np.tile(np.array([0.0, 1.0, 1.0, 1.0]), (nn, 1))
    out = np.empty((nn, (nt - 1) // every + 1))
    k1 = 4.3 * p["theta0"] * p["E0"] * p["TE"]
    k2 = p["eps"] * p["r0"] * p["E0"] * p["TE"]
    k3 = 1.0 - p["eps"]
    i, k = _bw_run(z2, h, nsub, every, X, p["kappa"], p["gamma"], p["tau"], p["alpha"],
                   p["E0"], k1, k2, k3, p["V0"], out)
    if i >= 0:
        from ..exceptions import SimulationError
        raise SimulationError(
            f"the Balloon-Windkessel model left its domain (flow, volume or "
            f"deoxyhemoglobin <= 0) for signal {i} at t = {k * dt:g} ms: the input is "
            "too negative or too large; use scale= to bring it to order 1")
    if sol is None:
        return out[0] if z.ndim == 1 else out
    t = sol.t[0] + np.arange(out.shape[1]) * every * dt
    # what the series is, for its plot's axis and title (the names "bold(r0.E)" are no
    # blox.state paths: the axis said "E)")
    return Solution(t, [f"bold({n})" for n in names], out, params=dict(p),
                    info=dict(sol.info, observer="balloon-windkessel", tr=every * dt,
                              quantity=BOLD_QUANTITY, unit=BOLD_UNIT))


def lead_field(sources, sensors, orientations=None, sigma=0.33):
    """Gain matrix (n_sensors, n_sources) of an infinite homogeneous volume
    conductor, positions in mm, ``sigma`` in S/m.

    Without ``orientations`` each source is a point current source (LFP):
    ``V = I / (4 pi sigma r)``; with unit ``orientations`` (n_sources, 3) a
    current dipole (EEG/MEG-style): ``V = p . r_hat / (4 pi sigma r**2)``
    (Nunez P.L., Srinivasan R. (2006) Electric Fields of the Brain, 2nd ed.,
    Oxford University Press, ch. 2; for LFP: Einevoll G.T. et al. (2013)
    Nat. Rev. Neurosci. 14:770-785, doi:10.1038/nrn3599).  Units: volts per
    ampere (or per A*m for dipoles), distances converted from mm to m.

    Examples
    --------
    >>> G = lead_field([[0, 0, 0]], [[0, 0, 10]])      # 10 mm away
    >>> round(float(G[0, 0]), 3)                       # 1/(4 pi 0.33 S/m 0.01 m)
    24.114
    """
    src = np.asarray(sources, dtype=np.float64)
    sen = np.asarray(sensors, dtype=np.float64)
    if src.ndim != 2 or src.shape[1] != 3 or sen.ndim != 2 or sen.shape[1] != 3:
        raise ParameterError(f"sources and sensors must be (n, 3) positions in mm, got "
                             f"{src.shape} and {sen.shape}")
    if not (np.all(np.isfinite(src)) and np.all(np.isfinite(sen))):
        raise ParameterError("source or sensor positions hold NaN or inf")
    sigma = float(sigma)
    if not (math.isfinite(sigma) and sigma > 0):
        raise ParameterError(f"sigma (conductivity, S/m) must be > 0, got {sigma}")
    d = (sen[:, None, :] - src[None, :, :]) * 1e-3          # metres
    r = np.linalg.norm(d, axis=-1)
    if np.any(r == 0):
        i, j = np.argwhere(r == 0)[0]
        raise ParameterError(f"sensor {i} sits on source {j}: the potential is infinite")
    if orientations is None:
        return 1.0 / (4.0 * np.pi * sigma * r)
    ori = np.asarray(orientations, dtype=np.float64)
    if ori.shape != src.shape:
        raise ParameterError(f"orientations must have the sources' shape {src.shape}, "
                             f"got {ori.shape}")
    return np.einsum("sjk,jk->sj", d, ori) / (4.0 * np.pi * sigma * r ** 3)


def readout(signals, gain, *, var=None):
    """Linear sensor signals ``gain @ activity`` (LFP/EEG-style readout).

    ``signals`` is an array (n_sources, n_t) or a Solution (its recorded
    variables, or ``var``); a Solution gives a Solution of ``sensor0`` ...

    Examples
    --------
    >>> import numpy as np
    >>> readout(np.array([[1.0, 2.0], [3.0, 4.0]]), [[1.0, -1.0]]).tolist()
    [[-2.0, -2.0]]
    """
    from ..sim.solution import Solution
    sol = signals if isinstance(signals, Solution) else None
    if sol is not None:
        names = [var] if isinstance(var, str) else list(var or sol.names)
        x = np.array([sol[n] for n in names], dtype=np.float64)
    else:
        x = np.asarray(signals, dtype=np.float64)
    G = np.asarray(gain, dtype=np.float64)
    if x.ndim != 2 or G.ndim != 2 or G.shape[1] != x.shape[0]:
        raise ParameterError(f"gain {G.shape} does not match signals {x.shape}: it must "
                             "be (n_sensors, n_sources)")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(G))):
        raise ParameterError("signals or gain hold NaN or inf")
    y = G @ x
    if sol is None:
        return y
    return Solution(sol.t, [f"sensor{k}" for k in range(y.shape[0])], y,
                    params=sol.params, info=dict(sol.info, observer="linear readout"))
