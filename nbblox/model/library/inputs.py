"""Input blox: constant, step, ramp, pulse train and sinusoid (stateless: an
output expression of time ``t`` in ms), Ornstein-Uhlenbeck noise (needs the
noise support of the simulator) and the Poisson spike source.  Every
continuous input's output is called ``out``; connect it with
``Circuit.connect(src, dst, input="I_ext")`` or to ``I_syn``.  A Poisson
source drives spiking targets through ``on_pre`` (``Circuit.connect(src, dst,
on_pre="V += w")``).  A recorded time series is :func:`TimeSeriesInput`
(``nbblox.model.library.tables``).

>>> import nbblox as nb
>>> src = nb.Population(nb.blox.PoissonSource, n=100, name="src", rate=20.0)
>>> sol = nb.simulate(src, 1000.0, dt=0.1, seed=1)       # ~ 100 * 20 Hz * 1 s spikes
>>> 2000 - 4 * 45 < len(sol.spikes["time"]) < 2000 + 4 * 45
True
"""
from __future__ import annotations

from ..blox import BloxType
from ..params import Parameter as P

__all__ = ["ConstantInput", "StepInput", "RampInput", "PulseTrain", "SinusoidInput",
           "OUNoise", "PoissonSource"]

_KW = dict(kind="input", outputs={"out": "value"})

ConstantInput = BloxType(
    "ConstantInput",
    "value = level",
    title="constant input",
    params={"level": P(1.0, (-10, 10), 0.01, "", "output value (units of the target input)")},
    doc="A constant drive.", citation="(elementary input)", **_KW,
)

StepInput = BloxType(
    "StepInput",
    "value = base + amp*(heaviside(t - onset) - heaviside(t - offset))",
    title="step input",
    params={
        "amp": P(1.0, (-10, 10), 0.01, "", "step height"),
        "base": P(0.0, (-10, 10), 0.01, "", "value outside the step"),
        "onset": P(100.0, (0, 10000), 1, "ms", "step start"),
        "offset": P(1e9, (0, 10000), 1, "ms", "step end (default: never)"),
    },
    doc="base + amp between onset (inclusive) and offset (exclusive); time in ms.",
    citation="(elementary input)", **_KW,
)

RampInput = BloxType(
    "RampInput",
    "value = base + amp*min(max((t - onset)/duration, 0), 1)",
    title="ramp input",
    params={
        "amp": P(1.0, (-10, 10), 0.01, "", "final increase"),
        "base": P(0.0, (-10, 10), 0.01, "", "starting value"),
        "onset": P(0.0, (0, 10000), 1, "ms", "ramp start"),
        "duration": P(1000.0, (1, 10000), 1, "ms", "ramp length", (1e-9, None)),
    },
    doc="Linear ramp from base to base + amp over duration ms (slow ramps trace f-I "
        "curves and hysteresis).", citation="(elementary input)", **_KW,
)

PulseTrain = BloxType(
    "PulseTrain",
    """
    # on while the phase of the train lies within the first `width` ms of each period:
    # cos(phase - pi*width/period) >= cos(pi*width/period)
    phase = 2*pi*(t - onset)/period
    on = heaviside(cos(phase - pi*width/period) - cos(pi*width/period))
    value = base + amp*on*heaviside(t - onset)*(1 - heaviside(t - stop))
    """,
    title="pulse train",
    params={
        "amp": P(1.0, (-10, 10), 0.01, "", "pulse height"),
        "base": P(0.0, (-10, 10), 0.01, "", "value between pulses"),
        "period": P(100.0, (1, 2000), 1, "ms", "time between pulse onsets", (1e-9, None)),
        "width": P(5.0, (0.1, 500), 0.1, "ms", "pulse duration", (0, None)),
        "onset": P(0.0, (0, 10000), 1, "ms", "first pulse"),
        "stop": P(1e9, (0, 10000), 1, "ms", "no pulses from this time on"),
    },
    doc="Rectangular pulses of `width` ms every `period` ms from `onset` until `stop`. "
        "Use dt well below `width`.", citation="(elementary input)", **_KW,
)

SinusoidInput = BloxType(
    "SinusoidInput",
    "value = offset + amp*sin(2*pi*f*t/1000 + phase)",
    title="sinusoidal input",
    params={
        "amp": P(1.0, (0, 10), 0.01, "", "amplitude"),
        "f": P(10.0, (0, 200), 0.1, "Hz", "frequency"),
        "phase": P(0.0, (-3.1416, 3.1416), 0.01, "rad", "phase at t = 0"),
        "offset": P(0.0, (-10, 10), 0.01, "", "mean value"),
    },
    doc="offset + amp*sin(2 pi f t + phase), f in Hz, t in ms.",
    citation="(elementary input)", **_KW,
)

OUNoise = BloxType(
    "OUNoise",
    "dx/dt = (mu - x)/tau + sigma*sqrt(2/tau)*xi",
    title="Ornstein–Uhlenbeck noise",
    params={
        "mu": P(0.0, (-10, 10), 0.01, "", "mean"),
        "sigma": P(1.0, (0, 10), 0.01, "", "stationary standard deviation", (0, None)),
        "tau": P(10.0, (0.1, 1000), 0.1, "ms", "correlation time", (1e-9, None)),
    },
    init={"x": 0.0},
    outputs={"out": "x"},
    kind="input",
    doc="Ornstein-Uhlenbeck process: mean mu, stationary s.d. sigma, correlation time "
        "tau (ms); xi is unit white noise. Needs the simulator's noise support.",
    citation="Uhlenbeck GE, Ornstein LS (1930). On the theory of the Brownian motion. "
             "Phys Rev 36:823-841. doi:10.1103/PhysRev.36.823",
)

PoissonSource = BloxType(
    "PoissonSource",
    "dcount/dt = 0   # spikes emitted so far (the reset counts them)",
    title="Poisson source",
    params={"rate": P(10.0, (0, 200), 0.5, "Hz", "mean firing rate", (0, None))},
    init={"count": 0.0},
    spike="rand() < rate*dt/1000", reset="count += 1", refractory=0.0,
    outputs={"count": "count"},
    kind="input",
    doc="Poisson spike source: in each step of dt ms it fires with probability "
        "rate*dt/1000 (rate in Hz), the Bernoulli approximation of a Poisson process "
        "that Brian2's PoissonGroup also uses; keep rate*dt well below 1000 (rate = "
        "200 Hz at dt = 0.1 ms is 2% per step). Draws come from the run's seed: the same "
        "seed gives the same spikes. A Population of n sources takes a rate per neuron "
        "(an array). For a rate that changes in time write your own type with a spike "
        "condition such as 'rand() < (r0 + r1*sin(2*pi*f*t/1000))*dt/1000' (t is the "
        "step's last stage time). Drive neurons with Circuit.connect(src, dst, "
        "on_pre='V += w').",
    citation="Dayan P, Abbott LF (2001). Theoretical Neuroscience, MIT Press, ch. 1.4 "
             "(Poisson spike generator). ISBN 978-0-262-04199-7",
)
