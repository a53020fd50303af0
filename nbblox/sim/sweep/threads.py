"""BLAS threads while a parallel sweep runs.

A CPU sweep runs its instances in numba ``prange`` threads (one per core).
A fastmath kernel with a dense coupling of at least
:data:`nbblox.compile.fastmath.DOT_MIN_CELLS` cells calls BLAS ``dgemv``
once per stage, and OpenBLAS would start its own threads (one per core) for
every call: on 2 cores, 2 numba threads x 2 OpenBLAS threads fight for the
same cores and each tiny product pays a thread hand-off.  :func:`blas_limit`
holds BLAS to one thread while the sweep's kernels run and gives back the
previous setting afterwards (also when the sweep raises):

* with ``threadpoolctl`` installed, through a ``ThreadpoolController`` (every
  BLAS library loaded in the process: NumPy's and SciPy's OpenBLAS, which
  numba's ``np.dot`` calls).  The controller is made once and made again only
  when modules were imported since (a new BLAS library comes with an
  import): ``threadpool_limits`` makes one on every call, scanning the
  loaded libraries, 0.75-1.6 ms CPU per sweep against 0.01-0.02 ms
  (bench/DIAGNOSIS.md, "W4 sweep with Euler");
* without it, through the environment variables OpenBLAS, MKL and OpenMP
  read (``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OMP_NUM_THREADS``),
  restored afterwards.  These only reach a BLAS library loaded after they are
  set, so install threadpoolctl for the limit to hold in a process that
  already used NumPy's BLAS.

Waiting numba threads sleep instead of spinning (:func:`quiet_wait`, run when
this package is imported): numba's ``omp`` threading layer is GNU libgomp,
whose idle threads busy-wait ~300 000 spins (milliseconds) at the end of
every parallel loop before they sleep.  A sweep is one long loop per chunk,
so the spin buys nothing and burns a core that other processes could use
(W4 on 2 threads at load ~12: 0.154-0.157 s CPU with the default spin,
0.141-0.146 s with none, 0.144-0.149 s on one thread).
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading

__all__ = ["ENV_VARS", "SPIN_VARS", "blas_limit", "quiet_wait"]

#: the variables set when threadpoolctl is not installed
ENV_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
#: a user who set either chose how OpenMP threads wait: :func:`quiet_wait` keeps it
SPIN_VARS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def quiet_wait():
    """Let libgomp's idle threads sleep at once (``GOMP_SPINCOUNT=0``) unless
    ``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` is set already.

    libgomp reads it when it is loaded: numba loads it with its first
    parallel loop, so this is done when :mod:`nbblox.sim.sweep` is imported
    and has no effect in a process that ran an OpenMP loop before (set the
    variable yourself there).  Only GNU OpenMP reads ``GOMP_SPINCOUNT``; the
    ``tbb`` and ``workqueue`` layers do not spin.  Returns whether it set it.

    Examples
    --------
    >>> import os
    >>> quiet_wait()           # done already when this module was imported
    False
    >>> any(k in os.environ for k in SPIN_VARS)
    True
    """
    if any(k in os.environ for k in SPIN_VARS):
        return False
    os.environ["GOMP_SPINCOUNT"] = "0"
    return True


quiet_wait()


_ctl_lock = threading.Lock()
#: (number of modules imported when it was made, the ThreadpoolController)
_ctl = [None, None]


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def _controller():
    """The process's ``threadpoolctl.ThreadpoolController``, made again when
    ``sys.modules`` changed size since it was made (None without threadpoolctl)."""
    threadpoolctl = _threadpoolctl()
    if threadpoolctl is None:
        return None
    with _ctl_lock:
        n = len(sys.modules)
        if _ctl[1] is None or _ctl[0] != n:
            _ctl[1] = threadpoolctl.ThreadpoolController()
            _ctl[0] = len(sys.modules)   # making it may import (its own modules)
        return _ctl[1]


@contextlib.contextmanager
def blas_limit(threads=1):
    """Hold BLAS to ``threads`` threads inside the ``with`` block.

    Yields ``"threadpoolctl"`` or ``"env"``: how the limit was applied.

    Examples
    --------
    >>> import os
    >>> with blas_limit(1) as how:
    ...     how in ("threadpoolctl", "env")
    True
    """
    ctl = _controller()
    if ctl is not None:
        with ctl.limit(limits=threads, user_api="blas"):
            yield "threadpoolctl"
        return
    saved = {k: os.environ.get(k) for k in ENV_VARS}
    try:
        for k in ENV_VARS:
            os.environ[k] = str(int(threads))
        yield "env"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
