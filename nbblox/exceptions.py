"""Typed, teachable errors for every layer of nbblox.

Notebooks and dashboards catch :class:`NbbloxError` and show ``str(err)``:
each message names the blox, parameter or equation line at fault, so the
message alone tells a student what to fix.
"""
from __future__ import annotations

import difflib

__all__ = [
    "NbbloxError", "EquationError", "ParameterError", "CircuitError",
    "CompileError", "SimulationError", "RunCancelled", "WiringWarning", "suggest",
]


class NbbloxError(Exception):
    """Base class of every error nbblox raises on purpose."""


class EquationError(NbbloxError, SyntaxError):
    """Equation text that cannot be parsed or uses something not allowed.

    Carries ``blox``, ``line`` (1-based line of the equation text) and
    ``column`` (1-based, or None) so front ends can point at the spot.
    """

    def __init__(self, message, *, blox=None, line=None, column=None, text=None):
        where = []
        if blox:
            where.append(f"blox '{blox}'")
        if line is not None:
            where.append(f"line {line}" + (f", column {column}" if column else ""))
        prefix = f"[{', '.join(where)}] " if where else ""
        full = prefix + message
        if text is not None:
            full += f"\n    {text}"
            if column:
                full += "\n    " + " " * (column - 1) + "^"
        Exception.__init__(self, full)
        self.msg = full
        self.blox, self.lineno, self.column, self.text = blox, line, column, text

    def __str__(self):  # SyntaxError's __str__ would reformat the message
        return self.msg


class ParameterError(NbbloxError, ValueError):
    """A parameter (or state) name that does not exist, or a bad value."""


class CircuitError(NbbloxError, ValueError):
    """A circuit that cannot be built: unknown blox, bad shapes, duplicates."""


class CompileError(NbbloxError):
    """A circuit that cannot be turned into a System."""


class WiringWarning(UserWarning):
    """A circuit that compiles but is probably wired wrong (an input the model
    needs is unconnected or fed twice); ``compile(..., strict=True)`` makes it
    an error."""


class SimulationError(NbbloxError, RuntimeError):
    """A run that cannot start (bad dt, t_end) or that diverged.

    ``partial`` holds the Solution up to the failure when there is one.
    """

    def __init__(self, message, partial=None):
        super().__init__(message)
        self.partial = partial


class RunCancelled(SimulationError):
    """A run stopped from outside: cancelled (a dashboard's reset, a closed
    session) or over its time budget; ``partial`` holds the Solution so far
    when there is one (see :mod:`nbblox.sim.control`)."""


class CallbackError(SimulationError):
    """A simulation callback raised or returned something unusable; the run
    stopped there.  ``partial`` is the Solution up to the callback's time and
    ``__cause__`` the callback's own exception (if it raised)."""


def suggest(name, candidates, n=3):
    """Return ``" Did you mean 'x'?"`` for the closest names, or ``""``.

    Close spellings first (difflib); failing those, names that the wrong one
    starts with or that start with it, ignoring case (``Iext`` -> ``I``,
    ``gna`` -> ``g_Na``).

    Examples
    --------
    >>> suggest("Iext", ["I", "C", "g_Na"]), suggest("tua", ["tau", "a"])
    (" Did you mean 'I'?", " Did you mean 'tau' or 'a'?")
    >>> suggest("zzz", ["I"])
    ''
    """
    cands = [str(c) for c in candidates]
    name = str(name)
    close = difflib.get_close_matches(name, cands, n=n, cutoff=0.5)
    if not close:
        low = name.lower().replace("_", "")
        close = [c for c in cands if c and (low.startswith(c.lower().replace("_", ""))
                                           or c.lower().replace("_", "").startswith(low))][:n]
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
