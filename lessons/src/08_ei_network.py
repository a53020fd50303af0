# %% [markdown]
# # Lesson 8 — A balanced E/I spiking network: raster and rates
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. build a network of 4000 spiking neurons from populations and random connections;
# 2. read a spike raster and compute firing rates, the population rate and its spectrum;
# 3. explain the asynchronous-irregular (AI) state of balanced networks with the CV of
#    interspike intervals, the Fano factor and a synchrony measure;
# 4. see how the inhibitory weight controls activity.
#
# The network is the COBA benchmark of Brette et al. (2007), after Vogels & Abbott (2005):
# 80 % excitatory and 20 % inhibitory leaky integrate-and-fire neurons with
# conductance-based synapses, 2 % random connectivity.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. One population of 4000 neurons
# Conductances $g_e$, $g_i$ (in units of the leak conductance) jump at each incoming spike
# and decay with 5 ms and 10 ms. There is no external input (`Iext = 0`): the random
# initial voltages start the activity and the recurrent excitation sustains it.

# %%
cell = nb.BloxType(
    "COBA_LIF",
    """
    dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El) + Iext)/taum
    dge/dt = -ge/taue
    dgi/dt = -gi/taui
    """,
    # each parameter: (default, slider range, unit); Iext is R*I, a voltage
    params={"taum": (20.0, (5.0, 50.0), "ms"), "taue": (5.0, (2.0, 20.0), "ms"),
            "taui": (10.0, (2.0, 40.0), "ms"), "Ee": (0.0, (-20.0, 20.0), "mV"),
            "Ei": (-80.0, (-100.0, -60.0), "mV"), "El": (-60.0, (-80.0, -40.0), "mV"),
            "Iext": (0.0, (0.0, 30.0), "mV"), "Vt": (-50.0, (-60.0, -40.0), "mV"),
            "Vr": (-60.0, (-80.0, -50.0), "mV")},
    # units of the states: plots label their axes with them ("v (mV)") and nbblox
    # checks that every equation's two sides agree
    units={"v": "mV", "ge": "1", "gi": "1"},
    # a cell starts at rest (the default, 0 mV, is past the threshold: a spike at t = 0)
    init={"v": -60.0},
    spike="v > Vt", reset="v = Vr", refractory=5.0, kind="neuron")
cell

# %% [markdown]
# Above: the equations of the new blox type, as nbblox parsed them. Before wiring 4000 of
# them, try one: drive a single neuron with `Iext` and watch it fire (with `Iext` near
# 10 it just reaches threshold, `Vt - El = 10` mV).

# %%
one = nb.explore(cell(name="one", Iext=15.0), vars=["one.v"], t_end=300.0, dt=0.1,
                 method="euler")
one

# %%
N, NE = 4000, 3200
rng = np.random.default_rng(0)
pop = nb.Population(cell, n=N, name="net", init={"v": rng.normal(-55.0, 5.0, N)})
net = nb.Circuit([pop])
exc, inh = np.arange(NE), np.arange(NE, N)

# %% [markdown]
# ## 2. Random connections
# Each pair is connected with probability 0.02. Excitatory neurons increment $g_e$ of their
# targets, inhibitory ones $g_i$.

# %%
def random_pairs(sources, p, seed):
    r = np.random.default_rng(seed)
    mask = r.random((sources.size, N)) < p
    i, j = np.nonzero(mask)
    return sources[i], j

# %% tags=["nbval-check-output"]
ie, je = random_pairs(exc, 0.02, 1)
ii, ji = random_pairs(inh, 0.02, 2)
net.connect(pop, pop, on_pre="ge += w", weight=0.6, i=ie, j=je)
net.connect(pop, pop, on_pre="gi += w", weight=6.7, i=ii, j=ji)
print(f"{ie.size + ii.size} synapses")

# %% [markdown]
# ## 3. Run one second and look at the raster
# `nb.spike_trains` collects the recorded spikes of the population with its size (silent
# neurons count in the rates) and the observation window, here the whole second.

# %%
system = nb.compile(net)
sol = nb.simulate(system, 1000.0, dt=0.1, method="euler", record=["net[0].v"], stride=10)
st = nb.spike_trains(sol, "net")
st.select(range(400)).plot(title="the first 400 neurons (excitatory)")

# %%
rate = st.rate
print(f"mean rate: {rate:.1f} Hz;  excitatory {st.select(exc).rate:.1f} Hz, "
      f"inhibitory {st.select(inh).rate:.1f} Hz")

# %% tags=["nbval-check-output"]
# robust statements (a spiking network is chaotic: exact counts may move with numba versions)
print("sparse firing (1-50 Hz):", 1.0 < rate < 50.0, "| most neurons fire:",
      np.count_nonzero(st.counts()) > N // 2)

# %% [markdown]
# ## 4. Population activity: asynchronous or synchronous?
# The population rate (spikes per neuron per second in 1 ms bins) fluctuates around its
# mean without a clear rhythm. Golomb's synchrony measure $\chi$ compares the variance of
# the population average with the average variance of single neurons: 1 for identical
# trains, about $1/\sqrt{N}$ for independent ones.

# %%
pop_rate = st.population_rate(bin=1.0)
pop_rate.plot()

# %%
settled = st.select(t_range=(200.0, 1000.0))        # after the initial transient
chi = settled.synchrony(bin=2.0)
print(f"synchrony chi = {chi:.3f}  (independent neurons: 1/sqrt(N) = {1 / np.sqrt(N):.3f}; "
      "identical trains: 1)")
print(f"Fano factor of counts in 100 ms windows (median): "
      f"{np.nanmedian(settled.fano(100.0)):.2f}  (Poisson: 1)")

# %% tags=["nbval-check-output"]
print("far from synchrony (chi < 0.5):", chi < 0.5)

# %% [markdown]
# The power spectrum of the population rate shows whether a rhythm hides in the
# fluctuations (it would stand out as a peak).

# %%
nb.spectrum(settled.population_rate(bin=1.0), resolution=4.0).plot(fmax=250)

# %% [markdown]
# **Exercise.** Is the network in the asynchronous-irregular state? The coefficient of
# variation (CV = std/mean) of each neuron's interspike intervals says how irregular it
# fires: clock-like firing has CV near 0; a Poisson process has CV = 1; irregular, bursty
# firing can exceed 1. `st.cv()` gives one CV per neuron (NaN for neurons with fewer
# than 3 spikes) and `st.isi().plot()` the distribution of intervals. Report the
# median CV over the neurons that have one.

# %%
st.isi().plot(bins=60, title="interspike intervals of all neurons")

# %%
my_median_cv = None   # replace None by your answer (a number)
### BEGIN SOLUTION
my_median_cv = np.nanmedian(st.cv())
### END SOLUTION
nb.lessons.check("coba_irregular", my_median_cv)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_median_cv here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("coba_irregular", my_median_cv)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Inhibition controls activity
# Scale the inhibitory weight. (The weights are runtime values: no recompilation.)

# %%
rates, late = [], []
scales = [0.6, 1.0, 1.5, 2.0]
for k in scales:
    net2 = nb.Circuit([pop])
    net2.connect(pop, pop, on_pre="ge += w", weight=0.6, i=ie, j=je)
    net2.connect(pop, pop, on_pre="gi += w", weight=6.7 * k, i=ii, j=ji)
    s = nb.simulate(net2, 500.0, dt=0.1, method="euler", record=["net[0].v"], stride=50)
    rates.append(nb.spike_trains(s, "net").rate)
    late.append(len(nb.spike_trains(s, "net", t_range=(100.0, 500.0))))
hv.Curve((scales, rates), "inhibitory weight (x 6.7)", "mean rate (Hz)").opts(width=450)

# %% [markdown]
# With too little inhibition (x 0.6) the network does not run away: most neurons fire in
# one synchronous burst at the start, they are reset together, and since nothing drives
# the network from outside, it falls silent. From the balanced weight up,
# activity sustains itself, and more inhibition lowers the rate.

# %% tags=["nbval-check-output"]
print("weak inhibition (x 0.6): spikes after the first 100 ms:", late[0])
print("from balance up, more inhibition lowers the rate:", rates[1] > rates[2] > rates[3])

# %% [markdown]
# ## What you learned
# - Populations and random projections build thousands of spiking neurons in a few lines;
#   spikes travel event by event, so the cost grows with the number of spikes.
# - Balanced excitation and inhibition give irregular (CV near 1), asynchronous (small
#   $\chi$) firing at low rates; `nb.spike_trains` measures both.
# - Stronger inhibition lowers the rate; with too little inhibition the network fires one
#   synchronous burst and falls silent: balance is what sustains the activity.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/08_ei_network.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/08_ei_network.ipynb` in the address bar by `/panel-preview/render/lessons/08_ei_network.ipynb`.
