# %% [markdown]
# # Lesson 16 — Spike statistics and rhythms in a network
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. measure the firing rate, the irregularity (CV of interspike intervals) and the
#    variability of spike counts (Fano factor) of a population, and say why a short
#    recording biases the CV;
# 2. find a population rhythm in the power spectrum of the population rate (`nb.spectrum`);
# 3. explain how a network can oscillate at over a hundred hertz while each neuron fires
#    only a few times a second, irregularly: *sparse synchrony* (Brunel & Hakim 1999);
# 4. measure synchrony (Golomb's $\chi$) and relate the rhythm's period to the synaptic
#    delay.
#
# The network of Brunel & Hakim (1999): $N = 5000$ inhibitory leaky integrate-and-fire
# neurons. Each receives $C = 1000$ randomly chosen inhibitory inputs and an external
# white-noise drive:
#
# $$\tau \dot V_i = -V_i + \mu_{ext} + \sigma_{ext}\sqrt{\tau}\,\xi_i(t)
#   - J\,\tau \sum_{j \to i} \sum_k \delta(t - t_j^k - D),$$
#
# with $\tau = 20$ ms, threshold 20 mV, reset 10 mV, refractory period 2 ms,
# $\mu_{ext} = 25$ mV, $\sigma_{ext} = 1$ mV, a jump of $J = 0.1$ mV down per presynaptic
# spike and a delay $D = 2$ ms. Without the network, $\mu_{ext} = 25$ mV would make every
# neuron fire regularly; the recurrent inhibition pulls the mean input below threshold.

# %%
import numpy as np
import holoviews as hv
import panel as pn
import nbblox as nb
from nbblox.examples.rhythms import (InhibitoryLIF, inhibitory_network, mean_field_rate,
                                     rate_model_frequency, population_frequency)
from nbblox.examples.noise import lif_isi_cv
nb.setup_notebook()

# %% [markdown]
# ## 1. The network
# `inhibitory_network()` builds it: one population of 5000 `InhibitoryLIF` neurons and one
# projection onto itself (each pair connected with probability $C/N = 0.2$; each spike
# lowers the target's $V$ by $J$ after $D$):

# %%
InhibitoryLIF

# %%
net = inhibitory_network()          # n=5000, C=1000, J=0.1 mV, delay=2 ms
net.projections[0]

# %% [markdown]
# One second of activity, as in Brian2's runs of this network that we compare with below
# (5 million synapses; a few seconds to run). The circuit is compiled once
# (`nb.compile`): section 2 runs the same compiled system again with other inputs, without
# building or compiling anything. Only spikes are recorded (`record=[]`): 5000 voltage
# traces would be 400 MB.

# %%
system = nb.compile(net)
sol = nb.simulate(system, 1000.0, dt=0.1, method="euler", seed=1, record=[])
spikes = nb.spike_trains(sol, "net").select(t_range=(100.0, 1000.0))   # skip 100 ms

# %%
zoom = spikes.select(neurons=range(300), t_range=(500.0, 600.0))
pop_rate = spikes.select(t_range=(500.0, 600.0)).population_rate(0.1, smooth=0.2)
(zoom.plot(width=700, height=230, title="300 of the 5000 neurons, 100 ms")
 + hv.Curve((pop_rate.t, pop_rate.rate), "time (ms)", "rate (Hz per neuron)").opts(
     width=700, height=240, title="population rate (0.1 ms bins, smoothed 0.2 ms)")).cols(1)

# %% [markdown]
# Look at the raster row by row: each neuron fires rarely and at no fixed phase. Look at
# it column by column, or at the population rate: the population waxes and wanes many
# times in 100 ms.
#
# ## 2. Spike statistics
# `nb.spike_trains` gives the spikes of the population in an observation window, with the
# usual statistics (Dayan & Abbott 2001, ch. 1): `.rate` (Hz per neuron), `.rates()`,
# `.trains()` (one array per neuron), `.cv()`, `.fano(window)`, `.population_rate(bin)`,
# `.synchrony(bin)`.
#
# **Exercise 1.** What is the mean firing rate of one neuron (Hz) between 100 ms and
# 1000 ms? Count the spikes yourself (`spikes.time`, `spikes.index`, `spikes.n`) or use
# the statistics above.

# %%
my_rate = None   # replace None by your answer in Hz
### BEGIN SOLUTION
my_rate = spikes.time.size / spikes.n / ((1000.0 - 100.0) / 1000.0)
### END SOLUTION
nb.lessons.check("bh_rate", my_rate)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_rate here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("bh_rate", my_rate)
### END HIDDEN TESTS

# %% [markdown]
# **The theory of the asynchronous state.** If the neurons fired independently, each would
# see the inhibition of $C\nu\tau$ spikes per membrane time constant on average: its
# input has mean $\mu = \mu_{ext} - CJ\nu\tau$ and variance
# $\sigma^2 = \sigma_{ext}^2 + CJ^2\nu\tau$. The rate $\nu$ is then the Siegert rate of
# lesson 14 for that $\mu$ and $\sigma$, and it must be the rate we started from: a
# self-consistent solution (Brunel & Hakim 1999, section 3):

# %%
nu, mu, sigma = mean_field_rate()
print(f"mean field: {nu:.2f} Hz, mean input {mu:.2f} mV (threshold 20 mV), "
      f"fluctuations {sigma:.2f} mV")

# %% tags=["nbval-check-output"]
print("the simulated rate is within 10 % of the mean-field rate:",
      abs(spikes.rate - nu) < 0.1 * nu)

# %% [markdown]
# The mean input, 18 mV, is *below* threshold: the neurons fire on fluctuations, so they
# fire irregularly.
#
# **Irregularity.** The CV of each neuron's interspike intervals, and of all intervals
# pooled (the neurons are alike), against the first-passage theory of lesson 14 at the
# mean-field $\mu$ and $\sigma$:

# %%
cv = spikes.cv()                                   # per neuron (>= 3 spikes), NaN otherwise
intervals = np.concatenate([np.diff(tr) for tr in spikes.trains()])
pooled_cv = intervals.std() / intervals.mean()
print(f"median CV per neuron {np.nanmedian(cv):.2f} ({np.isnan(cv).sum()} neurons with "
      f"fewer than 3 spikes left out); pooled CV {pooled_cv:.2f}; "
      f"theory {lif_isi_cv(mu, sigma):.2f}")
hv.Histogram(np.histogram(intervals, bins=45, range=(0, 900)), kdims="interval (ms)",
             vdims="count").opts(width=500, height=250, title="interspike intervals, pooled")

# %% [markdown]
# Both estimates fall short of the theory. Is the theory wrong, or is the recording too
# short? Two tests. First, the same spikes in longer and longer windows:

# %%
def pooled(st):
    """CV of all interspike intervals of a SpikeTrains, pooled over its neurons."""
    isi = np.concatenate([np.diff(tr) for tr in st.trains()])
    return isi.std() / isi.mean()


windows = (300.0, 600.0, 900.0)
growing = [pooled(spikes.select(t_range=(100.0, 100.0 + w))) for w in windows]
print("pooled CV in windows of", ", ".join(f"{w:.0f} ms: {c:.2f}" for w, c in
                                             zip(windows, growing)))

# %% [markdown]
# Second, the same neurons *unconnected*, each given the mean input and fluctuations the
# network gave it ($\mu$ and $\sigma$ of the mean field): the same compiled system, run
# with every synapse's weight set to 0 (`weights=`) and the external input changed
# (`params=`; `"net.mu_ext"` sets it in every neuron of the population). These neurons
# are exactly what the theory describes, independent and driven by white noise. Since the
# window biases the CV, both must be measured in the *same* window; it need not be long:
# 400 ms, observed from 100 to 400 ms like the network's first window above (each
# network-second costs 5000 × 10 000 noise draws, about 1.5 s of CPU).

# %%
free = nb.simulate(system, 400.0, dt=0.1, method="euler", seed=1, record=[],
                   params={"net.mu_ext": mu, "net.sigma_ext": sigma},
                   weights={"net->net": 0.0})
free_spikes = nb.spike_trains(free, "net").select(t_range=(100.0, 400.0))
short = spikes.select(t_range=(100.0, 400.0))       # the network in the same window
net_cv, free_cv = pooled(short), pooled(free_spikes)
print(f"pooled CV from 100 to 400 ms: network {net_cv:.2f}, unconnected {free_cv:.2f}; "
      f"theory (an endless recording) {lif_isi_cv(mu, sigma):.2f}")

# %% tags=["nbval-check-output"]
print("the pooled CV grows with the window:", growing[0] < growing[1] < growing[2],
      "| network as irregular as unconnected neurons (within 0.05):",
      abs(net_cv - free_cv) < 0.05,
      "| both below theory:", max(net_cv, free_cv) < lif_isi_cv(mu, sigma),
      "| per-neuron median lower still:", np.nanmedian(cv) < pooled_cv - 0.1)

# %% [markdown]
# The neurons of the network are as irregular as the theory's independent neurons: it is
# the window that is short. **Why does a short recording look more regular?** An interval
# counts only if both of its spikes fall in the window, so long intervals are missed more
# often than short ones (and one longer than the window never counts): the long tail of the
# distribution is cut off. Per neuron it is worse: in 0.9 s a neuron firing at 3.6 Hz has
# about 3 spikes, and the neurons whose intervals were long have fewer than 3 and are left
# out.
#
# **Count variability.** The Fano factor is the variance over the mean of the spike count
# in windows of a given length: 1 for a Poisson process at any window, below 1 for
# regular firing.

# %%
for window in (10.0, 50.0, 100.0, 200.0):
    print(f"Fano factor, {window:>5.0f} ms windows: {np.nanmean(spikes.fano(window)):.2f}")

# %% [markdown]
# ## 3. The rhythm: power spectrum of the population rate
# `nb.spectrum` takes the population rate (here in 0.1 ms bins) and gives its power
# spectral density (Welch's method; `resolution=` sets the frequency resolution in Hz).
#
# **Exercise 2.** At what frequency (Hz) does the population oscillate? Take the spectrum
# of `spikes.population_rate(0.1)` with `resolution=5.0` and find its peak between 20 and
# 500 Hz (`.peak_frequency(band=(20, 500))`).

# %%
my_frequency = None   # replace None by your answer in Hz
### BEGIN SOLUTION
psd = nb.spectrum(spikes.population_rate(0.1), resolution=5.0)
my_frequency = psd.peak_frequency(band=(20.0, 500.0))
### END SOLUTION
nb.lessons.check("bh_frequency", my_frequency)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_frequency here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("bh_frequency", my_frequency)
### END HIDDEN TESTS

# %%
psd = nb.spectrum(spikes.population_rate(0.1), resolution=5.0)
psd.plot().opts(width=600, height=280, xlim=(0, 500), logy=True,
                title="power spectrum of the population rate")

# %% [markdown]
# **Two references.** Brian2's example of this paper, run for 1 s (as here) with five
# seeds, peaks at 137.7 Hz on average (137.35-137.92 Hz; recorded in nbblox's tests,
# `tests/sim/test_brian2_conventions.py`). And a *rate model* with delayed inhibition,
# $\tau\dot r = -r - G\,r(t - D)$, starts to oscillate where $\tan(2\pi f D) = -2\pi f\tau$
# (Brunel & Hakim 2008): the period is a little less than four delays.

# %%
f_net = population_frequency(spikes)
print(f"network {f_net:.1f} Hz | Brian2 reference 137.7 Hz | rate model "
      f"{rate_model_frequency(20.0, 2.0):.1f} Hz | 1/(4D) = {1000 / (4 * 2.0):.0f} Hz")

# %% tags=["nbval-check-output"]
print("within 3 % of Brian2's run of the paper's network:", abs(f_net - 137.7) < 0.03 * 137.7,
      "| within 10 % of the rate model:",
      abs(f_net - rate_model_frequency(20.0, 2.0)) < 0.1 * rate_model_frequency(20.0, 2.0))

# %% [markdown]
# **Exercise 3.** On average, how many cycles of the population rhythm pass between two
# spikes of one neuron? (Use your answers to exercises 1 and 2.)

# %%
my_cycles = None   # replace None by your answer (a number of cycles)
### BEGIN SOLUTION
my_cycles = my_frequency / my_rate
### END SOLUTION
nb.lessons.check("bh_cycles_per_spike", my_cycles)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_cycles here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("bh_cycles_per_spike", my_cycles)
### END HIDDEN TESTS

# %% [markdown]
# Each neuron takes part in about one cycle in forty, at random: the rhythm is a property
# of the population, not of its neurons. This is *sparse synchrony*: each cycle a
# different few percent of the neurons fire, enough to inhibit the others for a while.
#
# ## 4. How synchronous? Golomb's $\chi$
# $\chi^2$ is the variance of the population-averaged spike count over the mean variance
# of each neuron's count (Golomb & Rinzel 1993): 1 for identical trains, about
# $1/\sqrt{N}$ for independent ones. Compare with the unconnected neurons of section 2,
# in the same window (100 to 400 ms):

# %%
chi_net, chi_free = short.synchrony(1.0), free_spikes.synchrony(1.0)
print(f"rate: network {short.rate:.2f} Hz, unconnected {free_spikes.rate:.2f} Hz")
print(f"chi (1 ms bins): network {chi_net:.3f}, unconnected {chi_free:.3f}, "
      f"1/sqrt(N) = {1 / np.sqrt(5000):.3f}")
# its 300 ms in 100 ms segments (10 Hz resolution): 5 periodograms averaged, not 2
free_psd = nb.spectrum(free_spikes.population_rate(0.1), resolution=10.0)
(hv.Curve((psd.freqs, psd.power[psd.labels[0]]), "frequency (Hz)", "power (Hz²/Hz)",
          label="network, 100-1000 ms")
 * hv.Curve((free_psd.freqs, free_psd.power[free_psd.labels[0]]), "frequency (Hz)",
            "power (Hz²/Hz)", label="unconnected, same input, 100-400 ms").opts(
                color="#D55E00")).opts(
    width=600, height=300, xlim=(0, 500), ylim=(3e-5, 30), logy=True,
    legend_position="top_right", title="the peak is a network effect")

# %% tags=["nbval-check-output"]
print("the network is several times more synchronous than the unconnected neurons:",
      chi_net > 3 * chi_free)

# %% [markdown]
# $\chi \approx 0.09$ is small: *weak* synchrony. The unconnected neurons fire at nearly
# the same rate and as irregularly, but their population rate is flat.
#
# ## 5. The delay sets the period
# Move the slider: the same network with synaptic delays of 1, 2 and 4 ms, each observed
# from 100 to 300 ms (enough to place the peak: 200 ms hold 9 cycles of the slowest
# rhythm, at 4 ms). A delay is a number the kernel reads, like a weight: `delays=D` runs
# the compiled `system` with every synapse delayed by D ms, without building or compiling
# anything (the same spikes as `inhibitory_network(delay=D)` would give). The 2 ms one is
# the run above, cut to the same window. Watch the peak move, and compare its
# frequency with the rate model's.

# %%
delays = [1.0, 2.0, 4.0]
runs = {2.0: spikes.select(t_range=(100.0, 300.0))}     # the 2 ms run above
for D in (1.0, 4.0):
    s = nb.simulate(system, 300.0, dt=0.1, method="euler", seed=1, record=[], delays=D)
    runs[D] = nb.spike_trains(s, "net").select(t_range=(100.0, 300.0))
freq = {D: population_frequency(runs[D]) for D in delays}


def spectrum_at(D):
    sp = nb.spectrum(runs[D].population_rate(0.1), resolution=5.0)
    return hv.Curve((sp.freqs, sp.power[sp.labels[0]]), "frequency (Hz)",
                    "power (Hz²/Hz)").opts(
        width=450, height=280, xlim=(0, 500), logy=True,
        title=f"D = {D} ms: peak {freq[D]:.0f} Hz, χ = {runs[D].synchrony(1.0):.2f}")


grid = np.linspace(0.8, 4.2, 60)
figure = (hv.HoloMap({D: spectrum_at(D) for D in delays}, kdims="delay D (ms)")
          + (hv.Curve((grid, [rate_model_frequency(20.0, d) for d in grid]), "delay D (ms)",
                      "frequency (Hz)", label="rate model").opts(color="black")
             * hv.Scatter((delays, [freq[D] for D in delays]), "delay D (ms)",
                          "frequency (Hz)", label="network").opts(size=8, color="#D55E00")
             ).opts(width=400, height=280, legend_position="top_right",
                    title="frequency vs delay")).opts(title="", shared_axes=False)
pn.panel(figure, widget_location="top_left")   # the slider above the figures, not beside

# %% tags=["nbval-check-output"]
print("a longer delay gives a slower rhythm:",
      all(freq[a] > freq[b] for a, b in zip(delays, delays[1:])))

# %% [markdown]
# The network follows the rate model's trend, a period of about $4D$, closest near
# $D = 2$ ms. It is faster than the estimate at 1 ms, and with longer delays the rhythm
# grows stronger ($\chi$ rises), the neurons fire more and the oscillation is no longer
# small: it slows below the linear estimate. Brunel &
# Hakim (1999) show that the frequency depends mainly on the synaptic times, and also on
# the external input.
#
# **Question.** Set `J=0.02` (five times weaker inhibition) in `inhibitory_network` and
# look at the spectrum and at $\chi$. Brunel & Hakim found that the oscillation needs the
# inhibitory feedback to be strong enough. What do you see?
#
# ## What you learned
# - Rate, CV and Fano factor describe single-neuron firing; a short recording biases the
#   CV low (long intervals do not fit).
# - The power spectrum of the population rate reveals a rhythm that no single neuron
#   shows: neurons firing at 3.6 Hz, irregularly, make a 137 Hz population oscillation.
# - Delayed inhibition is enough: the period is set by the delay (about $4D$ near onset),
#   and the synchrony is weak ($\chi < 0.1$).
#
# **References.** Brunel N, Hakim V (1999) Neural Comput 11:1621–1671,
# doi:10.1162/089976699300016179. Brunel N, Hakim V (2008) Sparsely synchronized neuronal
# oscillations, Chaos 18:015113, doi:10.1063/1.2779858. Golomb D, Rinzel J (1993) Physica D
# 72:259–282. Dayan P, Abbott LF (2001) Theoretical Neuroscience, ch. 1.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/16_network_rhythms.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/16_network_rhythms.ipynb` in the address bar by `/panel-preview/render/lessons/16_network_rhythms.ipynb`.
