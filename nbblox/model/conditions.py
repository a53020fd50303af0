"""Connection conditions as Brian2 users write them (``condition="i < 3200"``,
``"i != j"``, ``"abs(i - j) <= 2"``), evaluated on arrays of candidate pairs.

The text is parsed with :mod:`ast` and only a whitelist is evaluated -- never
``eval``: names ``i`` (presynaptic index), ``j`` (postsynaptic index),
``N_pre``, ``N_post`` and ``pi``; numbers; ``+ - * / // % **``; comparisons
(chained too); ``and``, ``or``, ``not``; and the functions ``abs``, ``sqrt``,
``exp``, ``log``, ``sin``, ``cos``, ``floor``, ``ceil``, ``min``, ``max``.
Brian2's ``p=`` combines as in Brian2: each pair that satisfies the condition
is connected with probability ``p``.
"""
from __future__ import annotations

import ast
import operator

import numpy as np

from ..exceptions import CircuitError

__all__ = ["check_condition", "evaluate_condition"]

MAX_LENGTH = 500
MAX_NODES = 200
NAMES = ("i", "j", "N_pre", "N_post", "pi")
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.FloorDiv: np.floor_divide, ast.Mod: np.mod,
        ast.Pow: operator.pow}
_CMP = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
        ast.Eq: operator.eq, ast.NotEq: operator.ne}
_FUN = {"abs": (1, np.abs), "sqrt": (1, np.sqrt), "exp": (1, np.exp), "log": (1, np.log),
        "sin": (1, np.sin), "cos": (1, np.cos), "floor": (1, np.floor), "ceil": (1, np.ceil),
        "min": (2, np.minimum), "max": (2, np.maximum)}


def check_condition(text, who="connection"):
    """The parsed condition (an ``ast.Expression``), or a CircuitError that
    names the refused part.

    Examples
    --------
    >>> type(check_condition("i < 3200 and j != i")).__name__
    'Expression'
    >>> check_condition("k < 3")
    Traceback (most recent call last):
    ...
    nbblox.exceptions.CircuitError: connection: condition 'k < 3': 'k' is not allowed (names: i, j, N_pre, N_post, pi)
    """
    if not isinstance(text, str) or not text.strip():
        raise CircuitError(f"{who}: condition must be text such as 'i < 3200'")
    if len(text) > MAX_LENGTH:
        raise CircuitError(f"{who}: condition is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise CircuitError(f"{who}: condition {text!r} is not an expression ({exc.msg})") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise CircuitError(f"{who}: condition {text!r} is too long ({len(nodes)} parts)")
    for node in nodes:
        bad = _refused(node)
        if bad:
            raise CircuitError(f"{who}: condition {text!r}: {bad}")
    return tree


def _refused(node):
    ok = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Call,
          ast.Name, ast.Constant, ast.Load, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd,
          *_BIN, *_CMP)
    if isinstance(node, ast.Name) and node.id not in NAMES and node.id not in _FUN:
        return f"'{node.id}' is not allowed (names: {', '.join(NAMES)})"
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or
                                           not isinstance(node.value, (int, float))):
        return f"{node.value!r} is not a number"
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None)
        if name not in _FUN or node.keywords or len(node.args) != _FUN[name][0]:
            return (f"calls may only be {', '.join(_FUN)} with their arguments "
                    f"(got {ast.unparse(node)})")
    if isinstance(node, ast.Name) and node.id in _FUN:
        return None
    if not isinstance(node, ok):
        return f"'{ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__}' " \
               "is not allowed"
    return None


def _eval(node, env):
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.BinOp):
        return _BIN[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        return np.logical_not(v) if isinstance(node.op, ast.Not) else (
            -v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.BoolOp):
        join = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = _eval(node.values[0], env)
        for v in node.values[1:]:
            out = join(out, _eval(v, env))
        return out
    if isinstance(node, ast.Compare):
        left, out = _eval(node.left, env), True
        for op, right in zip(node.ops, node.comparators):
            r = _eval(right, env)
            out = np.logical_and(out, _CMP[type(op)](left, r))
            left = r
        return out
    if isinstance(node, ast.Call):
        return _FUN[node.func.id][1](*[_eval(a, env) for a in node.args])
    raise CircuitError(f"cannot evaluate {ast.dump(node)}")   # unreachable after the check


def evaluate_condition(tree, pre, post, n_pre, n_post, who="connection"):
    """Boolean mask of the pairs (``pre[k]``, ``post[k]``) satisfying the
    parsed condition.

    Examples
    --------
    >>> m = evaluate_condition(check_condition("i < 2 and j != i"), np.array([0, 1, 2, 1]),
    ...                        np.array([0, 0, 1, 2]), 3, 3)
    >>> m.tolist()
    [False, True, False, True]
    """
    env = {"i": pre, "j": post, "N_pre": n_pre, "N_post": n_post, "pi": np.pi}
    with np.errstate(all="ignore"):
        out = _eval(tree, env)
    out = np.broadcast_to(np.asarray(out), np.shape(pre))
    if out.dtype != bool:
        raise CircuitError(f"{who}: condition {ast.unparse(tree)!r} must be a comparison "
                           "(true or false for each pair), not a number")
    return out
