"""The canonical microcircuit (CMC) neural mass of dynamic causal modelling:
four populations of a cortical column, each a second-order synaptic kernel
driven by sigmoid firing of the others.  Time in ms."""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["CanonicalMicroCircuit"]

_POPS = {"ss": "spiny stellate (granular)", "sp": "superficial pyramidal",
         "ii": "inhibitory interneurons", "dp": "deep pyramidal"}
_TAU = {"ss": 2.0, "sp": 2.0, "ii": 16.0, "dp": 28.0}   # spm_fx_cmc: T = [2 2 16 28] ms
# intrinsic connections, (target, source) -> 1/ms; sign = effect.  SPM12 spm_fx_cmc.m
# (r6720): G = [4 4 8 4 4 2 4 4 2 1]*200 /s for G1 ss->ss, G2 sp->ss, G3 ii->ss,
# G4 ii->ii, G5 ss->ii, G6 dp->ii, G7 sp->sp, G8 ss->sp, G9 ii->dp, G10 dp->dp,
# here divided by 1000 (time in ms): 4*200/1000 = 0.8 /ms.
_G = {("ss", "ss"): -0.8, ("ss", "sp"): -0.8, ("ss", "ii"): -1.6,
      ("ii", "ii"): -0.8, ("ii", "ss"): 0.8, ("ii", "dp"): 0.4,
      ("sp", "sp"): -0.8, ("sp", "ss"): 0.8,
      ("dp", "ii"): -0.4, ("dp", "dp"): -0.2}
_EXTRA = {"ss": " + I_syn", "sp": " + I_back", "ii": " + I_back", "dp": ""}


def _text():
    lines = ["# firing of each population: sigmoid centred on zero"]
    lines += [f"S_{p} = 1/(1 + exp(-rho*v_{p})) - 0.5" for p in _POPS]
    for p in _POPS:
        drive = " + ".join(f"g_{p}_{q}*S_{q}" for (t, q) in _G if t == p)
        lines.append(f"dv_{p}/dt = i_{p}")
        lines.append(f"di_{p}/dt = ({drive}{_EXTRA[p]} - 2*i_{p} - v_{p}/tau_{p})/tau_{p}")
    return "\n".join(lines)


def _params():
    ps = {"rho": P(2 / 3, (0.1, 2), 0.01, "1/mV", "sigmoid slope", (1e-9, None))}
    for p, name in _POPS.items():
        ps[f"tau_{p}"] = P(_TAU[p], (0.5, 60), 0.5, "ms", f"synaptic time constant, {name}",
                           (1e-9, None))
    for (t, s), g in _G.items():
        kind = "inhibitory" if g < 0 else "excitatory"
        ps[f"g_{t}_{s}"] = P(g, (-4, 4), 0.01, "1/ms", f"{kind} {s} -> {t} connection")
    return ps


CanonicalMicroCircuit = BloxType(
    "CanonicalMicroCircuit",
    _text(),
    title="canonical microcircuit",
    params=_params(),
    init={f"v_{p}": 0.0 for p in _POPS},
    inputs=("I_syn", "I_back"),
    outputs={"sp": "v_sp", "dp": "v_dp", "eeg": "0.2*v_sp + 0.8*v_dp"},
    kind="neural_mass",
    doc="Cortical column of DCM: spiny stellate (ss), superficial pyramidal (sp), "
        "inhibitory interneurons (ii) and deep pyramidal (dp) populations, each with a "
        "mean depolarisation v (mV) and its derivative i, tau dv'/dt = U - 2 v' - v/tau "
        "with U = sum_j g_ij S(v_j) (+ input). Forward/exogenous input I_syn drives ss; "
        "backward input I_back drives sp and ii; forward outputs leave from 'sp', "
        "backward ones from 'dp'. Constants of SPM12's spm_fx_cmc (the DCM implementation "
        "of Bastos et al. 2012): intrinsic strengths G = [4 4 8 4 4 2 4 4 2] x 200 Hz "
        "and dp self-inhibition 1 x 200 Hz, here in 1/ms (/1000); time constants 2, 2, "
        "16, 28 ms; sigmoid slope 2/3. (SPM scales exogenous input by 32; here I_syn "
        "enters as given.) Superficial cells resonate at higher (beta/gamma) frequencies "
        "than deep cells (alpha/beta).",
    citation="Bastos AM, Usrey WM, Adams RA, Mangun GR, Fries P, Friston KJ (2012). "
             "Canonical microcircuits for predictive coding. Neuron 76:695-711. "
             "doi:10.1016/j.neuron.2012.10.038; Moran R, Pinotsis DA, Friston K (2013). "
             "Neural masses and fields in dynamic causal modeling. Front Comput Neurosci "
             "7:57. doi:10.3389/fncom.2013.00057; SPM12 toolbox/dcm_meeg/spm_fx_cmc.m "
             "(r6720, Wellcome Centre for Human Neuroimaging)",
)
