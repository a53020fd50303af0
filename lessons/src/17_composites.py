# %% [markdown]
# # Lesson 17 — Building a circuit from composites: a chain of cortical columns
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. turn a small circuit (a cortical column) into a *block* with input and output
#    *ports* and a *promoted* parameter;
# 2. place copies of it in a larger circuit and read the *hierarchical names* of their
#    parts (`col2.E.A`);
# 3. set many parameters at once with *selectors* (`col*.E.tau`, `**.tau`,
#    `type:WilsonCowanPopulation.theta`) and know what each matches;
# 4. say what the compiler sees: ports and composites become plain connections between
#    the populations inside.
#
# Real circuits repeat themselves: a cortical column is the same few populations wired
# the same way, in every area. Instead of writing 2 populations × 4 connections for each
# column, we build the column once, give it a front panel (ports, a few parameters) and
# reuse it like a blox.
#
# The column is Wilson & Cowan's (1972) excitatory–inhibitory pair. Each population's
# activity $A$ (the fraction of its cells firing per unit time) obeys
#
# $$\tau\,\dot A = -A + (k - rA)\,S(I_{syn} + P), \qquad
#   S(x) = \frac{1}{1 + e^{-a(x - \theta)}} - \frac{1}{1 + e^{a\theta}},$$
#
# with $I_{syn}$ the weighted activity of the populations connected to it:
# $I_{syn}^E = c_1 A_E - c_2 A_I$ and $I_{syn}^I = c_3 A_E - c_4 A_I$
# ($c_1..c_4 = 16, 12, 15, 3$, $P = 1.25$: the paper's limit-cycle set).

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.examples.chain import ei_column, column_chain
nb.setup_notebook()

# %% [markdown]
# ## 1. One column, as a circuit
# Two `WilsonCowanPopulation` blox and four connections:

# %%
E = nb.blox.WilsonCowanPopulation(name="E", a=1.3, theta=4.0, P=1.25)
I = nb.blox.WilsonCowanPopulation(name="I", a=2.0, theta=3.7, init={"A": 0.05})
col = nb.Circuit([E, I], name="col")
col.connect(E, E, weight=16.0)      # c1
col.connect(I, E, weight=-12.0)     # -c2
col.connect(E, I, weight=15.0)      # c3
col.connect(I, I, weight=-3.0)      # -c4
nb.compile(col).equations()["E.A"]

# %% [markdown]
# These are the equations of the one-blox `nb.blox.WilsonCowan` of lesson 5, written as a
# circuit. Same equations, same trajectory:

# %%
one = nb.simulate(nb.blox.WilsonCowan(name="wc"), 300.0, dt=0.05)
two = nb.simulate(col, 300.0, dt=0.05)
ylabel = "E activity (fraction firing)"
(hv.Curve((one.t, one["wc.E"]), "time (ms)", ylabel, label="the Wilson–Cowan blox")
 * hv.Curve((two.t, two["E.A"]), "time (ms)", ylabel, label="the column circuit").opts(
     line_dash="dashed", color="#D55E00")).opts(
    width=760, height=260, legend_position="right",
    title="one Wilson–Cowan blox and the column built from two populations")

# %% tags=["nbval-check-output"]
print("the column circuit reproduces the one-blox model:",
      np.abs(one["wc.E"] - two["E.A"]).max() < 1e-9)

# %% [markdown]
# ## 2. A front panel: ports and a promoted parameter
# From outside, a column should be one thing with an input and an output, not two
# populations to wire by hand each time:
#
# - an **input port** `drive` feeds E with factor 1 and I with factor 0.5 (a connection
#   into the port becomes two connections, with the weight times each factor);
# - an **output port** `out` is E's activity;
# - a **promoted parameter** `tau` sets both populations' time constants at once.

# %%
col.expose(inputs={"drive": {"E.I_syn": 1.0, "I.I_syn": 0.5}}, outputs={"out": "E.A"})
col.promote("tau", "*.tau")
print("inputs:", col.inputs)
print("outputs:", col.outputs)
print("promoted:", col.promoted)

# %% [markdown]
# `nbblox.examples.chain.ei_column` builds exactly this column (the exercises' checkers
# use it):

# %% tags=["nbval-check-output"]
print("the same column as ei_column('col'):", col == ei_column("col"))

# %% [markdown]
# ## 3. Copies in a chain
# `col.copy("col1")` is an independent copy named `col1`. Three of them, wired
# `col1 -> col2 -> col3` from port `out` to port `drive`, with weight 0.5 and a 5 ms
# conduction delay:

# %%
chain = nb.Circuit([col.copy("col1"), col.copy("col2"), col.copy("col3")], name="chain")
chain.connect("col1", "col2", weight=0.5, delay=5.0)
chain.connect("col2", "col3", weight=0.5, delay=5.0)
print(chain)

# %% tags=["nbval-check-output"]
print("the same chain as column_chain(3):", chain == column_chain(3))

# %% [markdown]
# Names are hierarchical: `col2.E` is population E of column 2, `col2.E.A` its activity,
# `col2.tau` the promoted parameter of column 2. `chain.walk()` lists every population
# by its path:

# %%
print([path for path, _ in chain.walk()])
system = nb.compile(chain)
print(system.state_names)

# %% [markdown]
# **Exercise 1.** The chain is three copies of a column with four connections inside, and
# two links between columns. How many connections (between populations) does the
# compiler see? Think first, then check with `chain.flatten()`, the same circuit with the
# composites dissolved into their populations.

# %%
my_connections = None   # replace None by your answer (a whole number)
### BEGIN SOLUTION
my_connections = len(chain.flatten().connections)
### END SOLUTION
nb.lessons.check("chain_connections", my_connections)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_connections here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("chain_connections", my_connections)
### END HIDDEN TESTS

# %% [markdown]
# The links were resolved when you connected them: each link into the port `drive`
# became one connection to E and one to I (weight 0.5 × 0.5 = 0.25):

# %%
for c in chain.connections:
    print(f"{c.src:>7s} -> {c.dst:<7s} weight {c.weight:<5g} delay {c.delay} ms")

# %% [markdown]
# `chain.to_code()` writes the circuit back as Python: one builder function for the
# column, called three times.

# %%
print(chain.to_code())

# %% [markdown]
# ## 4. Selectors: many parameters by one name
# A *selector* is a pattern over names: `*` matches within one part of a dotted name,
# `**` across parts, and `type:Name.symbol` matches by blox type. `.match()` shows what a
# selector means before you use it:

# %%
for sel in ["col*.E.tau", "col2.*.tau", "**.tau", "**.E.A", "type:WilsonCowanPopulation.theta"]:
    where = system.params if not sel.endswith(".A") else system
    print(f"{sel:34s} -> {where.match(sel)}")

# %% [markdown]
# A promoted parameter is a name for the parameters its selector matched inside the
# column: setting `col2.tau` sets `col2.E.tau` and `col2.I.tau`. If they are later set
# apart, reading `col2.tau` is an error rather than a silent pick of one of them.
# (Patterns match the populations' own parameters: use `**.tau` or `col*.*.tau`, not
# `col*.tau`, to reach every column's time constants.)

# %%
p = nb.compile(chain).params
p["col2.tau"] = 7.0
print("col2.tau =", p["col2.tau"], "| col2.E.tau =", p["col2.E.tau"],
      "| col2.I.tau =", p["col2.I.tau"])
p["col2.E.tau"] = 9.0
try:
    p["col2.tau"]
except nb.ParameterError as err:
    print("ParameterError:", err)

# %% [markdown]
# Now run the chain. Selectors work in `params=` (and in `record=`, and when reading a
# solution: `sol["**.E.A"]` is one row per column):

# %%
sol = nb.simulate(chain, 1000.0, dt=0.05)
acts = sol["**.E.A"]
hv.Overlay([hv.Curve((sol.t, acts[k]), "time (ms)", ylabel, label=f"col{k + 1}")
            for k in range(3)]).opts(width=700, height=260, xlim=(700, 1000),
                                     legend_position="right",
                                     title="E activity of the three columns")

# %% tags=["nbval-check-output"]
print("one row per column:", acts.shape[0] == 3,
      "| every column oscillates:", bool(np.ptp(acts[:, sol.t > 500], axis=1).min() > 0.1))

# %% [markdown]
# **Exercise 2.** With one selector, set the time constant of *every* population of the
# chain to 5 ms, simulate 2 s (`dt=0.05`) and find the frequency (Hz) at which `col1`
# oscillates: the peak of `nb.spectrum(sol, "col1.E.A", discard=500.0, resolution=1.0)`.
# Before you run it: how fast do the columns oscillate at the default $\tau$ = 10 ms (count
# the cycles in the plot above), and what do you expect at 5 ms?

# %%
my_frequency = None   # replace None by your answer in Hz
### BEGIN SOLUTION
fast = nb.simulate(chain, 2000.0, dt=0.05, params={"**.tau": 5.0})
my_frequency = nb.spectrum(fast, "col1.E.A", discard=500.0, resolution=1.0).peak_frequency()
### END SOLUTION
nb.lessons.check("column_frequency_tau5", my_frequency)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_frequency here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("column_frequency_tau5", my_frequency)
### END HIDDEN TESTS

# %% tags=["nbval-check-output"]
def col1_frequency(tau):
    run = nb.simulate(chain, 2000.0, dt=0.05, params={"**.tau": tau})
    return nb.spectrum(run, "col1.E.A", discard=500.0, resolution=1.0).peak_frequency()

f10, f5 = col1_frequency(10.0), col1_frequency(5.0)
print("halving tau doubles the frequency (within 1 %):", abs(f5 - 2 * f10) < 0.01 * f5)

# %% [markdown]
# Dividing every time constant by two runs the same orbit twice as fast: only time
# constants set the time scale of a rate model. (`col1` gets no input, so it oscillates at
# the column's own frequency; `col2` and `col3` are driven by the column before them.)
#
# ## 5. Explore it
# The sliders are grouped by column; each column's promoted `tau` comes first. Move
# `col1.tau`: the first column changes its rhythm, and the columns after it feel that
# through the chain but keep close to their own (measured below the explorer).

# %%
ex = nb.explore(chain, vars=["col1.E.A", "col2.E.A", "col3.E.A"], t_end=300.0, dt=0.1)
ex

# %%
_ = ex.set({"col1.tau": 5.0})   # the same as dragging the slider

# %% [markdown]
# With equal time constants, col2 and col3 end up locked to col1's 20 Hz. With
# `col1.tau` = 5 ms, col1 runs at 40 Hz but col2 and col3 settle near 23 Hz: a drive
# twice as fast as a column's own rhythm pushes it without entraining it. The peaks of
# the three spectra (3 s, the first second discarded):

# %%
def peaks(sol):
    return [nb.spectrum(sol, f"col{k}.E.A", discard=1000.0, resolution=0.5).peak_frequency()
            for k in (1, 2, 3)]

same = peaks(nb.simulate(chain, 3000.0, dt=0.05))
pushed = peaks(nb.simulate(chain, 3000.0, dt=0.05, params={"col1.tau": 5.0}))
print("equal tau:     ", ", ".join(f"{f:.1f} Hz" for f in same))
print("col1.tau = 5:  ", ", ".join(f"{f:.1f} Hz" for f in pushed))

# %% tags=["nbval-check-output"]
print("locked at 20 Hz:", bool(np.ptp(same) < 0.5 and abs(same[0] - 20.0) < 0.5),
      "| col1 at 40 Hz, col2 and col3 near 23 Hz:",
      bool(abs(pushed[0] - 40.0) < 0.5 and all(abs(f - 23.3) < 1.0 for f in pushed[1:])))

# %% [markdown]
# The circuit builder draws each column as one block with its ports; double-click a
# block to open it and see its populations and inner connections:

# %%
nb.CircuitBuilder(circuit=chain)

# %% [markdown]
# **Question.** A whole-brain model (lesson 9) places one column in each region of a
# connectome. With composites, which lines of this lesson would you change to build it?
# (Hint: `nbblox.examples.columns.visual_stream` does it for four regions of the visual
# stream with `nb.Circuit.from_adjacency`.)
#
# ## What you learned
# - A circuit becomes a block with `expose` (input and output ports) and `promote` (a
#   parameter that sets several inside); `copy(name)` places it again.
# - Names are hierarchical (`col2.E.A`); `walk()` lists the populations by path.
# - Selectors (`*`, `**`, `type:`) set or read many parameters and states at once;
#   `.match()` shows what they mean.
# - The compiler sees only populations and plain connections: a link into a port that
#   feeds two populations is two connections.
#
# **References.** Wilson HR, Cowan JD (1972) Excitatory and inhibitory interactions in
# localized populations of model neurons, Biophys J 12:1–24,
# doi:10.1016/S0006-3495(72)86068-5.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/17_composites.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/17_composites.ipynb` in the address bar by `/panel-preview/render/lessons/17_composites.ipynb`.
