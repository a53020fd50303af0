"""Selectors: one text that names many parameters or states at once.

Anywhere nbblox takes a parameter or state name (``params=``,
``System.params[...]``, ``sweep``, ``explore.set``, ``fit``, ``sol[...]``,
``record=``, ``x0=``) it also takes a selector:

* **glob** on the dotted name: ``*`` matches within one part of the name
  (never a ``.``), ``?`` one character, ``**`` any number of parts.
  ``"*.P"`` is every top-level blox's ``P``; ``"region*.E.tau"``;
  ``"col1.**.g_Na"`` is every ``g_Na`` anywhere inside the composite ``col1``.
* **by blox type**: ``"type:WilsonCowan.P"`` is the ``P`` of every blox whose
  type is ``WilsonCowan`` (the type and symbol parts are globs too:
  ``"type:*Synapse.tau*"``); ``"col1.type:AMPA.g"`` keeps only those inside
  ``col1``.

A name that exists exactly is never read as a selector (``"pop[3].V"`` is a
population element, not a pattern).  A selector that matches nothing is an
error that lists what exists.  Matching is pure text work done once per
selector and cached by the caller; nothing here reaches a kernel.
"""
from __future__ import annotations

import re

from ..exceptions import ParameterError

__all__ = ["is_selector", "select", "owner_of", "symbol_of", "scoped"]

_TYPE = "type:"


def is_selector(name):
    """True if ``name`` is a pattern rather than a plain name.

    Examples
    --------
    >>> is_selector("*.P"), is_selector("type:WilsonCowan.P"), is_selector("fhn.I")
    (True, True, False)
    """
    return isinstance(name, str) and ("*" in name or "?" in name or _TYPE in name)


def owner_of(name):
    """The blox (or population element) a full name belongs to: ``"a.b.V" -> "a.b"``."""
    return name.rsplit(".", 1)[0] if "." in name else ""


def symbol_of(name):
    """The symbol part of a full name: ``"col1.E.tau" -> "tau"``."""
    return name.rsplit(".", 1)[-1]


def _glob(pattern):
    """Compile a dotted glob to a regex (``*``, ``?`` within a part; ``**`` parts)."""
    parts = pattern.split(".")
    out = []
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        if seg == "**":
            # at the end: one or more parts; inside: zero or more parts and their dots
            out.append(r"[^.]+(?:\.[^.]+)*" if last else r"(?:[^.]+\.)*")
            continue
        body = "".join("[^.]*" if c == "*" else "[^.]" if c == "?" else re.escape(c)
                       for c in seg)
        out.append(body if last else body + r"\.")
    return re.compile("".join(out))


def _base(owner):
    """Population element ``"pop[3]"`` -> ``"pop"`` (its type lookup key)."""
    return owner.split("[", 1)[0] if owner.endswith("]") else owner


def _matcher(selector, owner_type):
    if _TYPE not in selector:
        rx = _glob(selector)
        return lambda n: rx.fullmatch(n) is not None
    scope, _, rest = selector.partition(_TYPE)
    if scope and not scope.endswith("."):
        raise ParameterError(f"selector '{selector}': write 'type:' at the start of a part, "
                             "e.g. 'type:WilsonCowan.P' or 'col1.type:AMPA.g'")
    tname, dot, sym = rest.partition(".")
    if not tname or not dot or not sym or "." in sym:
        raise ParameterError(f"selector '{selector}' needs a type and a symbol: "
                             "'type:WilsonCowan.P' (globs allowed in both)")
    if owner_type is None:
        raise ParameterError(f"selector '{selector}' selects by blox type, but the blox "
                             "types are not known here (use a name pattern such as '*.P')")
    trx, srx = _glob(tname), _glob(sym)
    inside = _glob(scope + "**") if scope else None

    def match(n):
        owner = owner_of(n)
        t = owner_type(_base(owner)) if owner else None
        return (t is not None and trx.fullmatch(t) is not None
                and srx.fullmatch(symbol_of(n)) is not None
                and (inside is None or inside.fullmatch(_base(owner)) is not None))
    return match


def select(selector, names, owner_type=None, what="parameter"):
    """Names in ``names`` matched by ``selector``, in their order.

    Parameters
    ----------
    selector : str
        A glob or ``type:`` selector (see the module docstring).
    names : sequence of str
        Full names to choose from (``"col1.E.tau"``).
    owner_type : callable, optional
        ``owner name -> blox type name`` (or None); needed by ``type:``.
    what : str
        ``"parameter"`` or ``"state"``, for the error message.

    Raises
    ------
    ParameterError
        If nothing matches; the message lists the symbols, blox and types
        that exist.

    Examples
    --------
    >>> names = ["r1.E.tau", "r1.I.tau", "r2.E.tau", "r2.I.tau", "drive.P"]
    >>> select("r1.*.tau", names)
    ['r1.E.tau', 'r1.I.tau']
    >>> select("**.E.tau", names)
    ['r1.E.tau', 'r2.E.tau']
    >>> select("type:WCPop.tau", names, {"r1.E": "WCPop", "r2.I": "WCPop"}.get)
    ['r1.E.tau', 'r2.I.tau']
    """
    if not isinstance(selector, str):
        raise ParameterError(f"a {what} selector must be text, got {selector!r}")
    match = _matcher(selector, owner_type)
    found = [n for n in names if match(n)]
    if not found:
        raise ParameterError(f"selector '{selector}' matches no {what}. " +
                             describe(names, owner_type, what))
    return found


def describe(names, owner_type=None, what="parameter", limit=20):
    """One sentence on what exists: symbols, blox (top level) and types."""
    def some(items):
        items = sorted(items)
        return ", ".join(items[:limit]) + (f", ... ({len(items)} in all)"
                                           if len(items) > limit else "")
    syms = {symbol_of(n) for n in names}
    owners = {_base(owner_of(n)) for n in names}
    tops = {o.split(".", 1)[0] for o in owners}
    text = f"The {what}s are called <blox>.<symbol> with symbols {some(syms)}"
    text += f"; the blox are {some(tops)}"
    deep = sorted(o for o in owners if "." in o)
    if deep:
        text += f" (inside composites: {some(deep)}; reach them with '**', e.g. " \
                f"'{deep[0].split('.', 1)[0]}.**.{symbol_of(names[0])}')"
    if owner_type is not None:
        types = {owner_type(o) for o in owners} - {None}
        if types:
            text += f"; the blox types are {some(types)} (select with 'type:<Type>.<symbol>')"
    return text + "."


def scoped(selector, prefix):
    """A selector written inside composite ``prefix`` as seen from outside it.

    Examples
    --------
    >>> scoped("**.g", "col1"), scoped("type:AMPA.g", "col1"), scoped("E.tau", "")
    ('col1.**.g', 'col1.type:AMPA.g', 'E.tau')
    """
    return f"{prefix}.{selector}" if prefix else selector
