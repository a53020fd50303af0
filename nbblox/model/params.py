"""Parameter metadata (default, range for sliders, step, unit, doc) and value checks.

A :class:`Parameter` is plain data so that the notebook sliders, the Panel
dashboard and the circuit builder's side panel are all generated from it.
:func:`check_value` checks one value against it; :class:`ParamValues` is a blox's
dict of values, checked on every assignment.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..exceptions import ParameterError, suggest

__all__ = ["Parameter", "ParamValues", "as_parameter", "check_value", "finite"]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a blox.

    Parameters
    ----------
    default : float
        Value used when the blox is created without one.
    bounds : (float, float) or None
        Slider range. Values outside it are allowed (a warning is the UI's
        job) unless they break ``hard_bounds``.
    step : float or None
        Slider step; defaults to 1/100 of the range.
    unit : str
        Unit, e.g. ``"mV"``.
    doc : str
        One line saying what the parameter is.
    hard_bounds : (float, float) or None
        Physical range; a value outside it is refused with ParameterError
        (e.g. a negative conductance or capacitance).

    Examples
    --------
    >>> Parameter(0.7, bounds=(0, 2), unit="", doc="recovery offset").slider_step
    0.02
    """

    default: float
    bounds: tuple | None = None
    step: float | None = None
    unit: str = ""
    doc: str = ""
    hard_bounds: tuple | None = None

    @property
    def slider_bounds(self):
        if self.bounds is not None:
            return tuple(float(b) for b in self.bounds)
        d = float(self.default)
        span = abs(d) if d != 0 else 1.0
        return (d - 2 * span, d + 2 * span) if d < 0 else (min(0.0, d - 2 * span), d + 2 * span)

    @property
    def slider_step(self):
        if self.step is not None:
            return float(self.step)
        lo, hi = self.slider_bounds
        return round((hi - lo) / 100, 12) or 0.01

    def with_default(self, value):
        return replace(self, default=float(value))

    def to_dict(self):
        return {"default": self.default, "bounds": list(self.bounds) if self.bounds else None,
                "step": self.step, "unit": self.unit, "doc": self.doc,
                "hard_bounds": list(self.hard_bounds) if self.hard_bounds else None}


def as_parameter(spec, name="?", blox=None):
    """Turn a number, a tuple ``(default, (lo, hi), unit, doc)``, a dict or a
    :class:`Parameter` into a :class:`Parameter`."""
    if isinstance(spec, Parameter):
        p = spec
    elif isinstance(spec, dict):
        spec = dict(spec)
        for k in ("bounds", "hard_bounds"):
            if spec.get(k) is not None:
                spec[k] = tuple(spec[k])
        try:
            p = Parameter(**spec)
        except TypeError as exc:
            raise ParameterError(f"blox '{blox}': parameter '{name}': {exc}") from None
    elif isinstance(spec, (tuple, list)):
        if not spec:
            raise ParameterError(f"blox '{blox}': parameter '{name}' has an empty spec")
        fields = ["default", "bounds", "unit", "doc"]
        kw = dict(zip(fields, spec))
        if kw.get("bounds") is not None:
            kw["bounds"] = tuple(kw["bounds"])
        p = Parameter(**kw)
    else:
        p = Parameter(spec)
    return replace(p, default=check_value(p.default, name, blox, p.hard_bounds, p.unit))


def _bounds_text(lo, hi, unit=""):
    """``"must be > 0 ms"``, ``"must be between 0 and 1"``: a physical range in words.

    A lower bound of a nanounit or less is what catalogs write for "positive".

    Examples
    --------
    >>> _bounds_text(1e-9, None, "ms"), _bounds_text(0, 1), _bounds_text(None, 5, "mV")
    ('must be > 0 ms', 'must be between 0 and 1', 'must be <= 5 mV')
    """
    u = f" {unit}" if unit else ""
    if lo is not None and 0 < lo <= 1e-6:
        low = "> 0"
    elif lo is not None:
        low = f">= {lo:g}"
    if lo is not None and hi is not None and low.startswith(">="):
        return f"must be between {lo:g} and {hi:g}{u}"
    if lo is not None and hi is not None:
        return f"must be {low} and <= {hi:g}{u}"
    if lo is not None:
        return f"must be {low}{u}"
    return f"must be <= {hi:g}{u}"


def finite(value, what, error=ParameterError, low=None):
    """``value`` as a finite float, or ``error`` naming ``what``: the one check behind every
    number a user or a file gives (run settings, plasticity constants, builder edits).

    Examples
    --------
    >>> finite("2.5", "dt")
    2.5
    >>> finite(float("nan"), "weight of 'a'->'b'")
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: weight of 'a'->'b' must be finite, got nan
    >>> finite(-1, "A_plus", low=0.0)
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: A_plus must be >= 0.0, got -1.0
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise error(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise error(f"{what} must be finite, got {v}")
    if low is not None and v < low:
        raise error(f"{what} must be >= {low}, got {v}")
    return v


def check_value(value, name, blox=None, hard_bounds=None, unit=""):
    """Return ``value`` as a finite float or raise ParameterError naming it
    (and, for a value outside ``hard_bounds``, the allowed range in words)."""
    who = f"blox '{blox}': parameter '{name}'" if blox else f"parameter '{name}'"
    if isinstance(value, (list, tuple)) or getattr(value, "ndim", 0):
        raise ParameterError(f"{who} must be one number, got {type(value).__name__} "
                             f"{value!r}"[:200])
    v = finite(value, who)
    if hard_bounds is not None:
        lo, hi = hard_bounds
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ParameterError(f"{who} = {v:g} is outside its physical range: it "
                                 f"{_bounds_text(lo, hi, unit)}")
    return v


class ParamValues(dict):
    """dict of a blox's parameter values that checks names and values on assignment.

    ``owner`` is the :class:`~nbblox.model.blox.Blox` (its ``type.params`` say which
    names exist and their hard bounds; its ``name`` goes into messages).

    Examples
    --------
    >>> import nbblox as nb
    >>> fhn = nb.blox.FitzHughNagumo(name="fhn")
    >>> fhn.params["I"] = 0.25; fhn.params["I"]
    0.25
    >>> fhn.params["J"] = 1.0
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: FitzHughNagumo blox 'fhn' has no parameter 'J'. ...
    """

    def __init__(self, owner, values):
        super().__init__(values)
        self._owner = owner

    def __reduce__(self):
        # a blox's own values unpickle as the values of the unpickled blox (one object,
        # as before); values detached from their blox keep that blox as owner
        if vars(self._owner).get("params") is self:
            return getattr, (self._owner, "params")
        return type(self), (self._owner, dict(self))

    def __copy__(self):
        return type(self)(self._owner, self)

    def __setitem__(self, key, value):
        btype = self._owner.type
        if key not in btype.params:
            names = list(btype.params)
            shown = ", ".join(names[:20]) + (f", ... ({len(names)} in all)" if len(names) > 20
                                             else "")
            raise ParameterError(f"{btype.name} blox '{self._owner.name}' has no parameter "
                                 f"'{key}'." + suggest(key, names)
                                 + f" Its parameters: {shown}.")
        p = btype.params[key]
        super().__setitem__(key, check_value(value, key, self._owner.name, p.hard_bounds,
                                             p.unit))

    def update(self, other=(), **kw):
        for k, v in dict(other, **kw).items():
            self[k] = v
