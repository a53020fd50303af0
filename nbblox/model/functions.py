"""The fixed set of math functions equation text may call.

Equation text is untrusted (circuit files and dashboards come from other
people), so a call is only ever resolved through this table; nothing is looked
up by name anywhere else.  This module names the functions and their arity
without importing SymPy, so that checking equation text (and a warm compile,
which reuses generated kernels) costs no SymPy import; the SymPy objects
(``FUNCTIONS``, ``CONSTANTS``, ``exprel``, ``exprel1``) live in
:mod:`nbblox.model.symbolic`, which imports this module and never the reverse.

``exprel(x) = (exp(x) - 1) / x`` (with ``exprel(0) = 1``) is here because the
classic Hodgkin-Huxley rate functions have removable singularities, e.g.
``alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10)) = 1 / exprel(-(V+40)/10)``;
written with ``exprel`` they are finite everywhere, in kernels and analyzers.

``rand()`` is a uniform draw in (0, 1), allowed only in a spike condition
(``rand() < rate*dt/1000`` is a Poisson source; ``dt`` is the step there).
Kernels draw it from the counter-based generator of the noise, keyed on
(seed, step, neuron), so runs are reproducible bit for bit; every
``rand()`` in one condition is the same draw.

``interp(t, T0, T1, Y0, K)`` is linear interpolation in time through a table
of ``K`` samples stored as the blox's own parameters: sample times
``T0, T1, ...`` (consecutive parameters, non-decreasing; a repeated time is a
jump) followed directly by the ``K`` values starting at ``Y0``; before the
first and after the last time the end values hold.  The blox type checks that
layout when it is built, so kernels can read the table from the parameter
vector without going out of bounds (:func:`nbblox.model.library.TimeSeriesInput`
writes it for you).
"""
from __future__ import annotations

__all__ = ["ARITY", "CONSTANT_NAMES", "SPIKE_ONLY"]

#: function name -> number of arguments (None: 2 or more)
ARITY = {
    "exp": 1, "log": 1, "sqrt": 1, "sin": 1, "cos": 1, "tan": 1,
    "tanh": 1, "sinh": 1, "cosh": 1, "abs": 1, "min": None, "max": None,
    "heaviside": 1, "exprel": 1, "where": 3, "rand": 0, "interp": 5,
}

#: names a spike condition may use beyond the blox's own: the step ``dt`` (ms)
SPIKE_ONLY = frozenset({"dt"})

#: names of the constants equation text may use
CONSTANT_NAMES = frozenset({"pi"})
