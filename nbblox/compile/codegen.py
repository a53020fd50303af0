"""Generate Python source for the numba kernels of a circuit.

The source is built from SymPy expressions (never from user text): every
user symbol is replaced by a generated local name (``s0``, ``q3``, ``u0``)
before printing, so identifiers in the output are all ours.  The module
holds ``rhs``, ``jac`` and the fixed-step loops; the model body is pasted
into each loop.

Kernel signatures (stable: nbblox.sim and sweeps call them)::

    rhs(t, x, p, w, src, dst, dx, u, o)        # drift only; delayed edges as undelayed
    run_<m>(x, p, w, src, dst, t0, dt, nsteps, stride, rec, out_t, out_x)
        -> (steps_done, bad_state_or_-1, n_recorded)   m: every scheme of schemes.SCHEMES
    run_<m>_full(x, p, w, src, dst, dls, t0, dt, step0, nsteps, stride, rec,
                 out_t, out_x, j0, seed, hist, refr, hold, tref, syn_ptr, syn_post,
                 syn_w, syn_d, ring, spk_i, spk_t, nspk0, pl_par, pl_tr, pl_tl,
                 rev_ptr, rev_pre, rev_syn, syn_c, syn_ct, pl_d)
        -> (step, status, n_recorded, n_spikes)

``run_<m>`` serves circuits without spikes, delays or noise
(``layout.needs_full_kernel`` False).  ``run_<m>_full`` serves every
circuit (see :mod:`nbblox.compile.netcode`; ``nbblox.sim.events.run_full``
builds its arguments): ``dls`` per-edge delay in steps (0 = instant),
``step0``/``j0``/``nspk0`` resume a run, ``seed`` int >= 0 for the noise,
``hist`` (H, n_outputs) delay history with H > max(dls) + 1, ``refr``/``hold``
(n_states) refractory state initialised to -1 / 0, ``tref`` refractory steps
per group, ``syn_*`` the concatenated CSR of the spiking projections
(``syn_d`` delay in steps as float), ``ring`` (D, n_states) delayed spike
effects (D > max(syn_d) + 1; (1, 1) when nothing is delayed), ``spk_i``/
``spk_t`` the spike buffer, ``pl_*``/``rev_*``/``syn_c``/``syn_ct``
plasticity (see :mod:`nbblox.compile.plastcode`).  status: -1 done, >= 0 index of a non-finite
state, -2 spike buffer full (drain it and call again from ``step``),
<= -100 the reset of group -100-status leaves the spike condition true.
With noise, ``euler`` is Euler-Maruyama and ``heun`` stochastic Heun.

The loops are built from :mod:`nbblox.compile.schemes`: a multi-stage scheme
evaluates each stage into ``k<s>`` and combines them as its tableau says
(:func:`nbblox.compile.steps.rk_lines`); a single-stage one writes the new
state in the pass that evaluates the drift (:func:`fused_exprs`).
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ..model.symbolic import interp
from .expressions import group_expressions, reads_inputs
from .hoist import Hoist
from .schemes import SCHEMES, applicable, fused_update, linear_parts
from .steps import clip_lines, rk_lines, stage_arrays, stage_time

__all__ = ["generate_source", "group_expressions", "pycode", "fused_exprs", "phi_preamble"]


class _KernelPrinter(PythonCodePrinter):
    """Python printer tuned for numba: math.* calls, cheap integer powers."""

    def __init__(self):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})

    def _print_Pow(self, expr, rational=False):
        base, e = expr.as_base_exp()
        if e.is_Integer and 2 <= int(e) <= 4:
            b = self.parenthesize(base, 100)
            return "(" + "*".join([b] * int(e)) + ")"
        if e.is_Integer and int(e) == -1:
            return f"(1.0/{self.parenthesize(base, 100)})"
        if e == sp.Rational(1, 2):
            return f"math.sqrt({self._print(base)})"
        return f"({self.parenthesize(base, 100)}**{self.parenthesize(e, 100)})"

    def _print_DiracDelta(self, expr):
        # the derivative of heaviside() in a Jacobian: zero wherever it is defined
        return "0.0"

    def _print_Heaviside(self, expr):
        return f"(1.0 if ({self._print(expr.args[0])}) >= 0.0 else 0.0)"

    def _print_exprel(self, expr):
        return f"exprel({self._print(expr.args[0])})"

    def _print_exprel1(self, expr):
        return f"exprel1({self._print(expr.args[0])})"

    def _print_rand(self, expr):
        # spike conditions only (checked when the blox type is built): ``gid`` is
        # the neuron's global spike id in the threshold loop of netcode.py
        return "urand(seed, step * N_SPIKING + gid)"

    def _print_interp(self, expr):
        # table of interp(): a<j> is the p-index of parameter q<j> of instance i
        # (see _loads); consecutive samples are one group-size apart
        x, t0, t1, v0, k = expr.args
        a = lambda q: "a" + q.name[1:]
        return (f"tinterp(p, {a(t0)}, {a(t1)} - {a(t0)}, {a(v0)}, {int(k)}, "
                f"{self._print(x)})")

    def _print_Rational(self, expr):
        return f"({float(expr)!r})"

    def _print_Integer(self, expr):
        return f"{float(int(expr))!r}"

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Exp1(self, expr):
        return "math.e"

    def _print_Pi(self, expr):
        return "math.pi"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"


_printer = _KernelPrinter()
def pycode(expr):
    return _printer.doprint(expr)


def _body(targets, exprs, indent):
    """CSE'd assignments ``target = expr`` (targets are code strings)."""
    pad = " " * indent
    repl, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("c"), optimizations=None)
    lines = [f"{pad}{sym} = {pycode(e)}" for sym, e in repl]
    lines += [f"{pad}{tgt} = {pycode(e)}" for tgt, e in zip(targets, reduced)]
    return lines


def _loads(g, ex, exprs, indent):
    used = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    pad, n = " " * indent, g.n
    out = []
    for k, s in enumerate(ex["S"]):
        if s in used:
            out.append(f"{pad}{s} = x[{g.xoff + k * n} + i]")
    # interp() reads its table from p: it needs the slots of three parameters
    addr = {a for e in exprs for f in e.atoms(interp) for a in f.args[1:4]}
    for j, q in enumerate(ex["Q"]):
        if q in used:
            out.append(f"{pad}{q} = p[{g.poff + j * n} + i]")
        if q in addr:
            out.append(f"{pad}a{j} = {g.poff + j * n} + i")
    for m, u in enumerate(ex["U"]):
        if u in used:
            out.append(f"{pad}{u} = u[{g.uoff + m * n} + i]")
    return out


def _zero_safe(expr):
    return expr if expr != 0 else sp.Float(0.0)


def _output_lines(layout, exs, xn, indent, hz=None, only=None):
    """Every blox's outputs into o[], read from state array ``xn``
    (``hz``: a :class:`~nbblox.compile.hoist.Hoist` for a time loop;
    ``only``: just these group indices)."""
    pad = " " * indent
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if ex["out"] and (only is None or gi in only):
            L.append(f"{pad}for i in range({g.n}):  # outputs of group {gi}")
            B = [ln.replace("x[", f"{xn}[") for ln in _loads(g, ex, ex["out"], indent + 4)]
            tg = [f"o[{g.ooff + q * g.n} + i]" for q in range(len(ex["out"]))]
            B += _body(tg, [_zero_safe(e) for e in ex["out"]], indent + 4)
            L += hz.apply(gi, g, B) if hz is not None else B
    return L


def output_passes(layout, exs, xn, indent, sums, hz=None):
    """Outputs and input sums of one stage, in dependency order.

    Without outputs that read inputs: every output, then ``sums`` (the
    lines that sum the inputs), the kernel text as it always was.  With
    them, as the reference backend (``ReferenceKernels.couple``): the
    inputs at 0, every output, the sums, then once per such group (the
    longest chain) those groups' outputs again and the sums, so an output
    reads its inputs at this stage's state, not the previous stage's.
    """
    pad = " " * indent
    reads = reads_inputs(exs)
    L = [f"{pad}for ii in range(N_INPUTS):", f"{pad}    u[ii] = 0.0"] if reads else []
    L += _output_lines(layout, exs, xn, indent, hz) + sums
    for _ in reads:
        L += _output_lines(layout, exs, xn, indent, hz, only=reads) + sums
    return L


def _couple_lines(layout, exs, xn, indent, planned=False, hz=None):
    """Outputs of every blox, then the weighted sums into the inputs
    (:func:`output_passes`).

    ``planned``: the loop called :func:`nbblox.compile.plan.edge_plan` at
    entry (``PLAN_LINE``), so each input is accumulated in a register, from
    a dense window ``WD`` (mode 2) or CSR by target.
    """
    pad = " " * indent
    if planned:
        sums = _sum_lines(pad, "cmode", "cptr", "csrc", "cw", "WD", "a0", "b0")
    else:
        sums = [f"{pad}for ii in range(N_INPUTS):", f"{pad}    u[ii] = 0.0",
                f"{pad}for e in range(src.shape[0]):",
                f"{pad}    u[dst[e]] += w[e] * o[src[e]]"]
    return output_passes(layout, exs, xn, indent, sums, hz)


PLAN_LINE = "    cmode, cptr, csrc, cw, WD, a0, b0 = edge_plan(w, src, dst, N_INPUTS)"


def _sum_lines(pad, mode, ptr, csrc, cw, WD, a0, b0):
    """u[a] = sum of weight * output over a's edges (dense or CSR)."""
    return [f"{pad}if {mode} == 2:",
            f"{pad}    for a in range({a0}):",
            f"{pad}        u[a] = 0.0",
            f"{pad}    for a in range({a0} + {WD}.shape[0], N_INPUTS):",
            f"{pad}        u[a] = 0.0",
            f"{pad}    for a in range({WD}.shape[0]):",
            f"{pad}        acc = 0.0",
            f"{pad}        for b in range({WD}.shape[1]):",
            f"{pad}            acc += {WD}[a, b] * o[{b0} + b]",
            f"{pad}        u[{a0} + a] = acc",
            f"{pad}else:",
            f"{pad}    for a in range(N_INPUTS):",
            f"{pad}        acc = 0.0",
            f"{pad}        for e in range({ptr}[a], {ptr}[a + 1]):",
            f"{pad}            acc += {cw}[e] * o[{csrc}[e]]",
            f"{pad}        u[a] = acc"]


def _rhs_lines(layout, exs, xn, dxn, indent, hz=None):
    """The model: dxn = f(t_s, xn) for every group (inputs already in u)."""
    pad = " " * indent
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if not ex["f"]:  # stateless blox (inputs): outputs only
            continue
        L.append(f"{pad}for i in range({g.n}):  # group {gi}")
        B = [ln.replace("x[", f"{xn}[") for ln in _loads(g, ex, ex["f"], indent + 4)]
        tg = [f"{dxn}[{g.x(k, 0)} + i]" for k in range(len(ex["f"]))]
        B += _body(tg, [_zero_safe(e) for e in ex["f"]], indent + 4)
        L += hz.apply(gi, g, B) if hz is not None else B
    return L


def _stage(layout, exs, coupled, xn, dxn, texpr, indent, planned=False, hz=None):
    lines = [" " * indent + f"t_s = {texpr}"]
    if coupled:
        lines += _couple_lines(layout, exs, xn, indent, planned, hz)
    return lines + _rhs_lines(layout, exs, xn, dxn, indent, hz)


def _jac_lines(layout, exs):
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        ns, nu, no = len(ex["S"]), len(ex["U"]), len(ex["out"])
        tg, exprs = [], []
        for k in range(ns):
            for l in range(ns):
                if ex["dfds"][k][l] != 0:
                    tg.append(f"J[{g.x(k, 0)} + i, {g.x(l, 0)} + i]")
                    exprs.append(ex["dfds"][k][l])
            for m in range(nu):
                if ex["dfdu"][k][m] != 0:
                    tg.append(f"dfu[{g.u(m, 0)} + i, {k}]")
                    exprs.append(ex["dfdu"][k][m])
        for q in range(no):
            for l in range(ns):
                if ex["dods"][q][l] != 0:
                    tg.append(f"dos[{g.o(q, 0)} + i, {l}]")
                    exprs.append(ex["dods"][q][l])
        if exprs:
            L.append(f"    for i in range({g.n}):  # group {gi}")
            L += _loads(g, ex, exprs, 8)
            L += _body(tg, exprs, 8)
    return L


def generate_source(layout):
    """Source of the kernel module for this layout (deterministic text).

    The model body is pasted into each fixed-step loop rather than called:
    a call between numba functions passes arrays with atomic reference
    counting, which made an RK4 loop twice as slow as a hand-written one.
    """
    exs = [group_expressions(g.btype) for g in layout.groups]
    coupled = layout.src.size > 0
    L = ["# generated by nbblox.compile.codegen -- do not edit",
         "import math", "import numpy as np",
         "from nbblox.compile.jit import njit, exprel, exprel1, gauss, urand, tinterp, phi1",
         "from nbblox.compile.plan import edge_plan, delay_plan", "",
         f"N_STATES = {len(layout.state_names)}", f"N_INPUTS = {max(layout.n_inputs, 1)}",
         f"N_OUTPUTS = {max(layout.n_outputs, 1)}", "",
         "@njit(cache=True, nogil=True, error_model=\"numpy\")",
         "def rhs(t, x, p, w, src, dst, dx, u, o):"]
    L += _stage(layout, exs, coupled, "x", "dx", "t", 4)
    L += ["    return 0", "", "@njit(cache=True, nogil=True, error_model=\"numpy\")",
          "def jac(t, x, p, w, src, dst, J, u, o, dfu, dos, u_rows, o_cols):",
          "    t_s = t", "    J[:, :] = 0.0", "    dfu[:, :] = 0.0", "    dos[:, :] = 0.0"]
    if coupled:
        L += _couple_lines(layout, exs, "x", 4)
    L += _jac_lines(layout, exs)
    L += ["    ms = u_rows.shape[1]",
          "    for e in range(src.shape[0]):",
          "        a = dst[e]", "        b = src[e]",
          "        for k in range(ms):",
          "            r = u_rows[a, k]",
          "            if r < 0:", "                break",
          "            for l in range(ms):",
          "                c = o_cols[b, l]",
          "                if c < 0:", "                    break",
          "                J[r, c] += dfu[a, k] * w[e] * dos[b, l]",
          "    return 0", ""]
    for scheme in SCHEMES:
        if "numba" in scheme.backends and applicable(scheme, exs):
            L.append(_fixed_kernel(layout, exs, coupled, scheme))
    from .netcode import full_kernels  # netcode reuses this module's helpers
    L += full_kernels(layout, exs)
    return "\n".join(L) + "\n"


def fused_exprs(scheme, g, ex, noisy=(), gi=0):
    """New values of group ``gi``'s states after one step of a single-stage
    scheme (:func:`nbblox.compile.schemes.fused_update`), in the local
    symbols: ``s + dt*f`` (plus ``g dW`` for the states in ``noisy``); the
    ``exact`` scheme reads phi1(dt A) from ``ph<gi>`` (:func:`phi_preamble`)."""
    dW = {k: sp.Symbol(f"dW[{g.x(k, 0)} + i]", real=True) for k in noisy}
    ns = len(ex["S"])
    phi = lambda k, l: sp.Symbol(f"ph{gi}[{ns * ns} * i + {k * ns + l}]", real=True)
    return fused_update(scheme, ex, _DT, dW, phi)


def phi_preamble(layout, exs, scheme, indent=4):
    """Lines computing ``ph<gi>`` = phi1(dt A) of every instance of every
    group, once per call (``exact``: A depends on parameters only)."""
    if scheme.linear_part != "constant":
        return []
    pad = " " * indent
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        ns = len(ex["S"])
        if not ns:
            continue
        A = linear_parts(scheme, ex)[0]
        exprs = [_DT * A[k][l] for k in range(ns) for l in range(ns)]
        L += [f"{pad}ph{gi} = np.empty({g.n * ns * ns})", f"{pad}ma{gi} = np.empty({ns * ns})",
              f"{pad}for i in range({g.n}):"]
        L += _loads(g, ex, exprs, indent + 4)
        L += _body([f"ma{gi}[{r}]" for r in range(ns * ns)], [_zero_safe(e) for e in exprs],
                   indent + 4)
        L.append(f"{pad}    phi1(ma{gi}, {ns}, ph{gi}, {ns * ns} * i)")
    return L


_DT = sp.Symbol("dt", real=True)


def _fused_group_lines(layout, exs, scheme, indent, hz=None, targets=None):
    """Single-stage step, group by group: the new states straight into x."""
    pad = " " * indent
    L = []
    for gi, (g, ex) in enumerate(zip(layout.groups, exs)):
        if not ex["f"]:
            continue
        exprs = fused_exprs(scheme, g, ex, gi=gi)
        L.append(f"{pad}for i in range({g.n}):  # group {gi}")
        B = _loads(g, ex, exprs + ex["S"], indent + 4)
        B += _body([f"x[{g.x(k, 0)} + i]" for k in range(len(exprs))], exprs, indent + 4)
        L += hz.apply(gi, g, B) if hz is not None else B
    return L


def _fixed_kernel(layout, exs, coupled, scheme):
    """Source of ``run_<scheme>`` for this layout."""
    hz = Hoist()
    if scheme.fused:
        body = [f"        t_s = {stage_time(0)}"]
        if coupled:
            body += _couple_lines(layout, exs, "x", 8, True, hz)
        body += _fused_group_lines(layout, exs, scheme, 8, hz)
    else:
        body = rk_lines(scheme, lambda s, xin, c: _stage(
            layout, exs, coupled, xin, f"k{s + 1}", stage_time(c), 8, True, hz))
    body += clip_lines(layout, exs)
    pre = stage_arrays(scheme) + ["    u = np.zeros(N_INPUTS)", "    o = np.zeros(N_OUTPUTS)"]
    pre += ([PLAN_LINE] if coupled else []) + hz.preamble() + phi_preamble(layout, exs, scheme)
    return (_STEPPER.replace("NAME", scheme.name).replace("BODY", "\n".join(body))
            .replace("    PLAN\n", "".join(ln + "\n" for ln in pre)))


# Each loop advances x in place and returns (steps done, index of the first
# non-finite state or -1, samples recorded), so the caller can say where a
# run blew up; it stops at once instead of filling memory with NaN.
_STEPPER = """
@njit(cache=True, nogil=True, error_model="numpy")
def run_NAME(x, p, w, src, dst, t0, dt, nsteps, stride, rec, out_t, out_x):
    PLAN
    out_t[0] = t0
    for r in range(rec.shape[0]):
        out_x[r, 0] = x[rec[r]]
    j = 1
    for step in range(nsteps):
        t = t0 + step * dt
BODY
        for i in range(N_STATES):
            if not math.isfinite(x[i]):
                return step + 1, i, j
        if (step + 1) % stride == 0:
            out_t[j] = t0 + (step + 1) * dt
            for r in range(rec.shape[0]):
                out_x[r, j] = x[rec[r]]
            j += 1
    return nsteps, -1, j
"""
