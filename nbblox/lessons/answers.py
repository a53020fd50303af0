"""Reading a student's answer, and the outcome of a check.

A student answers with whatever they have at hand: a float, a numpy scalar, a
one-element array or list, a pandas/xarray scalar, or a string with units
("0.33 uA/cm^2", "68 Hz").  :func:`read_number` turns each into a float, or
into a :class:`CheckResult` that says what was wrong with the *form* of the
answer -- never an exception, so a notebook cell shows a hint, not a traceback.

>>> read_number("0.33 uA/cm²", "uA/cm^2")
0.33
>>> read_number(np.array([68.2]), "Hz")
68.2
>>> read_number("68 ms", "Hz")
✘ 68 ms: this answer is in Hz, not ms.
"""
from __future__ import annotations

import html
import math
import numbers
import re

import numpy as np

__all__ = ["CheckResult", "NoAnswer", "Numeric", "read_number", "same_unit"]


class NoAnswer(Exception):
    """The exercise has not been answered yet (``None`` or ``...``)."""


class CheckResult:
    """Outcome of one check: truthy if right; shows green or red in a notebook."""

    def __init__(self, ok, message):
        self.ok, self.message = bool(ok), message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("✔ " if self.ok else "✘ ") + self.message

    def _repr_html_(self):
        color = "#1a7f37" if self.ok else "#b42318"
        mark = "✔" if self.ok else "✘"
        return (f'<div style="color:{color};font-weight:600">{mark} '
                f"{html.escape(self.message)}</div>")


_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_SUPERSCRIPT = str.maketrans({"²": "^2", "³": "^3", "⁻": "^-", "¹": "1", "µ": "u", "μ": "u",
                              "−": "-", "·": "*", "×": "*"})


def _unit_key(text):
    """A unit written any common way, reduced to one spelling: 'µA/cm²',
    'uA / cm**2', 'uA/cm2' -> 'ua/cm^2'; '1/s' and '/s' -> 'hz'."""
    t = text.translate(_SUPERSCRIPT).lower().replace("**", "^").replace(" ", "").replace("*", "")
    t = re.sub(r"([a-z])([23])\b", r"\1^\2", t)      # cm2 -> cm^2
    return {"1/s": "hz", "/s": "hz", "s^-1": "hz", "s^-1)": "hz"}.get(t, t)


def same_unit(given, unit):
    """Whether the unit text ``given`` names ``unit`` (an exercise's unit; a
    count's unit such as 'fixed points' also matches its singular)."""
    a, b = _unit_key(given), _unit_key(unit)
    return a == b or (b.endswith("s") and a == b[:-1])


def read_number(answer, unit=""):
    """The number in ``answer``, or a :class:`CheckResult` explaining why there
    is none.  ``None`` and ``...`` raise :class:`NoAnswer`."""
    if answer is None or answer is Ellipsis:
        raise NoAnswer
    shown = repr(answer) if not isinstance(answer, str) else answer
    if isinstance(answer, (bool, np.bool_)):
        return CheckResult(False, f"{shown}: the answer is a number, not True or False.")
    if isinstance(answer, str):
        m = _NUMBER.match(answer.translate(_SUPERSCRIPT))
        if not m:
            return CheckResult(False, f"{answer!r} is not a number: write it like "
                                      f"'0.33'{' or ' + repr('0.33 ' + unit) if unit else ''}.")
        value, given = float(m.group(1)), m.group(2)
        if given and not unit:
            return CheckResult(False, f"{answer}: this answer has no unit; give the number alone.")
        if given and not same_unit(given, unit):
            return CheckResult(False, f"{answer}: this answer is in {unit}, not {given}.")
        return value
    if isinstance(answer, numbers.Real):       # int, float, numpy scalars, Fraction
        value = float(answer)
    else:
        try:
            arr = np.asarray(answer)
        except Exception:  # noqa: BLE001 - anything that is not array-like
            arr = None
        if arr is None or arr.dtype == object or arr.dtype.kind not in "biuf":
            if arr is not None and arr.dtype.kind == "c":
                return CheckResult(False, f"{shown}: the answer is a real number, not complex.")
            return CheckResult(False, f"the answer must be a number, got {type(answer).__name__} "
                                      f"{_short(shown)}.")
        if arr.size != 1:
            return CheckResult(False, f"the answer is one number, but this has {arr.size} "
                                      f"values {_short(shown)}: pick the one asked for "
                                      "(or take its mean, maximum, ... as the exercise says).")
        value = float(arr.reshape(-1)[0])
    if not math.isfinite(value):
        return CheckResult(False, f"the answer is {value}: a finite number is needed "
                                  "(a division by zero or an empty list on the way?).")
    return value


def _short(text, n=60):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


class Numeric:
    """A numeric exercise: ``truth()`` computes the answer with nbblox (only
    when an answer is given, so an unanswered exercise compiles nothing);
    right if within ``tol`` of it.  ``source`` says where the value comes from."""

    def __init__(self, truth, tol, unit, hint, statement, source=""):
        self.truth, self.tol, self.unit = truth, tol, unit
        self.hint, self.statement, self.source = hint, statement, source

    def __call__(self, name, answer):
        value = read_number(answer, self.unit)
        if isinstance(value, CheckResult):
            return CheckResult(False, f"{name}: {value.message}")
        u = f" {self.unit}" if self.unit else ""
        if abs(value - self.truth()) <= self.tol:
            return CheckResult(True, f"{name}: {value:g}{u} is right (within {self.tol:g}{u}).")
        return CheckResult(False, f"{name}: {value:g}{u} is not right yet. {self.hint}")
