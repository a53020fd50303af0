"""BLAS threads while a parallel sweep runs.

A CPU sweep runs its instances in numba ``prange`` threads (one per core).
A fastmath kernel with a dense coupling of at least
:data:`nbblox.compile.fastmath.DOT_MIN_CELLS` cells calls BLAS ``dgemv``
once per stage, and OpenBLAS would start its own threads (one per core) for
every call: on 2 cores, 2 numba threads x 2 OpenBLAS threads fight for the
same cores and each tiny product pays a thread hand-off.  :func:`blas_limit`
holds BLAS to one thread while the sweep's kernels run and gives back the
previous setting afterwards (also when the sweep raises):

* with ``threadpoolctl`` installed, through its ``threadpool_limits`` (every
  BLAS library loaded in the process: NumPy's and SciPy's OpenBLAS, which
  numba's ``np.dot`` calls);
* without it, through the environment variables OpenBLAS, MKL and OpenMP
  read (``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OMP_NUM_THREADS``),
  restored afterwards.  These only reach a BLAS library loaded after they are
  set, so install threadpoolctl for the limit to hold in a process that
  already used NumPy's BLAS.
"""
from __future__ import annotations

import contextlib
import os

__all__ = ["ENV_VARS", "blas_limit"]

#: the variables set when threadpoolctl is not installed
ENV_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


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
    tpc = _threadpoolctl()
    if tpc is not None:
        with tpc.threadpool_limits(limits=threads, user_api="blas"):
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
