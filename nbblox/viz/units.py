"""Units and names for axis labels and titles.

A state's unit is the one its blox type declares (``units=``), else inferred from the equations the way a reader
would: a state that is added to or subtracted from a parameter has that
parameter's unit (``V - E_Na`` with ``E_Na`` in mV: V is in mV), and one that
is added to a plain number is dimensionless (``1 - m``: a gate).  Nothing is
guessed beyond that: an unknown unit is ``None`` and the label shows none.
"""
from __future__ import annotations

import functools
import re

from .._text import capital, counted

__all__ = ["state_unit", "state_doc", "pretty_unit", "axis_label", "short_names", "model_title", "safe",
           "safe_title", "wrap_label", "is_state_name"]

#: a recorded state's name: dotted identifiers, each maybe indexed (``hh.V``, ``col1.E.A``,
#: ``pop[3].V``); a derived series (``bold(node.E)``, ``sensor0``) is not one
_STATE_NAME = re.compile(r"^[A-Za-z_]\w*(\[\d+\])?(\.[A-Za-z_]\w*(\[\d+\])?)+$")


def is_state_name(name):
    """Whether ``name`` is a ``blox.state`` path that labels may take apart at
    its dots: ``bold(r0.E)`` is one series of its own (cut at the dot it gave
    the axis label ``"E)"``).

    Examples
    --------
    >>> is_state_name("hh.V"), is_state_name("pop[3].V"), is_state_name("bold(r0.E)")
    (True, True, False)
    """
    return bool(_STATE_NAME.match(str(name)))

def safe(text):
    """Model text (a name, unit) for a Bokeh label or legend: shown as written,
    never parsed as TeX (see :mod:`nbblox._text`)."""
    from .._text import tex_free
    return tex_free(str(text))


def safe_title(text):
    """Model text for a HoloViews ``title=``: :func:`safe`, braces doubled
    (HoloViews formats titles with ``str.format``).

    Examples
    --------
    >>> safe_title("circuit '{0}'")
    "circuit '{{0}}'"
    """
    return safe(text).replace("{", "{{").replace("}", "}}")


_SUP = {"^2": "²", "^3": "³", "^-1": "⁻¹", "^-2": "⁻²"}


def pretty_unit(unit):
    """Unit text as printed on an axis: ``uA/cm^2`` -> ``µA/cm²``, ``degC`` -> ``°C``.

    Examples
    --------
    >>> pretty_unit("uA/cm^2"), pretty_unit("degC"), pretty_unit("1/ms"), pretty_unit("")
    ('µA/cm²', '°C', '1/ms', '')
    """
    if not unit:
        return ""
    u = re.sub(r"(?<![A-Za-z])u(?=[A-Za-z])", "µ", str(unit))
    for k, v in _SUP.items():
        u = u.replace(k, v)
    return u.replace("degC", "°C")


def state_unit(system, name):
    """Unit of state ``"blox.state"`` of ``system`` (a System or None), or None.

    The lookup lives in the model layer (:func:`nbblox.model.state_units.state_unit`)
    so that analysis results can carry units without importing views.

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    >>> state_unit(s, "hh.V"), state_unit(s, "hh.m")
    ('mV', '')
    """
    from ..model.state_units import state_unit as _of
    return _of(getattr(system, "circuit", None), name, infer=_cached_units)


#: modules whose code decides the inferred units (a change invalidates the disk cache)
_UNIT_CODE = ("model/state_units.py", "model/equations.py", "model/expression.py",
              "model/symbolic.py", "model/functions.py")


@functools.lru_cache(maxsize=256)
def _cached_units(btype):
    """The units inferred from ``btype``'s equations, from the disk cache when a
    previous process inferred them (keyed by equation text, parameter units,
    nbblox and SymPy versions): a first plot then never imports SymPy."""
    from ..compile.derived import cached_json
    from ..model.state_units import inferred_units, inference_key
    return cached_json("units", inference_key(btype), lambda: inferred_units(btype),
                       code=_UNIT_CODE)


def state_doc(system, name):
    """What a state is, in a few words (its type's ``state_docs``), or ``""``.

    Examples
    --------
    >>> import nbblox as nb
    >>> state_doc(nb.compile(nb.blox.WilsonCowan(name="wc")), "wc.E")
    'excitatory activity'
    """
    from ..model.state_units import state_doc as _of
    return _of(getattr(system, "circuit", None), name)


def short_names(names):
    """Drop the blox prefix when every name comes from one blox.

    Examples
    --------
    >>> short_names(["hh.V", "hh.m"]), short_names(["a.E", "b.E"])
    (['V', 'm'], ['a.E', 'b.E'])
    >>> short_names(["bold(r0.E)"])
    ['bold(r0.E)']
    """
    if not all(is_state_name(n) for n in names):
        return list(names)
    bloxes = {n.split(".", 1)[0] for n in names}
    if len(bloxes) == 1 and all("." in n for n in names):
        return [n.split(".", 1)[1] for n in names]
    return list(names)


def axis_label(names, unit=None, doc=""):
    """``"V (mV)"``; ``"m, h, n"``; ``"value (mV)"`` for more than four names;
    one quantity without a unit says what it is (``doc``): ``"A · fraction of
    cells firing"``, not a bare ``"A"``.

    One quantity recorded in several blox (``col1.E.A``, ``col2.E.A``) is named
    once, by the quantity: the blox are told apart by the legend.

    Examples
    --------
    >>> axis_label(["V"], "mV"), axis_label(["m", "h", "n"], ""), axis_label(list("abcde"))
    ('V (mV)', 'm, h, n', 'value')
    >>> axis_label(["col1.E.A", "col2.E.A"], "", "fraction of cells firing")
    'A · fraction of cells firing'
    >>> axis_label(["col1.E.A", "col2.E.A", "col3.E.A"]), axis_label(["a.V", "b.V"], "mV")
    ('A', 'V (mV)')
    >>> axis_label(["bold(r0.E)", "bold(r1.E)"], "%")   # derived series: not cut at a dot
    'bold(r0.E), bold(r1.E) (%)'
    """
    dotted = all("." in str(n) and is_state_name(n) for n in names)
    last = {str(n).rsplit(".", 1)[-1] for n in names}
    one = len(names) == 1 or (len(last) == 1 and dotted)
    if len(names) > 1 and len(last) == 1 and dotted:
        head = last.pop()
    else:
        head = ", ".join(names) if len(names) <= 4 else "value"
    u = pretty_unit(unit)
    if u:
        return safe(f"{head} ({u})")
    return safe(f"{head} · {doc}" if doc and one else head)


#: average advance of a character of an axis label (12 pt italic sans), in px, with a
#: margin: Chromium measures 6.1-7.2 px on "A · fraction of cells firing", "w · open K⁺
#: channel fraction" (201 px)
LABEL_CHAR_PX = 7.5


def wrap_label(text, px):
    r"""``text`` broken into lines (at most three, at spaces) that each fit in
    ``px`` pixels of a 12 pt axis label: a y label longer than its axis was
    cut off at both ends (the explorer's "w · open K⁺ channel fraction" on a
    130 px panel).  Text that fits, or ``px`` None, is returned as it is.

    Examples
    --------
    >>> wrap_label("w · open K⁺ channel fraction", 140)
    'w · open K⁺\nchannel fraction'
    >>> wrap_label("V (mV)", 140), wrap_label("w · open K⁺ channel fraction", None)
    ('V (mV)', 'w · open K⁺ channel fraction')
    """
    if not px or len(text) * LABEL_CHAR_PX <= px:
        return text
    per = max(6, int(px // LABEL_CHAR_PX))
    lines, cur = [], ""
    for word in text.split(" "):
        if cur and len(cur) + 1 + len(word) > per:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    lines.append(cur)
    if len(lines) > 3:
        lines = lines[:2] + [" ".join(lines[2:])]
    return "\n".join(lines)


def model_title(system):
    """What a figure shows: ``"Hodgkin–Huxley 'hh'"`` (the type's title), or the
    circuit's name and size.

    Examples
    --------
    >>> import nbblox as nb
    >>> model_title(nb.compile(nb.blox.FitzHughNagumo(name="fhn")))
    "FitzHugh–Nagumo 'fhn'"
    >>> model_title(nb.compile(nb.blox.LIF(name="n")))
    "Leaky integrate-and-fire 'n'"
    >>> col = nb.Circuit([nb.blox.WilsonCowan(name="wc")], name="col")
    >>> model_title(nb.compile(nb.Circuit([col.copy("c1"), col.copy("c2")], name="two")))
    "circuit 'two' (2 blox, Wilson–Cowan)"
    """
    try:
        c = system.circuit
        walk = getattr(c, "walk", None)
        # leaves at any depth: a circuit of composites has no blox of its own
        leaves = list(walk()) if walk else [(b.name, b) for b in c.blox.values()]
    except AttributeError:
        return ""
    if len(leaves) == 1:
        return f"{capital(leaves[0][1].type.title)} '{leaves[0][0]}'"
    types = sorted({b.type.title for _, b in leaves})
    kinds = types[0] if len(types) == 1 else f"{len(types)} types"
    return f"circuit '{c.name}' ({counted(len(leaves), 'blox')}, {kinds})"
