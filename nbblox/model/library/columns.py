"""Composite columns: circuits of catalog populations, reused as one block.

:func:`WilsonCowanColumn` is the excitatory-inhibitory pair of Wilson &
Cowan (1972) built from two :data:`WilsonCowanPopulation` blox and four
connections, with ports ``I_syn`` (external input to E) and ``E`` (the
excitatory activity).  Its equations are exactly those of the one-blox
``nb.blox.WilsonCowan``, written as a circuit: the column is a composite
made once and placed in as many regions as needed::

    col = nb.blox.WilsonCowanColumn(name="col")
    brain = nb.Circuit.from_adjacency([col.copy(r) for r in ("r1", "r2")], W)
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["WilsonCowanPopulation"]

_WC1972 = ("Wilson HR, Cowan JD (1972). Excitatory and inhibitory interactions in "
           "localized populations of model neurons. Biophys J 12:1-24. "
           "doi:10.1016/S0006-3495(72)86068-5")

WilsonCowanPopulation = BloxType(
    "WilsonCowanPopulation",
    """
    # subtracted sigmoid of the 1972 paper: S(0) = 0, S(inf) = k
    k = 1 - 1/(1 + exp(a*theta))
    S = 1/(1 + exp(-a*(I_syn + P - theta))) - 1/(1 + exp(a*theta))
    dA/dt = (-A + (k - r*A)*S)/tau
    """,
    title="Wilson–Cowan population",
    params={
        "a": P(1.3, (0.1, 5), 0.01, "", "sigmoid slope"),
        "theta": P(4.0, (0, 10), 0.05, "", "sigmoid threshold"),
        "r": P(1.0, (0, 2), 0.01, "", "refractory factor"),
        "P": P(0.0, (-5, 5), 0.01, "", "external drive"),
        "tau": P(10.0, (0.5, 50), 0.5, "ms", "time constant", (1e-9, None)),
    },
    init={"A": 0.1},
    inputs=("I_syn",),
    outputs={"A": "A"},
    units={"A": "1", "I_syn": "1"},
    state_docs={"A": "fraction of cells firing"},
    kind="neural_mass",
    doc="One population (excitatory or inhibitory) of the Wilson-Cowan model: activity A "
        "(fraction of cells firing, dimensionless), input I_syn = the weighted activity "
        "of the populations connected to it. Two of them and four connections make "
        "nb.blox.WilsonCowanColumn; time constant tau = 10 ms stands for the paper's "
        "unit of time.",
    citation=_WC1972,
)


def WilsonCowanColumn(name="column", *, c1=16.0, c2=12.0, c3=15.0, c4=3.0, P=1.25, Q=0.0,
                      a_E=1.3, theta_E=4.0, a_I=2.0, theta_I=3.7, tau=10.0):
    """An excitatory-inhibitory Wilson-Cowan column as a composite circuit.

    Two :data:`WilsonCowanPopulation` blox ``E`` and ``I`` coupled
    ``E -> E`` (``c1``), ``I -> E`` (``-c2``), ``E -> I`` (``c3``),
    ``I -> I`` (``-c4``).  Defaults are the limit-cycle set of Wilson &
    Cowan (1972), as in ``nb.blox.WilsonCowan``, whose equations this
    circuit reproduces.

    Ports: input ``I_syn`` (to E), output ``E`` (E's activity).  Promoted
    parameter: ``tau`` (both populations' time constants).

    Parameters
    ----------
    name : str
        The column's name (its states are ``"<name>.E.A"``, ``"<name>.I.A"``).
    c1, c2, c3, c4 : float
        Coupling strengths (dimensionless).
    P, Q : float
        External drives of E and I.
    a_E, theta_E, a_I, theta_I : float
        Sigmoid slopes and thresholds.
    tau : float
        Time constant of both populations, ms.

    Returns
    -------
    Circuit

    Examples
    --------
    >>> import nbblox as nb
    >>> col = nb.blox.WilsonCowanColumn(name="col")
    >>> brain = nb.Circuit([col.copy("left"), col.copy("right")], name="brain")
    >>> brain.connect("left", "right", weight=0.5)   # left's port E -> right's port I_syn
    ... # doctest: +ELLIPSIS
    <Circuit 'brain': 0 blox, 2 composites, 1 connection>
    >>> s = nb.compile(brain)
    >>> s.params["right.tau"] = 5.0                  # the promoted parameter
    >>> s.params["right.I.tau"], s.params.match("**.theta")
    (5.0, ['left.E.theta', 'left.I.theta', 'right.E.theta', 'right.I.theta'])
    """
    from ..circuit import Circuit
    E = WilsonCowanPopulation(name="E", a=a_E, theta=theta_E, P=P, tau=tau,
                              init={"A": 0.1})
    I = WilsonCowanPopulation(name="I", a=a_I, theta=theta_I, P=Q, tau=tau,
                              init={"A": 0.05})
    col = Circuit([E, I], name=name)
    col.connect(E, E, weight=c1)
    col.connect(I, E, weight=-c2)
    col.connect(E, I, weight=c3)
    col.connect(I, I, weight=-c4)
    col.expose(inputs={"I_syn": "E.I_syn"}, outputs={"E": "E.A"})
    col.promote("tau", "*.tau")
    return col
