"""Memory budget: estimate what a circuit or a run will hold before
allocating it, and refuse above the budget with a message that states the
estimate (a 363-byte circuit file once asked for 8 GB of synapses).

The budget is ``$NBBLOX_MEMORY_MB`` megabytes, or half the machine's
physical memory.  A served dashboard runs each session's work under the
smaller :data:`SERVED_MEMORY_MB` (:func:`limited_memory`; the setting
follows the thread that does the work).  Like
exceptions.py this module is a dependency-free leaf used by every layer.
"""
from __future__ import annotations

import contextlib
import contextvars
import os

__all__ = ["memory_budget", "limited_memory", "check_memory", "SERVED_MEMORY_MB", "BYTES_PER_SYNAPSE",
           "format_bytes"]

#: what each served dashboard session may allocate for one circuit or one run
SERVED_MEMORY_MB = 512
#: peak bytes per synapse from drawing to running (indices, weights, delays, the CSR
#: copy compile makes and the run's buffers: measured ~100 B at 1e7 synapses)
BYTES_PER_SYNAPSE = 100

_budget = contextvars.ContextVar("nbblox_memory_budget", default=None)


def _default():
    env = os.environ.get("NBBLOX_MEMORY_MB")
    if env:
        try:
            return int(float(env) * 2**20)
        except ValueError:
            pass
    global _half_ram
    if _half_ram is None:   # asked once: every simulate checks its budget (a syscall)
        try:
            _half_ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
        except (ValueError, OSError, AttributeError):   # not POSIX: assume 8 GB of RAM
            _half_ram = 4 * 2**30
    return _half_ram


_half_ram = None


def format_bytes(n):
    """``1.5 GB``-style size.

    Examples
    --------
    >>> format_bytes(3 * 2**30), format_bytes(512 * 2**20)
    ('3.0 GB', '512 MB')
    """
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def memory_budget():
    """The memory budget of the work done now, in bytes.

    Examples
    --------
    >>> with limited_memory(64):
    ...     memory_budget() == 64 * 2**20
    True
    """
    value = _budget.get()
    return _default() if value is None else value


@contextlib.contextmanager
def limited_memory(mb):
    """Run the body under a budget of ``mb`` megabytes (never more than the
    budget outside it); follows the thread or task that enters it."""
    token = _budget.set(min(memory_budget(), int(mb * 2**20)))
    try:
        yield
    finally:
        _budget.reset(token)


def check_memory(nbytes, what, error, hint=""):
    """Raise ``error(message)`` if ``nbytes`` is over the current budget; the
    message states the estimate, the budget and how to need less.

    Examples
    --------
    >>> with limited_memory(1):
    ...     check_memory(2**30, "recording 1 variable x 134217728 samples", ValueError,
    ...                  "use stride=")
    Traceback (most recent call last):
    ...
    ValueError: recording 1 variable x 134217728 samples needs about 1.0 GB; the memory budget is 1 MB (use stride=)
    """
    budget = memory_budget()
    if nbytes > budget:
        raise error(f"{what} needs about {format_bytes(nbytes)}; the memory budget is "
                    f"{format_bytes(budget)}" + (f" ({hint})" if hint else ""))
