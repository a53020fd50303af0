"""Connection rules of the catalog (data; see :mod:`nbblox.model.wiring`).

A conductance synapse sits between two neurons and needs both voltages:
``connect(pre, syn)`` feeds the presynaptic voltage to ``V_pre`` (kinetic
receptors release transmitter as a function of it), and ``connect(syn,
post)`` adds the synaptic current to the neuron's ``I_syn`` and reads the
neuron's voltage back into ``V_post`` (the driving force ``V_post - E``),
as a Neuroblox user expects from one call per direction.
"""
from __future__ import annotations

from ..wiring import register_rule

__all__ = []

KINETIC = ("AMPA", "NMDA", "GABAA", "GABAB")
CONDUCTANCE = ("ExpCondSynapse", "AlphaCondSynapse", "BiexpCondSynapse")

for _syn in KINETIC:
    register_rule("kind:neuron", _syn, wires=[(None, "V_pre")],
                  doc="the presynaptic voltage drives transmitter release")
for _syn in KINETIC + CONDUCTANCE:
    register_rule(_syn, "kind:neuron", wires=[("I", "I_syn")], back=[(None, "V_post")],
                  doc="the synaptic current enters the neuron, whose voltage sets the "
                      "driving force")
