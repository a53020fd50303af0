"""Open a circuit file someone else sent, inside a time and memory budget.

A served dashboard's upload box takes circuit JSON from anyone who can reach
the page.  The parser refuses the known ways of making SymPy or the
compiler work for minutes, but the server must not depend on that alone:
:func:`open_circuit_text` first reads, compiles and briefly runs the circuit
in a *child process* limited in address space (``RLIMIT_AS``), CPU time
(``RLIMIT_CPU``) and wall time (killed when late).  Only when the child
succeeds does the server process read it again -- now from the warm kernel
cache, a fraction of a second -- so a hostile file costs one child process,
never the server's event loop or memory.

At most :data:`MAX_CHILDREN` children run at once (one upload per session
at a time is the dashboard's side of the budget).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

from ..exceptions import CircuitError, NbbloxError

__all__ = ["open_circuit_text", "UPLOAD_SECONDS", "UPLOAD_MEMORY_MB", "MAX_CHILDREN"]

#: wall-clock budget of reading + compiling + a first short run of one upload
UPLOAD_SECONDS = 120.0
#: address-space budget of that child process (numba needs ~1 GB of virtual memory)
UPLOAD_MEMORY_MB = 1500
#: uploads checked at the same time (the others wait their turn)
MAX_CHILDREN = 2

_slots = threading.BoundedSemaphore(MAX_CHILDREN)


def _limit(memory_mb, seconds):
    """In the child: cap address space and CPU time (POSIX; elsewhere only the wall clock)."""
    try:
        import resource
    except ImportError:   # Windows: the parent's timeout still applies
        return
    mem = int(memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _child():
    """Entry point of the child: JSON request on stdin, JSON answer on stdout."""
    req = json.loads(sys.stdin.buffer.read())
    _limit(req["memory_mb"], req["seconds"])
    try:
        from ..compile import compile as nb_compile
        from ..model.circuit import Circuit
        from ..sim.simulate import simulate
        system = nb_compile(Circuit.from_json(req["text"]))
        dt = float(req["dt"])
        simulate(system, 2 * dt, dt=dt, method=req["method"])   # compiles the kernels
        answer = {"ok": True}
    except NbbloxError as exc:
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    except MemoryError:
        answer = {"error": f"reading this circuit needs more than {req['memory_mb']} MB; "
                           "refused"}
    except RecursionError:
        answer = {"error": "this circuit is nested too deeply to read; refused"}
    except Exception as exc:   # a bug: report its kind, never the file's content
        answer = {"error": f"this circuit could not be compiled ({type(exc).__name__})"}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()


def check_in_child(text, *, method="rk4", dt=0.01, seconds=UPLOAD_SECONDS,
                   memory_mb=UPLOAD_MEMORY_MB):
    """Read, compile and briefly run circuit JSON ``text`` in a child process
    within the budget; raise :class:`CircuitError` with the reason otherwise.

    Examples
    --------
    >>> import nbblox as nb
    >>> check_in_child(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json())
    """
    req = json.dumps({"text": text, "method": method, "dt": dt, "seconds": seconds,
                      "memory_mb": memory_mb})
    cmd = [sys.executable, "-c", "from nbblox.ui.untrusted import _child; _child()"]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    with _slots:
        try:
            out = subprocess.run(cmd, input=req.encode(), capture_output=True, env=env,
                                 timeout=seconds)
        except subprocess.TimeoutExpired:
            raise CircuitError(f"reading and compiling this circuit took longer than "
                               f"{seconds:g} s; refused") from None
    try:
        answer = json.loads(out.stdout or b"{}")
    except ValueError:
        answer = {}
    if answer.get("ok"):
        return None
    if "error" in answer:
        raise CircuitError(answer["error"])
    why = "its time budget" if out.returncode in (-9, -24, 137, 152) else \
        f"exit status {out.returncode}"
    raise CircuitError(f"reading and compiling this circuit failed ({why}; memory budget "
                       f"{memory_mb} MB, time budget {seconds:g} s); refused")


def open_circuit_text(text, *, method="rk4", dt=0.01, seconds=UPLOAD_SECONDS,
                      memory_mb=UPLOAD_MEMORY_MB):
    """A compiled System from circuit JSON ``text`` that someone else sent:
    checked in a child process first (:func:`check_in_child`), then read in
    this process from the warm kernel cache.

    Examples
    --------
    >>> import nbblox as nb
    >>> open_circuit_text(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json()).state_names
    ['f.V', 'f.w']
    """
    from ..compile import as_system
    from ..model.circuit import Circuit
    if not isinstance(text, str):
        raise CircuitError(f"a circuit file is text, not {type(text).__name__}")
    check_in_child(text, method=method, dt=dt, seconds=seconds, memory_mb=memory_mb)
    return as_system(Circuit.from_json(text))
