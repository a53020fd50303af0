"""Parameter sweeps: one System run over a grid or list of parameter values.

:func:`sweep` (``nb.sweep``) is the entry point; the modules of this package
are its parts:

``core``      argument checks, chunking, backends, the measures of a chunk
``cpu``       the parallel batch kernel (numba ``prange``) and its lockstep blocks
``lockstep``  several instances in SIMD lanes of one loop (the block plan)
``stream``    measures computed while integrating (no traces kept)
``measures``  the built-in measures (mean, rate, period, ...) on recorded traces
``cuda``      the GPU backend (numba.cuda)
``dask``      chunks on a Dask cluster
``dataset``   the xarray Dataset of a sweep and its ``ds.nbblox`` accessor
"""
from .core import sweep

__all__ = ["sweep"]
