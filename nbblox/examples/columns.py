"""A column built once and placed in four regions of a connectome.

The column is :func:`nbblox.blox.WilsonCowanColumn` (Wilson & Cowan 1972:
an excitatory and an inhibitory population, four connections; ports
``I_syn`` in, ``E`` out; promoted ``tau``).  The regions are the right
hemisphere's ventral visual stream in TVB's 76-region connectome (Sanz
Leon et al. 2013): primary and secondary visual cortex, ventral and
inferior temporal cortex.  Each region's port ``E`` drives the ``I_syn``
port of the regions it projects to, weighted by the tract weights and
delayed by tract length / conduction speed.

>>> import nbblox as nb
>>> brain = visual_stream()                                   # doctest: +SKIP
>>> sol = nb.simulate(brain, 500.0, dt=0.1, params={"rV1.tau": 8.0})   # doctest: +SKIP
>>> sol["**.E.A"].shape                                       # doctest: +SKIP
(4, 5001)

(The doctest is skipped only because it needs the ``tvb-data`` package;
``tests/examples/test_columns.py`` runs it.)
"""
from __future__ import annotations

import numpy as np

__all__ = ["VISUAL_STREAM", "visual_stream", "region_weights"]

#: right ventral visual stream of TVB's 76-region connectome
VISUAL_STREAM = ("rV1", "rV2", "rTCV", "rTCI")


def region_weights(regions=VISUAL_STREAM, connectome="tvb76", speed=3.0):
    """(weights, delays in ms or None) between ``regions``, rows = sources,
    weights scaled so the largest is 1, no self-connections."""
    import nbblox as nb
    cx = nb.data.connectome(connectome)
    idx = [cx.labels.index(r) for r in regions]
    W = cx.weights[np.ix_(idx, idx)].astype(float)
    np.fill_diagonal(W, 0.0)
    W /= W.max()
    D = None if speed is None else cx.delays(speed)[np.ix_(idx, idx)]
    return W, D


def visual_stream(coupling=0.5, speed=3.0, regions=VISUAL_STREAM, connectome="tvb76",
                  column=None):
    """The column placed in each of ``regions``, wired by the connectome.

    Parameters
    ----------
    coupling : float
        Global coupling: scales every inter-regional weight.
    speed : float or None
        Conduction speed in mm/ms (None: no delays).
    regions : sequence of str
        Region labels of the connectome.
    connectome : str
        A name accepted by ``nb.data.connectome``.
    column : Circuit, optional
        The column to copy into each region (default
        ``nb.blox.WilsonCowanColumn()``).

    Returns
    -------
    Circuit
        Composites named after the regions (``"rV1.E.A"`` is V1's
        excitatory activity).
    """
    import nbblox as nb
    W, D = region_weights(regions, connectome, speed)
    col = nb.blox.WilsonCowanColumn(name="column") if column is None else column
    # strength=, not coupling * W: at coupling 0 the connections still exist (weight 0)
    return nb.Circuit.from_adjacency([col.copy(r) for r in regions], W, D, strength=coupling,
                                     name="visual_stream")
