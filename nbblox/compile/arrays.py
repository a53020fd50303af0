"""The arguments of the ``run_<m>_full`` kernels, named: :class:`KernelArrays`.

Its fields *are* the kernel signature (:mod:`nbblox.compile.netcode` prints
``def run_<m>_full(x, p, ...)`` from :attr:`KernelArrays._fields`), so the
Python side builds one named structure (:func:`nbblox.sim.events.run_full`)
and numba receives it unpacked, ``kernel(*args)``, in the order it declares.

Fields (``n`` states; see :mod:`nbblox.compile.codegen` for the kernels):

==========================  =====================================================
x, p, w, src, dst           state, parameters, edge weights and edge list
dls                         per-edge delay in steps (0 = instant)
t0, dt, step0, nsteps       start time, step, first and end step of this call
stride, rec, out_t, out_x   recording: every stride-th step, of slots ``rec``
j0, seed                    samples recorded so far; noise seed (int >= 0)
hist                        (H, n_outputs) delay history, H > max(dls) + 1
refr, hold, tref            refractory state (n,) and steps per group
syn_ptr, syn_post, syn_w,   CSR of the spiking projections (``syn_d`` delay in
syn_d                       steps, as float)
ring                        (D, n) delayed spike effects ((1, 1) if none)
spk_i, spk_t, nspk0         spike buffer and spikes already in it
pl_par, pl_tr, pl_tl,       plasticity (:mod:`nbblox.compile.plastcode`)
rev_ptr, rev_pre, rev_syn,
syn_c, syn_ct, pl_d
==========================  =====================================================
"""
from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["KernelArrays"]


class KernelArrays(NamedTuple):
    """Everything a ``run_<m>_full`` call reads and writes, by name.

    Examples
    --------
    >>> KernelArrays._fields[:6], len(KernelArrays._fields)
    (('x', 'p', 'w', 'src', 'dst', 'dls'), 37)
    """

    x: Any
    p: Any
    w: Any
    src: Any
    dst: Any
    dls: Any
    t0: float
    dt: float
    step0: int
    nsteps: int
    stride: int
    rec: Any
    out_t: Any
    out_x: Any
    j0: int
    seed: int
    hist: Any
    refr: Any
    hold: Any
    tref: Any
    syn_ptr: Any
    syn_post: Any
    syn_w: Any
    syn_d: Any
    ring: Any
    spk_i: Any
    spk_t: Any
    nspk0: int
    pl_par: Any
    pl_tr: Any
    pl_tl: Any
    rev_ptr: Any
    rev_pre: Any
    rev_syn: Any
    syn_c: Any
    syn_ct: Any
    pl_d: Any
