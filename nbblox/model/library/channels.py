"""Ion channels and ``ConductanceNeuron``: single-compartment neurons built by
concatenating a soma equation with channel equations (NeuronBuilder style).

A :class:`Channel` is data: gating equations (steady state and time constant
per gate, or free ``dX/dt`` text), a current expression and parameters, all
written with *local* names (``m``, ``h``, ``g``, ``E``).  Building a neuron
suffixes every local name with the channel's name (``m`` -> ``m_NaV``, ``g``
-> ``g_NaV``), so channels never collide.  Channel expressions may use the
membrane potential ``V`` and, when calcium dynamics are on, the intracellular
calcium ``Ca`` (uM) and its Nernst potential ``E_Ca``.

The library channels are the stomatogastric-neuron currents of Liu et al.
1998 as tabulated by Prinz, Billimoria & Marder 2003.  Units: time ms, V mV,
conductance mS/cm^2, current uA/cm^2, capacitance uF/cm^2, Ca in uM.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ...exceptions import EquationError, ParameterError, suggest
from ..blox import BloxType
from ..params import Parameter, as_parameter

__all__ = ["Channel", "ConductanceNeuron", "NaV", "CaT", "CaS", "KA", "KCa", "Kdr", "H",
           "Leak", "CHANNELS"]

_GLOBAL = {"V", "Ca", "E_Ca", "t", "pi"}


def _g(default):
    return Parameter(default, (0, max(4 * default, 1.0)), None, "mS/cm^2",
                     "maximal conductance", (0, None))


@dataclass(frozen=True)
class Channel:
    """One ionic current, in local names.

    Parameters
    ----------
    name : str
        Suffix for every local name (``"NaV"`` -> ``m_NaV``, ``g_NaV``).
    current : str
        Expression of the outward current (uA/cm^2), e.g. ``"g*m**3*h*(V - E)"``.
    gates : dict, optional
        ``{gate: (steady_state, time_constant_ms)}``: each gives
        ``d gate/dt = (steady_state - gate)/time_constant``.
    equations : str, optional
        Extra equation text (auxiliaries or ``dX/dt`` lines) for gates written
        another way, e.g. with alpha/beta rates.
    params : dict
        Local parameter name -> :class:`Parameter` (or number / tuple).
    calcium : bool
        True if this is a calcium current (it feeds the calcium pool).
    init : dict
        Initial gate values.
    doc : str

    Examples
    --------
    >>> kir = Channel("Kir", "g*r*(V - E)", gates={"r": ("1/(1 + exp((V + 80)/10))", "5")},
    ...               params={"g": 0.5, "E": -90.0})
    >>> nrn = ConductanceNeuron([kir, Leak], name="Cell")
    >>> nrn.states
    ('V', 'r_Kir')
    """

    name: str
    current: str
    gates: dict = field(default_factory=dict)
    equations: str = ""
    params: dict = field(default_factory=dict)
    calcium: bool = False
    init: dict = field(default_factory=dict)
    doc: str = ""

    def local_names(self):
        """Names this channel defines (renamed with its suffix)."""
        names = set(self.gates) | set(self.params)
        for line in self.equations.splitlines():
            m = re.match(r"\s*(?:d\s*([A-Za-z]\w*)\s*/\s*dt|([A-Za-z]\w*))\s*=", line)
            if m:
                names.add(m.group(1) or m.group(2))
        for gate in self.gates:
            names.update({f"{gate}_inf", f"tau_{gate}"})
        return names

    def text(self):
        """Equation text in global (suffixed) names, plus the current's name."""
        lines = [self.equations]
        for gate, (inf, tau) in self.gates.items():
            lines += [f"{gate}_inf = {inf}", f"tau_{gate} = {tau}",
                      f"d{gate}/dt = ({gate}_inf - {gate})/tau_{gate}"]
        lines.append(f"I = {self.current}")
        local = self.local_names() | {"I"}
        clash = local & _GLOBAL
        if clash:
            raise EquationError(f"channel '{self.name}' redefines {sorted(clash)}, which "
                                "belong to the soma", blox=self.name)
        text = "\n".join(lines)
        # derivative heads first: in "dm/dt" the gate name is glued to the d
        text = re.sub(r"\bd([A-Za-z]\w*)(\s*/\s*dt)\b",
                      lambda m: f"d{m.group(1)}_{self.name}{m.group(2)}"
                      if m.group(1) in local else m.group(0), text)
        pattern = re.compile(r"\b(" + "|".join(sorted(local, key=len, reverse=True)) + r")\b")
        return pattern.sub(lambda m: f"{m.group(1)}_{self.name}", text)

    def with_params(self, **values):
        """A copy with new parameter defaults, e.g. ``NaV.with_params(g=100)``."""
        ps = {k: as_parameter(v, k, self.name) for k, v in self.params.items()}
        for k, v in values.items():
            if k not in ps:
                raise ParameterError(f"channel '{self.name}' has no parameter '{k}'."
                                     + suggest(k, ps))
            ps[k] = as_parameter(ps[k].with_default(v) if not isinstance(v, Parameter) else v,
                                 k, self.name)
        return Channel(self.name, self.current, dict(self.gates), self.equations, ps,
                       self.calcium, dict(self.init), self.doc)


def _bolt(vh, k):
    """Boltzmann steady state 1/(1 + exp((V + vh)/k))."""
    return f"1/(1 + exp((V + {vh})/{k}))"


NaV = Channel("NaV", "g*m**3*h*(V - E)",
              gates={"m": (_bolt(25.5, -5.29), "2.64 - 2.52/(1 + exp((V + 120)/-25))"),
                     "h": (_bolt(48.9, 5.18), "1.34/(1 + exp((V + 62.9)/-10))*"
                           "(1.5 + 1/(1 + exp((V + 34.9)/3.6)))")},
              params={"g": _g(100.0), "E": Parameter(50.0, (0, 100), 1, "mV", "reversal potential")},
              init={"m": 0.0, "h": 1.0}, doc="fast sodium")
CaT = Channel("CaT", "g*m**3*h*(V - E_Ca)",
              gates={"m": (_bolt(27.1, -7.2), "43.4 - 42.6/(1 + exp((V + 68.1)/-20.5))"),
                     "h": (_bolt(32.1, 5.5), "210 - 179.6/(1 + exp((V + 55)/-16.9))")},
              params={"g": _g(2.5)}, calcium=True, init={"m": 0.0, "h": 1.0},
              doc="transient (T-type) calcium")
CaS = Channel("CaS", "g*m**3*h*(V - E_Ca)",
              gates={"m": (_bolt(33, -8.1), "2.8 + 14/(exp((V + 27)/10) + exp((V + 70)/-13))"),
                     "h": (_bolt(60, 6.2), "120 + 300/(exp((V + 55)/9) + exp((V + 65)/-16))")},
              params={"g": _g(6.0)}, calcium=True, init={"m": 0.0, "h": 1.0},
              doc="slow calcium")
KA = Channel("KA", "g*m**3*h*(V - E)",
             gates={"m": (_bolt(27.2, -8.7), "23.2 - 20.8/(1 + exp((V + 32.9)/-15.2))"),
                    "h": (_bolt(56.9, 4.9), "77.2 - 58.4/(1 + exp((V + 38.9)/-26.5))")},
             params={"g": _g(50.0), "E": Parameter(-80.0, (-110, -50), 1, "mV", "reversal potential")},
             init={"m": 0.0, "h": 1.0}, doc="A-type transient potassium")
KCa = Channel("KCa", "g*m**4*(V - E)",
              gates={"m": (f"Ca/(Ca + 3)*{_bolt(28.3, -12.6)}",
                           "180.6 - 150.2/(1 + exp((V + 46)/-22.7))")},
              params={"g": _g(5.0), "E": Parameter(-80.0, (-110, -50), 1, "mV", "reversal potential")},
              init={"m": 0.0}, doc="calcium-dependent potassium (needs calcium dynamics)")
Kdr = Channel("Kdr", "g*m**4*(V - E)",
              gates={"m": (_bolt(12.3, -11.8), "14.4 - 12.8/(1 + exp((V + 28.3)/-19.2))")},
              params={"g": _g(100.0), "E": Parameter(-80.0, (-110, -50), 1, "mV", "reversal potential")},
              init={"m": 0.0}, doc="delayed-rectifier potassium")
H = Channel("H", "g*m*(V - E)",
            gates={"m": (_bolt(70, 6), "272 + 1499/(1 + exp((V + 42.2)/-8.73))")},
            params={"g": _g(0.01), "E": Parameter(-20.0, (-50, 0), 1, "mV", "reversal potential")},
            init={"m": 0.0}, doc="hyperpolarisation-activated mixed cation")
Leak = Channel("Leak", "g*(V - E)",
               params={"g": _g(0.1), "E": Parameter(-50.0, (-90, -30), 0.5, "mV", "reversal potential")},
               doc="leak")

CHANNELS = {c.name: c for c in (NaV, CaT, CaS, KA, KCa, Kdr, H, Leak)}

_PRINZ = ("Prinz AA, Billimoria CP, Marder E (2003). Alternative to hand-tuning "
          "conductance-based models: construction and analysis of databases of model "
          "neurons. J Neurophysiol 90:3998-4015. doi:10.1152/jn.00641.2003; Liu Z, Golowasch "
          "J, Marder E, Abbott LF (1998). A model neuron with activity-dependent conductances "
          "regulated by multiple calcium sensors. J Neurosci 18:2309-2320. "
          "doi:10.1523/JNEUROSCI.18-07-02309.1998; Prinz AA, Bucher D, Marder E (2004). "
          "Similar network activity from disparate circuit parameters. Nat Neurosci "
          "7:1345-1352. doi:10.1038/nn1352")

#: named neurons: channel list + conductances (mS/cm^2)
PRESETS = {
    # AB/PD model 1 of Prinz, Bucher & Marder 2004 (leak present at zero conductance)
    "stg_burster": (("NaV", "CaT", "CaS", "KA", "KCa", "Kdr", "H", "Leak"),
                    {"g_NaV": 400.0, "g_CaT": 2.5, "g_CaS": 6.0, "g_KA": 50.0, "g_KCa": 10.0,
                     "g_Kdr": 100.0, "g_H": 0.01, "g_Leak": 0.0, "E_Leak": -50.0}),
}

_SOMA_PARAMS = {
    "C": Parameter(1.0, (0.1, 5), 0.1, "uF/cm^2", "membrane capacitance", (1e-9, None)),
    "I": Parameter(0.0, (-10, 10), 0.01, "uA/cm^2", "injected current"),
}
_CA_PARAMS = {
    "tau_Ca": Parameter(200.0, (10, 1000), 1, "ms", "calcium buffering time constant", (1e-9, None)),
    "Ca0": Parameter(0.05, (0, 1), 0.01, "uM", "resting intracellular calcium", (0, None)),
    "f_Ca": Parameter(14.96, (0, 50), 0.01, "uM/nA", "calcium influx per inward current", (0, None)),
    "area": Parameter(6.28e-4, (1e-5, 1e-2), 1e-5, "cm^2", "membrane area (converts uA/cm^2 to nA)",
                      (1e-12, None)),
    "Ca_out": Parameter(3000.0, (100, 10000), 10, "uM", "extracellular calcium", (1e-9, None)),
}


def _resolve(ch, blox):
    if isinstance(ch, Channel):
        return ch
    if isinstance(ch, str) and ch in CHANNELS:
        return CHANNELS[ch]
    raise ParameterError(f"{blox}: unknown channel {ch!r}; library channels: "
                         f"{', '.join(CHANNELS)} (or pass a Channel)." + suggest(str(ch), CHANNELS))


def ConductanceNeuron(channels=None, *, name="ConductanceNeuron", preset=None, C=1.0,
                      V0=-60.0, steady_gates=True, **defaults):
    """Build a single-compartment neuron type from ion channels.

    Parameters
    ----------
    channels : list of Channel or str
        Library names (``"NaV"``, ``"CaT"``, ``"CaS"``, ``"KA"``, ``"KCa"``,
        ``"Kdr"``, ``"H"``, ``"Leak"``) or your own :class:`Channel`.  A leak
        channel is required.
    name : str
        Name of the new blox type.
    preset : str, optional
        A named neuron: ``"stg_burster"`` (the bursting AB/PD model 1 of Prinz,
        Bucher & Marder 2004: all eight channels, Liu et al. 1998 kinetics as
        tabulated by Prinz et al. 2003).
    C : float
        Membrane capacitance (uF/cm^2), > 0.
    V0 : float
        Initial membrane potential (mV).
    steady_gates : bool
        Start every gate given as ``(steady_state, tau)`` at its steady state
        for ``V0`` (and the initial calcium), as NeuronBuilder.jl does, so a
        run starts without an artificial gating transient; False keeps the
        channels' own ``init``.  (A blox made with ``init={"V": ...}`` later
        keeps these gate values: build the type with that ``V0`` instead.)
    **defaults
        New defaults for any parameter, e.g. ``g_NaV=120`` or ``E_Leak=-55``.

    Returns
    -------
    BloxType
        Call it to make a blox: ``ConductanceNeuron([...])(name="cell", I=0.5)``.
        States: ``V``, the gates (``m_NaV``, ...) and ``Ca`` when a channel
        carries or senses calcium (then ``E_Ca`` follows Nernst).

    Examples
    --------
    >>> import nbblox as nb
    >>> STG = nb.blox.ConductanceNeuron(preset="stg_burster")
    >>> STG.params["g_CaS"].default, STG.states[:3]
    (6.0, ('V', 'Ca', 'm_NaV'))
    >>> nb.blox.ConductanceNeuron(["NaV", "Kdr"])
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: ConductanceNeuron: no leak channel; add nb.blox.channels.Leak (every membrane leaks).
    """
    if preset is not None:
        if preset not in PRESETS:
            raise ParameterError(f"{name}: no preset '{preset}'; valid presets: "
                                 f"{', '.join(sorted(PRESETS))}.")
        names, pdefaults = PRESETS[preset]
        channels = list(channels or names)
        defaults = {**pdefaults, **defaults}
    if not channels:
        raise ParameterError(f"{name}: give at least one channel (and a leak)")
    chans = [_resolve(c, name) for c in channels]
    seen = set()
    for c in chans:
        if c.name in seen:
            raise ParameterError(f"{name}: channel '{c.name}' is listed twice")
        seen.add(c.name)
    if not any(c.name.lower().startswith("leak") for c in chans):
        raise ParameterError(f"{name}: no leak channel; add nb.blox.channels.Leak "
                             "(every membrane leaks).")
    if C is None:
        raise ParameterError(f"{name}: parameter 'C' (membrane capacitance) is required")
    texts = [c.text() for c in chans]
    uses_ca = any(c.calcium for c in chans) or any(
        re.search(r"\b(Ca|E_Ca)\b", t) for t in texts)
    params = {"C": _SOMA_PARAMS["C"], "I": _SOMA_PARAMS["I"]}
    init = {"V": float(V0)}
    for c in chans:
        for k, p in c.params.items():
            params[f"{k}_{c.name}"] = as_parameter(p, f"{k}_{c.name}", name)
        for k, v in c.init.items():
            init[f"{k}_{c.name}"] = v
    # soma first (forward references to the channel currents are allowed), so
    # the states read V, Ca, then the gates
    lines = [f"dV/dt = (I + I_syn - ({' + '.join(f'I_{c.name}' for c in chans)}))/C"]
    if uses_ca:
        params.update(_CA_PARAMS)
        init["Ca"] = 0.05
        ca = [f"I_{c.name}" for c in chans if c.calcium] or ["0"]
        lines += ["E_Ca = 12.193*log(Ca_out/Ca)   # Nernst, mV",
                  f"dCa/dt = (-f_Ca*area*1000*({' + '.join(ca)}) - Ca + Ca0)/tau_Ca"]
    lines += texts
    defaults = {"C": C, **defaults}
    for k, v in defaults.items():
        if k not in params:
            raise ParameterError(f"{name}: no parameter '{k}'." + suggest(k, params))
        params[k] = as_parameter(params[k].with_default(v) if not isinstance(v, Parameter)
                                 else v, k, name)
    doc = ("Single-compartment conductance-based neuron with channels "
           + ", ".join(f"{c.name}" + (f" ({c.doc})" if c.doc else "") for c in chans)
           + ". Time ms, V mV, currents µA/cm², conductances mS/cm²"
           + (", Ca uM (E_Ca from Nernst)." if uses_ca else "."))
    title = "conductance-based neuron" if name == "ConductanceNeuron" else None
    make = lambda init: BloxType(name, "\n".join(lines), params, init=init,  # noqa: E731
                                 title=title, kind="neuron", doc=doc, citation=_PRINZ, inputs=("I_syn",),
                                 outputs={"V": "V"})
    btype = make(init)
    if steady_gates:
        steady = _steady_gates(btype, chans, init)
        if steady:
            btype = make({**init, **steady})
    return btype


def _steady_gates(btype, chans, init):
    """{gate state: its steady-state value at the initial V and Ca} for the
    gates given as (steady_state, tau), evaluated from the parsed equations."""
    import sympy as sp
    values = {sp.Symbol(k, real=True): v.default for k, v in btype.params.items()}
    values.update({sp.Symbol(k, real=True): float(v) for k, v in init.items()})
    aux = {}
    for nm, expr in btype.eqs.aux.items():      # in order: later ones use earlier ones
        aux[nm] = expr.xreplace(values).xreplace(
            {sp.Symbol(k, real=True): v for k, v in aux.items()})
    out = {}
    for c in chans:
        for gate in c.gates:
            try:
                val = float(aux[f"{gate}_inf_{c.name}"].evalf())
            except (KeyError, TypeError, ValueError):
                continue   # not a plain number at rest: keep the channel's init
            if math.isfinite(val):
                out[f"{gate}_{c.name}"] = val
    return out
