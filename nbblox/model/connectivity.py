"""Connectivity rules: which (pre, post) pairs a connection joins.

:func:`connectivity` turns one rule into index arrays: ``p=`` (independent
Bernoulli draws over all pairs, by geometric skips, seeded and shared while a
projection holds them), explicit ``i=``/``j=`` arrays, a dense or scipy.sparse
``matrix=`` (``matrix[pre, post]`` = weight factor), ``one_to_one=True`` or
all-to-all; Brian2's ``condition=`` restricts the pairs of any rule
(:mod:`nbblox.model.conditions`) and ``autapses=False`` drops ``i == j``.  The
memory a draw would take is refused before drawing
(:func:`nbblox.limits.check_memory`).  :class:`~nbblox.model.projection.Projection`
stores the result.
"""
from __future__ import annotations

import weakref

import numpy as np

from ..exceptions import CircuitError
from ..limits import BYTES_PER_SYNAPSE, check_memory

__all__ = ["connectivity", "MAX_SYNAPSES"]

MAX_SYNAPSES = 500_000_000


def _bernoulli(n_pre, n_post, p, rng):
    """(pre, post) of independent Bernoulli(p) draws over all pairs, found by
    geometric skips so the cost grows with the synapses, not n_pre*n_post."""
    total = n_pre * n_post
    if p == 0.0 or total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if p == 1.0:
        flat = np.arange(total, dtype=np.int64)
    else:
        chunks, pos = [], -1
        block = max(1024, int(total * p * 1.1) + 64)
        while pos < total:
            gaps = rng.geometric(p, size=block).astype(np.int64, copy=False)
            run = pos + np.cumsum(gaps)
            chunks.append(run[run < total])
            pos = int(run[-1])
        flat = np.concatenate(chunks)
    return flat // n_post, flat % n_post


#: Bernoulli draws that a projection still holds, by (n_pre, n_post, p, seed): the same
#: arguments give the same draw, so a circuit built again (a lesson's exercise checker,
#: the same network with another delay) shares it instead of drawing 5 million synapses
#: again (0.6 s).  Weak: nothing is kept alive.  Read-only, so no projection changes it.
_draws = weakref.WeakValueDictionary()


def _seeded_bernoulli(n_pre, n_post, p, seed):
    """:func:`_bernoulli` with a seeded generator, shared while some projection holds it."""
    key = (int(n_pre), int(n_post), float(p), seed)
    pre, post = _draws.get(key + ("pre",)), _draws.get(key + ("post",))
    if pre is None or post is None:
        pre, post = _bernoulli(n_pre, n_post, p, np.random.default_rng(seed))
        pre.flags.writeable = post.flags.writeable = False
        _draws[key + ("pre",)], _draws[key + ("post",)] = pre, post
    return pre, post


def _check_synapse_memory(n, who):
    """Refuse before drawing when ``n`` synapses would not fit the memory budget."""
    check_memory(n * BYTES_PER_SYNAPSE, f"{who}: about {n:.3g} synapses", CircuitError,
                 f"{BYTES_PER_SYNAPSE} bytes each to draw, compile and run; lower p or n")


def connectivity(n_pre, n_post, *, p=None, i=None, j=None, matrix=None, one_to_one=False,
                 seed=None, autapses=True, condition=None, who="connection"):
    """(pre, post, matrix weights or None) for one connectivity rule.

    Examples
    --------
    >>> pre, post, _ = connectivity(2, 3, i=[0, 1], j=[2, 0])
    >>> pre.tolist(), post.tolist()
    ([0, 1], [2, 0])
    """
    given = [x is not None for x in (p, matrix)] + [i is not None or j is not None, one_to_one]
    if sum(given) > 1:
        raise CircuitError(f"{who}: give only one of p=, i=/j=, matrix= or one_to_one=True")
    vals = None
    if p is not None:
        try:
            p = float(p)
        except (TypeError, ValueError):
            raise CircuitError(f"{who}: p must be a probability, got {p!r}") from None
        if not 0.0 <= p <= 1.0:
            raise CircuitError(f"{who}: connection probability p = {p} is outside [0, 1]")
        if n_pre * n_post * p > MAX_SYNAPSES:
            raise CircuitError(f"{who}: about {n_pre * n_post * p:.3g} synapses is more than "
                               f"{MAX_SYNAPSES}")
        _check_synapse_memory(n_pre * n_post * p, who)
        pre, post = (_seeded_bernoulli(n_pre, n_post, p, int(seed))
                     if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
                     else _bernoulli(n_pre, n_post, p, np.random.default_rng(seed)))
    elif i is not None or j is not None:
        if i is None or j is None:
            raise CircuitError(f"{who}: give both i= (presynaptic) and j= (postsynaptic)")
        try:
            pre = np.asarray(i).ravel()
            post = np.asarray(j).ravel()
        except (TypeError, ValueError):
            raise CircuitError(f"{who}: i= and j= must be flat lists of whole numbers") from None
        for arr, nm in ((pre, "i"), (post, "j")):
            if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.number)):
                raise CircuitError(f"{who}: {nm}= must hold whole numbers, not "
                                   f"{arr.dtype.kind!r}-kind values")
            if arr.size and not np.issubdtype(arr.dtype, np.integer):
                if not np.all(np.mod(arr, 1) == 0):
                    raise CircuitError(f"{who}: {nm}= must hold whole numbers")
        pre, post = pre.astype(np.int64), post.astype(np.int64)
        if pre.shape != post.shape:
            raise CircuitError(f"{who}: i has {pre.size} entries but j has {post.size}")
        _check_synapse_memory(pre.size, who)
    elif matrix is not None:
        try:
            import scipy.sparse as sps
        except ImportError:  # pragma: no cover
            sps = None
        if sps is not None and sps.issparse(matrix):
            if matrix.shape != (n_pre, n_post):
                raise CircuitError(f"{who}: matrix has shape {matrix.shape}; it must be "
                                   f"(n_pre, n_post) = ({n_pre}, {n_post})")
            coo = sps.coo_matrix(matrix)
            keep = coo.data != 0
            pre, post, vals = coo.row[keep], coo.col[keep], coo.data[keep].astype(float)
        else:
            M = np.asarray(matrix, dtype=float)
            if M.shape != (n_pre, n_post):
                raise CircuitError(f"{who}: matrix has shape {M.shape}; it must be "
                                   f"(n_pre, n_post) = ({n_pre}, {n_post})")
            pre, post = np.nonzero(M)
            vals = M[pre, post]
        pre, post = pre.astype(np.int64), post.astype(np.int64)
        if vals is not None and not np.all(np.isfinite(vals)):
            raise CircuitError(f"{who}: matrix holds NaN or inf")
    elif one_to_one:
        if n_pre != n_post:
            raise CircuitError(f"{who}: one_to_one needs equal sizes, got {n_pre} and {n_post}")
        pre = post = np.arange(n_pre, dtype=np.int64)
    elif condition is not None:   # all pairs that satisfy it, a block of rows at a time
        pre, post = _all_pairs_where(condition, n_pre, n_post, who)
        condition = None
    else:
        _check_synapse_memory(n_pre * n_post, who)
        pre, post = np.repeat(np.arange(n_pre), n_post), np.tile(np.arange(n_post), n_pre)
    if condition is not None:     # Brian2's condition= restricts the pairs of any rule
        from .conditions import evaluate_condition
        keep = evaluate_condition(condition, pre, post, n_pre, n_post, who)
        pre, post = pre[keep], post[keep]
        vals = None if vals is None else vals[keep]
    if pre.size and (pre.min() < 0 or pre.max() >= n_pre):
        raise CircuitError(f"{who}: presynaptic index out of range [0, {n_pre})")
    if post.size and (post.min() < 0 or post.max() >= n_post):
        raise CircuitError(f"{who}: postsynaptic index out of range [0, {n_post})")
    if not autapses:
        keep = pre != post
        pre, post = pre[keep], post[keep]
        vals = None if vals is None else vals[keep]
    return pre, post, vals


def _all_pairs_where(condition, n_pre, n_post, who, block=2_000_000):
    from .conditions import evaluate_condition
    rows = max(1, block // max(n_post, 1))
    pres, posts = [], []
    for a in range(0, n_pre, rows):
        b = min(n_pre, a + rows)
        pre = np.repeat(np.arange(a, b, dtype=np.int64), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int64), b - a)
        keep = evaluate_condition(condition, pre, post, n_pre, n_post, who)
        pres.append(pre[keep]), posts.append(post[keep])
    return np.concatenate(pres), np.concatenate(posts)
