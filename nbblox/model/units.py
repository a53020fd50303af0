"""Physical units: parsed and compared with pint, checked where they meet.

A blox type opts in with ``units=``: the unit of each state, input and
(optionally) output or auxiliary, e.g. ``{"V": "mV", "I_syn": "uA/cm^2"}``.
Its parameters then carry their ``Parameter.unit`` ("" = dimensionless) and
time is in ms.  Two things are checked:

* **equation lines** (:func:`check_equations`): both sides of ``dX/dt =``
  (unit of X per ms), sums, and the arguments of ``exp``, ``log``, ...
  Numbers in the text carry no unit, so a number is a wildcard: it takes
  whatever unit its place needs (``V + 65`` is fine, and ``(V + 65)/18`` is
  then of unknown unit).  A line is therefore checked among its named
  quantities only; a wrong line is reported with its number.
* **connections** (:func:`connection_scale`): the source's output and the
  target's input must agree.  When they do not, ``connect(..., unit=...)``
  states the unit of the weight; the unit of ``weight x output`` must then
  have the input's dimension, and the conversion factor (e.g. 0.001 from mV
  to V) is applied to the weight in the kernel.

Dimensionless and rate models need none of this: a type without ``units=``
has unknown units and is never checked.  pint is imported only when two
different unit texts must be compared (equal texts need no parsing), so a
notebook that wires catalog blox consistently never loads it.
"""
from __future__ import annotations

import ast
import math

from ..exceptions import CircuitError, EquationError

__all__ = ["UnitError", "registry", "parse_unit", "check_equations", "output_unit",
           "input_unit", "connection_scale", "describe_unit"]

_REG = None


class UnitError(CircuitError):
    """A connection whose two ends are in different units."""


def registry():
    """The shared pint UnitRegistry (created on first use)."""
    global _REG
    if _REG is None:
        import pint
        reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
        reg.define("Ohm = ohm")          # 'MOhm', as the catalog writes it
        _REG = reg
    return _REG


def parse_unit(text, who=""):
    """A pint Unit for unit text (``""``, ``"1"``: dimensionless)."""
    reg = registry()
    text = (text or "").strip()
    if text in ("", "1", "dimensionless"):
        return reg.dimensionless
    try:
        q = reg.Quantity(1.0, text)
    except Exception as exc:   # pint raises several unrelated types
        raise CircuitError(f"{who}unit {text!r} is not a unit pint understands "
                           f"({type(exc).__name__}); write e.g. 'mV', 'uA/cm^2', '1/ms'") from None
    if not q._ok_for_muldiv():          # degC and the like: use the difference unit
        q = reg.Quantity(1.0, q.to_base_units().units)
    return q.units


def describe_unit(u):
    """Short ASCII text of a pint Unit (``"mV/ms"``, ``"dimensionless"``)."""
    if u.dimensionless and _same(u, registry().dimensionless):
        return "dimensionless"
    return f"{u:~C}".replace("µ", "u").replace("**", "^")


def _factor(a, b):
    """Number of ``b`` in one ``a`` (same dimension), or None."""
    reg = registry()
    try:
        return float(reg.Quantity(1.0, a).to(b).magnitude)
    except Exception:
        return None


def _same(a, b):
    f = _factor(a, b)
    return f is not None and math.isclose(f, 1.0, rel_tol=1e-9)


# -- equation lines ---------------------------------------------------------------
class _Infer:
    """Unit of an (already whitelisted) expression AST; None = unknown."""

    def __init__(self, units, fail):
        self.units, self.fail = units, fail
        self.reg = registry()

    def need_same(self, a, b, node, what):
        if a is not None and b is not None and not _same(a, b):
            self.fail(f"{what} '{ast.unparse(node)}' mixes {describe_unit(a)} and "
                      f"{describe_unit(b)}")

    def dimensionless(self, u, node, fname):
        if u is not None and not _same(u, self.reg.dimensionless):
            self.fail(f"{fname}() needs a dimensionless argument, but "
                      f"'{ast.unparse(node)}' is in {describe_unit(u)}")

    def __call__(self, node):
        if isinstance(node, ast.Expression):
            return self(node.body)
        if isinstance(node, ast.Constant):
            return None
        if isinstance(node, ast.Name):
            if node.id == "pi":
                return self.reg.dimensionless
            return self.units.get(node.id)
        if isinstance(node, ast.UnaryOp):
            return self(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = self(node.left), self(node.right)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                self.need_same(a, b, node, "the sum")
                return a if a is not None else b
            if isinstance(node.op, ast.Pow):
                return self._pow(node, a, b)
            if a is None or b is None:
                return None
            return a * b if isinstance(node.op, ast.Mult) else a / b
        if isinstance(node, ast.Compare):
            left = self(node.left)
            for comp in node.comparators:
                right = self(comp)
                self.need_same(left, right, node, "the comparison")
                left = left if left is not None else right
            return self.reg.dimensionless
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                self(v)
            return self.reg.dimensionless
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _pow(self, node, a, b):
        self.dimensionless(b, node.right, "the exponent of **")
        if a is None:
            return None
        e = node.right
        sign = 1
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
            e, sign = e.operand, -1
        if isinstance(e, ast.Constant):
            return a ** (sign * e.value)
        return a if _same(a, self.reg.dimensionless) else None

    def _call(self, node):
        f = node.func.id
        args = [self(a) for a in node.args]
        if f in ("exp", "log", "sin", "cos", "tan", "tanh", "sinh", "cosh", "exprel"):
            self.dimensionless(args[0], node.args[0], f)
            return self.reg.dimensionless
        if f == "sqrt":
            return None if args[0] is None else args[0] ** 0.5
        if f == "abs":
            return args[0]
        if f in ("min", "max"):
            out = None
            for a, n in zip(args, node.args):
                self.need_same(out, a, node, f"{f}()")
                out = out if out is not None else a
            return out
        if f == "where":
            self.need_same(args[1], args[2], node, "where()")
            return args[1] if args[1] is not None else args[2]
        if f == "interp":
            return args[3]
        return self.reg.dimensionless     # heaviside, rand


def symbol_units(btype):
    """{symbol: pint Unit} known for a type with ``units=`` (else None)."""
    if not btype.units:
        return None
    reg = registry()
    who = f"blox type '{btype.name}': "
    table = {"t": reg.millisecond, "dt": reg.millisecond}
    for p, par in btype.params.items():
        table[p] = parse_unit(par.unit, who + f"parameter '{p}': ")
    for s in (*btype.states, *btype.inputs):
        if s in btype.units:
            table[s] = parse_unit(btype.units[s], who + f"'{s}': ")
    return table


def check_equations(btype):
    """Raise EquationError on the first line of ``btype`` whose units disagree.

    Examples
    --------
    >>> import nbblox as nb
    >>> try:
    ...     nb.BloxType("Leaky", "dV/dt = (E - V)/tau + g", units={"V": "mV"},
    ...                 params={"E": (-65, None, "mV"), "tau": (10, None, "ms"),
    ...                         "g": (1, None, "mS")})
    ... except nb.EquationError as err:
    ...     print(err)
    [blox 'Leaky', line 1] units disagree: the sum '(E - V) / tau + g' mixes mV/ms and mS
        dV/dt = (E - V)/tau + g
    """
    from .expression import parse_ast
    table = symbol_units(btype)
    if table is None:
        return
    eqs = btype.eqs
    for name, (src, no, line, col0) in eqs._sources.items():
        def fail(msg, no=no, line=line):
            raise EquationError("units disagree: " + msg, blox=btype.name, line=no, text=line)
        tree = parse_ast(src, blox=btype.name, line=no, col0=col0, text=line)
        got = _Infer(table, fail)(tree)
        if name in eqs.states:
            if name in table and got is not None:
                want = table[name] / registry().millisecond
                if not _same(got, want):
                    fail(f"d{name}/dt must be in {describe_unit(want)} ({name} is in "
                         f"{describe_unit(table[name])}, time in ms), but the right-hand "
                         f"side is in {describe_unit(got)}")
        elif name in btype.units:
            declared = parse_unit(btype.units[name], f"blox type '{btype.name}': ")
            if got is not None and not _same(got, declared):
                fail(f"'{name}' is declared in {describe_unit(declared)} but its expression "
                     f"is in {describe_unit(got)}")
            table[name] = declared
        else:
            table[name] = got
    for out, text in btype.output_text.items():
        tree = parse_ast(text, blox=btype.name, line=None, col0=0, text=text)

        def fail(msg, out=out):
            raise EquationError(f"units disagree in output '{out}': {msg}", blox=btype.name)
        got = _Infer(table, fail)(tree)
        if out in btype.units and out not in btype.states and got is not None:
            declared = parse_unit(btype.units[out])
            if not _same(got, declared):
                fail(f"declared in {describe_unit(declared)} but the expression "
                     f"'{text}' is in {describe_unit(got)}")


# -- connections --------------------------------------------------------------------
def output_unit(btype, output):
    """Unit text of an output, or None if unknown.  A declared unit or a plain
    state needs no pint; anything else is inferred from the expression."""
    if not btype.units:
        return None
    text = btype.output_text[output].strip()
    if text in btype.units:
        return btype.units[text]
    if output in btype.units:
        return btype.units[output]
    if text in btype.params:
        return btype.params[text].unit
    return _inferred_output(btype, output)


def _inferred_output(btype, output):
    from .expression import parse_ast
    table = symbol_units(btype)
    for name, (src, no, line, col0) in btype.eqs._sources.items():
        if name not in btype.eqs.states:
            tree = parse_ast(src, blox=btype.name, line=no, col0=col0, text=line)
            table[name] = _Infer(table, lambda msg: None)(tree)
    text = btype.output_text[output]
    got = _Infer(table, lambda msg: None)(parse_ast(text, blox=btype.name, line=None,
                                                       col0=0, text=text))
    return None if got is None else describe_unit(got)


def input_unit(btype, input):
    return btype.units.get(input) if btype.units else None


def connection_scale(spath, stype, output, dpath, dtype, input, unit=None):
    """Factor that converts ``weight x output`` into the input's unit.

    ``unit`` is the weight's unit (None: not given, so the ends must agree).
    Returns 1.0 without importing pint when the unit texts are equal or
    either end is unknown.  Raises :class:`UnitError` naming both ends.

    Examples
    --------
    >>> import nbblox as nb
    >>> hh, wc = nb.blox.HodgkinHuxley, nb.blox.WilsonCowan
    >>> connection_scale("hh", hh, "V", "wc", wc, "I_syn", "1/mV")
    1.0
    >>> connection_scale("hh", hh, "V", "wc", wc, "I_syn")
    Traceback (most recent call last):
    ...
    nbblox.model.units.UnitError: connection hh -> wc: output 'V' of 'hh' (HodgkinHuxley) is in mV but input 'I_syn' of 'wc' (WilsonCowan) is dimensionless. State the weight's unit to convert: connect(..., unit='1/mV') (weight x mV -> dimensionless)
    """
    out_u, in_u = output_unit(stype, output), input_unit(dtype, input)
    if unit is None and (out_u is None or in_u is None or out_u.strip() == in_u.strip()):
        return 1.0
    who = f"connection {spath} -> {dpath}: "
    w = parse_unit(unit, who + "weight ") if unit is not None else None
    if out_u is None or in_u is None:
        return 1.0    # one end has no declared unit: nothing to check the weight against
    a, b = parse_unit(out_u, who), parse_unit(in_u, who)
    ends = (f"output '{output}' of '{spath}' ({stype.name}) is in {describe_unit(a)} but "
            f"input '{input}' of '{dpath}' ({dtype.name}) is {_in(b)}")
    if w is None:
        f = _factor(a, b)
        if f is not None and math.isclose(f, 1.0, rel_tol=1e-9):
            return 1.0        # two spellings of one unit (mS*mV/cm^2 is uA/cm^2)
        hint = describe_unit(b / a) if not (b / a).dimensionless else "1"
        if f is not None:
            raise UnitError(f"{who}{ends} (a factor {f:g}). State the weight's unit to "
                            f"convert: connect(..., unit='1') (weight x {describe_unit(a)} "
                            f"-> {describe_unit(b)}, x{f:g})")
        raise UnitError(f"{who}{ends}. State the weight's unit to convert: "
                        f"connect(..., unit='{hint}') (weight x {describe_unit(a)} -> "
                        f"{describe_unit(b)})")
    f = _factor(a * w, b)
    if f is None:
        raise UnitError(f"{who}{ends}; a weight in {describe_unit(w)} gives "
                        f"{describe_unit(a * w)}, not {describe_unit(b)}")
    return f


def _in(u):
    d = describe_unit(u)
    return d if d == "dimensionless" else f"in {d}"
