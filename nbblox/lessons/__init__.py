"""Exercise checkers for the course notebooks in ``lessons/``.

A checker never stores the answer: it computes it with nbblox from the model
the exercise is about (so it stays right if a model is corrected) and compares
the student's answer within a stated tolerance, with a hint.  Answers may be a
number, a numpy scalar, a one-element array or a string with units
(``"0.33 uA/cm^2"``); anything else gets a hint, never a traceback.

>>> r = check("fhn_rest_V", -1.1994)
>>> bool(r)
True
>>> check("fhn_rest_V", 0.0)
✘ fhn_rest_V: 0 is not right yet. Find where the V- and w-nullclines cross at I = 0.
>>> check("hh_rate_10", "fast")
✘ hh_rate_10: 'fast' is not a number: write it like '0.33' or '0.33 Hz'.

The modules hold the answers by topic: :mod:`.neurons` (lessons 1-4, 10),
:mod:`.circuits` (5-12), :mod:`.dynamics` (13-15: bursting, noise, synapses),
:mod:`.networks` (16-17: network rhythms, composite circuits).
"""
from __future__ import annotations

import functools

from ..sim.solution import spike_times
from . import circuits, dynamics, networks, neurons
from .answers import CheckResult, NoAnswer
from .circuits import coba_cell, coba_network, median_isi_cv
from .neurons import firing_rate

__all__ = ["check", "EXERCISES", "CheckResult", "spike_times", "firing_rate",
           "coba_cell", "coba_network", "median_isi_cv"]

_TABLES = (neurons.TABLE, circuits.TABLE, dynamics.TABLE, networks.TABLE)

#: exercise name -> (function(answer) -> CheckResult, one-line statement)
EXERCISES = {name: (functools.partial(ex, name), ex.statement)
             for table in _TABLES for name, ex in table.items()}
EXERCISES["pair_file"] = (circuits.pair_file,
                          "Path of the JSON file holding the lesson-11 circuit.")


def check(name, answer):
    """Check a student's answer to exercise ``name``.

    Parameters
    ----------
    name : str
        Exercise key (see :data:`EXERCISES`).
    answer : number, numpy scalar, 1-element array, str or path
        The student's answer: a number in any of these forms, a string with
        units (``"68 Hz"``), or a path for exercises about files (``pair_file``).
        ``None`` or ``...`` means "not answered yet".

    Returns
    -------
    CheckResult
        Truthy when right; renders green/red in a notebook; its message is a
        hint when the answer is wrong or malformed.

    Examples
    --------
    >>> check("ring_connections", [10])
    ✔ ring_connections: 10 connections is right (within 0 connections).
    >>> check("ring_connections", None)
    ✘ ring_connections: no answer yet. Connections of the five-node ring after making it bidirectional.
    """
    if name not in EXERCISES:
        from ..exceptions import suggest
        raise KeyError(f"no exercise named '{name}'." + suggest(name, EXERCISES))
    try:
        return EXERCISES[name][0](answer)
    except NoAnswer:
        return CheckResult(False, f"{name}: no answer yet. {EXERCISES[name][1]}")
