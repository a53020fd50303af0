"""Fixed-step integration schemes, declared once as data.

A :class:`Scheme` is an explicit Runge-Kutta :class:`Tableau` plus the facts a
user chooses a method by: its order, whether it integrates white noise and in
which calculus (Ito or Stratonovich, with its strong order), its aliases and
the backends that run it.  Every backend builds its loop from this table and
from nothing else: the numba kernels (``run_<m>`` in
:mod:`nbblox.compile.codegen`, ``run_<m>_full`` in :mod:`nbblox.compile.netcode`),
the forward-sensitivity kernels, the NumPy reference backend
(:func:`rk_step`, used by :mod:`nbblox.sim.simulate` and
:mod:`nbblox.sim.reference_net`), and the CPU and CUDA sweeps.  Adding an
explicit Runge-Kutta scheme is one :class:`Scheme` entry in :data:`SCHEMES`.

With white noise ``dx = f dt + g dW`` a stage's increment carries the same
tableau weights on the noise, ``x + dt sum_j a_ij k_j + sum_j a_ij g_j dW``
(and ``b`` for the step), with one Wiener increment ``dW ~ N(0, dt)`` per
step: Euler gives Euler-Maruyama (Ito), Heun the stochastic Heun method,
which converges to the Stratonovich solution (Kloeden & Platen 1992, Numerical
Solution of Stochastic Differential Equations, ch. 10 and 15).

*Exponential* schemes take one stage ``k1 = f(x)`` and step
``x + dt phi1(dt A) k1`` with ``phi1(z) = (e^z - 1)/z`` (``exprel``), where
``A`` is the part of the drift linear in the states (:attr:`Scheme.linear_part`):

* ``"diagonal"``: ``A_k = df_k/dx_k`` at the start of the step; each
  equation must be linear in its own variable (gating variables,
  conductance-based membrane potentials).  This is Brian2's
  ``exponential_euler``: ``x + (x + B/A)(e^{A dt} - 1)`` with ``f = A x + B``,
  written through ``exprel`` so that ``A -> 0`` is Euler, not 0/0.
* ``"constant"``: ``A`` is a blox's whole Jacobian, which must not depend on
  its states, on time or on its inputs: ``f = A x + b(inputs)``.  The step is
  then exact (inputs held over the step), as Brian2's ``exact``/``linear``
  method; ``phi1(dt A)`` is computed once per call for every instance.

Both are decided symbolically when the kernels are generated
(:func:`linear_parts`); an equation that does not qualify is refused by
:func:`check` with its line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..exceptions import EquationError, SimulationError

__all__ = ["Tableau", "Scheme", "SCHEMES", "NAMES", "STOCHASTIC", "get", "resolve", "select",
           "combination", "rk_step", "linear_parts", "check", "BACKENDS"]

F = Fraction

#: where a scheme can run: ``numba`` (run_<m> and run_<m>_full kernels, and the
#: CPU sweep, which calls them), ``numpy`` (reference backend), ``cuda`` (GPU
#: sweep), ``sensitivity`` (forward sensitivities)
BACKENDS = frozenset({"numba", "numpy", "cuda", "sensitivity"})


@dataclass(frozen=True)
class Tableau:
    """Butcher tableau of an explicit Runge-Kutta method.

    ``a[i]`` holds the ``i`` coefficients of stage ``i`` on the earlier stages
    (``a[0] == ()``), ``b`` the weights of the step; the stage times are
    ``c_i = sum_j a[i][j]`` (consistency).

    Examples
    --------
    >>> Tableau(a=((), (F(1, 2),)), b=(F(0), F(1))).c
    (Fraction(0, 1), Fraction(1, 2))
    """

    a: tuple
    b: tuple

    def __post_init__(self):
        if len(self.a) != len(self.b) or any(len(r) != i for i, r in enumerate(self.a)):
            raise ValueError("tableau: a must be strictly lower triangular, one row per "
                             "weight in b")
        if sum(self.b) != 1:
            raise ValueError("tableau: the weights b must sum to 1")

    @property
    def stages(self):
        return len(self.b)

    @property
    def c(self):
        return tuple(sum(r, F(0)) for r in self.a)


@dataclass(frozen=True)
class Scheme:
    """One fixed-step method.

    Attributes
    ----------
    name : str
        What ``method=`` takes (kernels are ``run_<name>``).
    title : str
        One line for documentation and messages.
    tableau : Tableau
        The stages.
    order : int or None
        Order of the global error on smooth ODEs; None for ``exact``
        (exact for its class of equations).
    noise : str or None
        ``"ito"`` or ``"stratonovich"``: the calculus its noisy solution
        converges to; None: refuses equations with ``xi``.
    strong_order : float or None
        Strong order with (multiplicative) white noise.
    sde_title : str
        Its name as an SDE method (``"Euler-Maruyama"``).
    linear_part : str or None
        ``"diagonal"`` or ``"constant"`` for exponential schemes (see module).
    aliases : tuple of str
        Other accepted names (case-insensitive).
    backends : frozenset
        Subset of :data:`BACKENDS`.
    citation : str
        Where the method comes from.
    """

    name: str
    title: str
    tableau: Tableau
    order: int | None
    noise: str | None = None
    strong_order: float | None = None
    sde_title: str = ""
    linear_part: str | None = None
    aliases: tuple = ()
    backends: frozenset = field(default=BACKENDS)
    citation: str = ""

    def __post_init__(self):
        if self.noise and not self.sde_title:
            raise ValueError("a stochastic scheme needs sde_title")
        if self.linear_part not in (None, "diagonal", "constant"):
            raise ValueError(f"unknown linear_part {self.linear_part!r}")
        if self.linear_part and (self.tableau.stages != 1 or self.noise):
            raise ValueError("exponential schemes have one stage and no noise")
        if not self.backends <= BACKENDS:
            raise ValueError(f"unknown backends {set(self.backends) - BACKENDS}")

    def sde_choice(self):
        """``'em'/'euler' (Euler-Maruyama, Ito)``: how messages offer it."""
        names = "/".join(f"'{n}'" for n in (*self.aliases[:1], self.name))
        return f"{names} ({self.sde_title}, {self.noise.capitalize()})"

    @property
    def fused(self):
        """One stage: the kernels write the new state in the pass that
        evaluates the drift (no stage arrays)."""
        return self.tableau.stages == 1


EULER = Scheme(
    "euler", "forward Euler; Euler-Maruyama with noise",
    Tableau(a=((),), b=(F(1),)), order=1, noise="ito", strong_order=0.5,
    sde_title="Euler-Maruyama", aliases=("em", "euler_maruyama", "euler-maruyama"),
    citation="Euler (1768); Maruyama (1955) Rend Circ Mat Palermo 4:48")
HEUN = Scheme(
    "heun", "Heun's method (explicit trapezoidal RK2); stochastic Heun with noise",
    Tableau(a=((), (F(1),)), b=(F(1, 2), F(1, 2))), order=2, noise="stratonovich",
    strong_order=0.5, sde_title="stochastic Heun", aliases=("stochastic_heun",),
    citation="Heun (1900) Z Math Phys 45:23; Kloeden & Platen (1992) sec. 15.1")
RK4 = Scheme(
    "rk4", "classical fourth-order Runge-Kutta",
    Tableau(a=((), (F(1, 2),), (F(0), F(1, 2)), (F(0), F(0), F(1))),
            b=(F(1, 6), F(1, 3), F(1, 3), F(1, 6))), order=4,
    citation="Kutta (1901) Z Math Phys 46:435")

#: every fixed-step scheme, in the order menus show them
SCHEMES = (EULER, HEUN, RK4)
NAMES = tuple(s.name for s in SCHEMES)
#: schemes that integrate white noise
STOCHASTIC = tuple(s.name for s in SCHEMES if s.noise)
_BY_NAME = {n.lower(): s for s in SCHEMES for n in (s.name, *s.aliases)}


def select(*, noise=None, exponential=None, backend=None, order=None):
    """Names of the schemes with these properties (None: either), as tests
    parametrise over them: ``noise=True`` integrates white noise,
    ``exponential=False`` explicit Runge-Kutta only, ``backend="cuda"`` runs
    there, ``order=2`` of order 2 or more.

    Examples
    --------
    >>> select(noise=True)
    ('euler', 'heun')
    """
    return tuple(s.name for s in SCHEMES
                 if (noise is None or bool(s.noise) == noise)
                 and (exponential is None or bool(s.linear_part) == exponential)
                 and (backend is None or backend in s.backends)
                 and (order is None or (s.order or 0) >= order))


def get(name):
    """The :class:`Scheme` called ``name`` (or an alias), None if there is none.

    Examples
    --------
    >>> get("EM").name, get("rk4").order, get("RK45")
    ('euler', 4, None)
    """
    return _BY_NAME.get(str(name).lower())


def resolve(name, backend="numba"):
    """The scheme ``name`` names, refused with the choices if unknown or not
    run by ``backend``."""
    s = get(name)
    if s is None:
        raise SimulationError(f"unknown fixed-step method {name!r}; choose one of "
                              f"{', '.join(NAMES)}")
    if backend not in s.backends:
        runs = [x.name for x in SCHEMES if backend in x.backends]
        raise SimulationError(f"method {s.name!r} does not run on the {backend} backend; "
                              f"it runs {', '.join(runs)}")
    return s


# ---------------------------------------------------------------- printing

def _num(v):
    return repr(float(v))


def _sum(terms):
    """``(k1[i] + 2.0 * k2[i])`` for [(1, "k1[i]"), (2, "k2[i]")] (integer weights)."""
    out = []
    for w, name in terms:
        out.append(name if w == 1 else f"{_num(w)} * {name}")
    return out[0] if len(out) == 1 else "(" + " + ".join(out) + ")"


def _weighted(coefs, names, scale):
    """``scale`` times sum coefs * names, printed with a common denominator:
    ``dt / 6.0 * (k1[i] + 2.0 * k2[i] + ...)`` or ``0.5 * dt * k1[i]``."""
    terms = [(F(c), n) for c, n in zip(coefs, names) if c != 0]
    if not terms:
        return None
    if len(terms) == 1:
        c, n = terms[0]
        head = scale if c == 1 else f"{_num(c)} * {scale}" if scale else _num(c)
        return f"{head} * {n}" if head else n
    den = 1
    for c, _ in terms:
        den = den * c.denominator // _gcd(den, c.denominator)
    ints = [(int(c * den), n) for c, n in terms]
    if den == 1:
        return f"{scale} * {_sum(ints)}" if scale else _sum(ints)
    return (f"{scale} / {_num(den)} * {_sum(ints)}" if scale
            else f"{_sum(ints)} / {_num(den)}")


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def combination(coefs, base="x", idx="i", noise=False):
    """Python text of ``base + dt sum_j coefs_j k_j (+ sum_j coefs_j g_j dW)``
    at index ``idx``: a stage's input (coefs = a row) or the step (coefs = b).

    Examples
    --------
    >>> combination(RK4.tableau.b)
    'x[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])'
    >>> combination(HEUN.tableau.a[1], base="x", noise=True)
    'x[i] + dt * k1[i] + g1[i] * dW[i]'
    """
    ks = [f"k{j + 1}[{idx}]" for j in range(len(coefs))]
    out = f"{base}[{idx}]"
    drift = _weighted(coefs, ks, "dt")
    if drift:
        out += f" + {drift}"
    if noise:
        gs = [f"g{j + 1}[{idx}]" for j in range(len(coefs))]
        diff = _weighted(coefs, gs, "")
        if diff:
            out += f" + {diff} * dW[{idx}]"
    return out


def stage_time(c, t="t"):
    """``t``, ``t + 0.5 * dt``, ``t + dt``: the time of a stage at ``c``."""
    if c == 0:
        return t
    return f"{t} + dt" if c == 1 else f"{t} + {_num(c)} * dt"


# ---------------------------------------------------------- NumPy reference

def rk_step(scheme, f, t, x, dt, dW=None):
    """One step of an explicit Runge-Kutta ``scheme`` in NumPy, the reference
    backend's loop: ``f(t, y, stage)`` returns the drift, or with noise
    (``dW`` given) the pair (drift, diffusion).

    Examples
    --------
    >>> import numpy as np
    >>> y = rk_step(RK4, lambda t, y, s: -y, 0.0, np.array([1.0]), 0.1)
    >>> bool(abs(y[0] - np.exp(-0.1)) < 1e-7)
    True
    """
    tab = scheme.tableau
    ks, gs = [], []
    for s, (row, c) in enumerate(zip(tab.a, tab.c)):
        y = x
        for aj, kj in zip(row, ks):
            if aj:
                y = y + float(aj) * dt * kj
        for aj, gj in zip(row, gs):
            if aj:
                y = y + float(aj) * gj * dW
        r = f(t + float(c) * dt, y, s)
        if dW is None:
            ks.append(r)
        else:
            ks.append(r[0])
            gs.append(r[1])
    new = x + dt * sum(float(bj) * kj for bj, kj in zip(tab.b, ks) if bj)
    if dW is not None:
        new = new + sum(float(bj) * gj for bj, gj in zip(tab.b, gs) if bj) * dW
    return new


# ------------------------------------------------------- exponential schemes

def linear_parts(scheme, ex):
    """The linear part ``A`` of a group's drift for an exponential scheme.

    ``ex`` is :func:`nbblox.compile.codegen.group_expressions` of the group.
    Returns ``(A, None)``, ``A`` the list ``[df_k/dx_k]`` (diagonal) or the
    matrix ``[[df_k/dx_l]]`` (constant), or ``(None, (k, why))`` for the
    first state ``k`` whose equation does not qualify.
    """
    import sympy as sp
    S, f = ex["S"], ex["f"]
    t = sp.Symbol("t_s", real=True)
    if scheme.linear_part == "diagonal":
        A = [sp.diff(fk, s) for s, fk in zip(S, f)]
        for k, (s, a) in enumerate(zip(S, A)):
            if s in a.free_symbols:
                return None, (k, "is not linear in its own variable")
        return A, None
    M = [[sp.diff(fk, s) for s in S] for fk in f]
    for k, row in enumerate(M):
        dep = set().union(*(e.free_symbols for e in row)) if row else set()
        if dep & set(S):
            return None, (k, "is not linear in the states")
        if t in f[k].free_symbols:
            return None, (k, "depends on the time t")
        if dep & set(ex["U"]):
            return None, (k, "has a coefficient that depends on an input")
    return M, None


def check(scheme, layout, exs=None):
    """Refuse a layout that ``scheme`` cannot integrate, naming the blox and
    the equation line (exponential schemes need linear equations).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> check(get("rk4"), s.layout)   # explicit RK: anything goes
    """
    if scheme.linear_part is None:
        return
    from .codegen import group_expressions
    exs = exs or [group_expressions(g.btype) for g in layout.groups]
    for g, ex in zip(layout.groups, exs):
        _, bad = linear_parts(scheme, ex)
        if bad is None:
            continue
        state = g.btype.states[bad[0]]
        if scheme.linear_part == "diagonal":
            need, alt = ("every equation linear in its own variable (dX/dt = A*X + B, "
                         "A and B free of X)", "'rk4' or 'heun'")
        else:
            need, alt = ("linear equations with constant coefficients (dX/dt = A X + b, "
                         "A free of the states, t and the inputs)",
                         "'exponential_euler' or 'rk4'")
        raise EquationError(f"method '{scheme.name}' needs {need}; d{state}/dt {bad[1]}. "
                            f"Use {alt}.", blox=g.btype.name,
                            line=g.btype.eqs.lines.get(state))
