"""The equilibrium a continuation starts from, found without help.

In order: a given ``start`` or ``x0`` (Newton from it); the equilibria that
:func:`fixed_points` finds in its box around the initial state (the one
nearest the initial state when there are several, with a warning naming the
others); otherwise the state the model *relaxes to*: integrate from the
initial state (scipy's LSODA with the analytic Jacobian, over 10, 100, 1000
and 10^4 ms) until Newton from the end state converges to that state (the
run has settled); if it never settles, Newton from the mean of the last
half of the trajectory (the mean of a limit cycle lies near the
equilibrium inside it).  A custom blox whose states start at 0 (far from its
rest state, e.g. Morris-Lecar at V = 0 mV) is thereby handled like a catalog
one.  Once found this way, a wider :func:`fixed_points` search around it
reports any other equilibria at the start value.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import NbbloxError
from .fixedpoints import newton_polish, fixed_points

__all__ = ["start_point", "relax_to_equilibrium"]

#: integration spans tried in turn (ms)
RELAX_SPANS = (10.0, 100.0, 1000.0, 10_000.0)
#: right-hand-side evaluations allowed in all (a few seconds at most)
MAX_EVALUATIONS = 50_000


class _GiveUp(Exception):
    pass


def relax_to_equilibrium(prob, x0, p, spans=RELAX_SPANS):
    """An equilibrium reached from ``x0`` by integration + Newton.

    Returns ``(x, t, settled)``: the equilibrium, the time integrated (ms)
    and whether the run settled there (False: it is the equilibrium inside
    the oscillation the run ended on); or a sentence saying why none was
    reached.
    """
    from scipy.integrate import solve_ivp
    x = np.asarray(x0, float).copy()
    big = 1e8 * (1.0 + float(np.max(np.abs(x))))
    calls = [0]

    def f(t, y):
        calls[0] += 1
        if calls[0] > MAX_EVALUATIONS:    # a blow-up makes LSODA crawl: give up
            raise _GiveUp
        return prob.f(y, p)

    def escaped(t, y):                    # a diverging run ends at |x| = big
        return big - float(np.max(np.abs(y)))
    escaped.terminal = True
    jac = lambda t, y: prob.J(y, p)        # noqa: E731
    t_done = 0.0
    for span in spans:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                sol = solve_ivp(f, (0.0, span), x, method="LSODA", jac=jac, rtol=1e-6,
                                atol=1e-9, events=escaped)
            except _GiveUp:
                return (f"integrating from it for {t_done + span:g} ms took more than "
                        f"{MAX_EVALUATIONS} steps without settling (a blow-up or a fast "
                        "oscillation)")
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
                return f"integrating from it failed ({exc})"
        if sol.status == 1:               # escaped: diverging
            return (f"integrating from it diverges (|x| > {big:.3g} at t = "
                    f"{t_done + sol.t[-1]:.4g} ms)")
        if sol.y.size == 0 or not np.all(np.isfinite(sol.y[:, -1])):
            return "integrating from it gives NaN or inf"
        t_done += span
        end = sol.y[:, -1]
        with np.errstate(all="ignore"):
            xe, ok = newton_polish(prob, end.copy(), p)
        # accept only where the run has settled: Newton from a state still on its
        # way can land on an equilibrium the trajectory is leaving (a repeller)
        if ok and np.all(np.isfinite(xe)) and _near(xe, end):
            return xe, t_done, True
        x = end
        if not sol.success:
            return f"integrating from it failed ({sol.message})"
    half = sol.t >= 0.5 * sol.t[-1]
    if half.sum() > 2:   # it never settled: the centre of its last half (a cycle's)
        w = np.gradient(sol.t[half])
        with np.errstate(all="ignore"):
            xe, ok = newton_polish(prob, (sol.y[:, half] * w).sum(axis=1) / w.sum(), p)
        if ok and np.all(np.isfinite(xe)):
            return xe, t_done, False
    return (f"integrating from it for {t_done:g} ms reached none (it may oscillate around "
            "no equilibrium)")


def _near(a, b, rtol=1e-4):
    return bool(np.all(np.abs(a - b) <= rtol * (1.0 + np.abs(a))))


def _fmt(s, x):
    return ", ".join(f"{n}={v:.4g}" for n, v in list(zip(s.state_names, x))[:4])


def start_point(prob, x0, start):
    """The start equilibrium of a continuation (see the module docstring)."""
    s, p = prob.s, prob.p0
    if start is not None:
        return np.asarray(start.x, float)
    if x0 is not None:
        guess = s.initial_state(x0)
        with np.errstate(all="ignore"):
            x, ok = newton_polish(prob, guess, p)
        if not ok:
            raise NbbloxError("continuation: Newton from the given x0 did not converge to an "
                              "equilibrium; give a better x0 (e.g. the end of a simulation)")
        return x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fps = fixed_points(s, params=dict(zip(s.param_names, p)))
    if len(fps) == 1 and fps[0].stable:     # the usual case: the model starts near rest
        return fps[0].x
    found = relax_to_equilibrium(prob, s.x0, p)
    if not isinstance(found, str) and (found[2] or not fps):
        x, t_done, settled = found
        _others(prob, x, t_done, fps, settled)
        return x
    if fps:                                 # it never settles: the nearest one found
        pick = fps[int(np.argmin([np.linalg.norm(f.x - s.x0) for f in fps]))]
        if len(fps) > 1:
            why = (found if isinstance(found, str) else
                   f"the initial state does not settle in {found[1]:g} ms")
            warnings.warn(f"continuation: {len(fps)} equilibria at the start value and "
                          f"{why}; starting from the one nearest the initial state "
                          f"({pick}); pass x0= to choose", RuntimeWarning, stacklevel=3)
        return pick.x
    with np.errstate(all="ignore"):
        x, ok = newton_polish(prob, s.x0.copy(), p)
    if ok:
        return x
    raise NbbloxError(
        "continuation: no equilibrium at the start value: none in the box around the "
        f"initial state ({_fmt(s, s.x0)}), and {found}; pass x0= (a state near an "
        "equilibrium)")


def _others(prob, x, t_done, near, settled=True):
    """Warn when the start value has other equilibria than the one relaxed to
    (those found near the initial state and in a box around both)."""
    s, p = prob.s, prob.p0
    lo, hi = np.minimum(x, s.x0), np.maximum(x, s.x0)
    pad = np.maximum(0.5 * (hi - lo), np.maximum(1.0, 0.1 * np.abs(x)))
    bounds = {n: (a - d, b + d) for n, a, b, d in zip(s.state_names, lo, hi, pad)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fps = fixed_points(s, params=dict(zip(s.param_names, p)), bounds=bounds)
    others = []
    for f in list(near) + fps:
        if all(np.linalg.norm(f.x - y) > 1e-6 * (1 + np.linalg.norm(y))
               for y in [x] + [o.x for o in others]):
            others.append(f)
    how = (f"the one the initial state relaxes to in {t_done:g} ms" if settled else
           f"the one inside the oscillation the initial state reaches in {t_done:g} ms")
    if others:
        warnings.warn(
            f"continuation: {len(others) + 1} equilibria at the start value; starting from "
            f"{how} ({_fmt(s, x)}); the "
            "others: " + "; ".join(f"{_fmt(s, f.x)} ({f.stability})" for f in others[:4]) +
            ". Pass x0= to continue another", RuntimeWarning, stacklevel=4)
    elif not settled:
        warnings.warn(f"continuation: the initial state does not settle in {t_done:g} ms; "
                      f"starting from the equilibrium inside its oscillation ({_fmt(s, x)})",
                      RuntimeWarning, stacklevel=4)
