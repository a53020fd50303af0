# %% [markdown]
# # Lesson 7 — Building circuits: by code, by adjacency matrix, by drawing
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. connect blox in code and know what a connection adds to the equations;
# 2. build a network from an adjacency matrix (rows are sources, columns targets);
# 3. draw a circuit in the notebook and get the same circuit back as Python code;
# 4. save a circuit to JSON and load it again;
# 5. build a circuit once and reuse it as one block (a composite) in a larger circuit.

# %%
import numpy as np
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. Two Wilson–Cowan populations, connected in code
# A connection adds `weight * output(source)` to the target's input (`I_syn`), which for
# Wilson–Cowan enters the excitatory population's sigmoid.

# %%
a = nb.blox.WilsonCowan(name="a")
b = nb.blox.WilsonCowan(name="b", P=0.5)
c = nb.Circuit([a, b], name="pair")
c.connect(a, b, weight=1.5)
system = nb.compile(c)
system.equations()["b.E"]

# %% tags=["nbval-check-output"]
print(system.state_names)
print(len(system.param_names), "parameters")

# %%
sol = nb.simulate(c, 300.0, dt=0.05)
sol.plot(vars=["a.E", "b.E"])

# %% [markdown]
# ## 2. A ring of five from an adjacency matrix
# `W[i, j]` is the weight **from** blox `i` **to** blox `j`.

# %% tags=["nbval-check-output"]
nodes = [nb.blox.WilsonCowan(name=f"n{i}", P=round(0.3 + 0.2 * i, 1)) for i in range(5)]
W = np.zeros((5, 5))
for i in range(5):
    W[i, (i + 1) % 5] = 1.2
ring = nb.Circuit.from_adjacency(nodes, W, name="ring")
print(ring)
print("W[0, 1] =", W[0, 1], "means n0 -> n1:",
      [(cn.src, cn.dst) for cn in ring.connections][:2])

# %%
sol = nb.simulate(ring, 300.0, dt=0.05, record=[f"n{i}.E" for i in range(5)])
sol.plot()

# %% [markdown]
# **Question.** Make the ring bidirectional (`W + W.T`). What changes?
#
# **Exercise.** How many connections does the bidirectional ring have? Build it with
# `nb.Circuit.from_adjacency(nodes, W + W.T)` and count, or count from the matrix.

# %%
my_connections = None   # replace None by your answer (a whole number)
### BEGIN SOLUTION
both_ways = nb.Circuit.from_adjacency(nodes, W + W.T)
my_connections = len(both_ways.connections)
### END SOLUTION
nb.lessons.check("ring_connections", my_connections)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_connections here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("ring_connections", my_connections)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Draw it
# The circuit builder shows the ring. Drag blox from the palette, connect them by
# dragging from one to another, click an edge to edit its weight, then press *Simulate*.
# `builder.circuit` is always the circuit on the canvas.

# %%
builder = nb.CircuitBuilder(circuit=ring)
builder

# %%
print(builder.to_code())

# %% [markdown]
# ## 4. Save and load
# Equations travel as text in the JSON file and are re-parsed safely when loaded: a
# circuit file from someone else cannot run code on your machine.

# %% tags=["nbval-check-output"]
text = ring.to_json()
again = nb.Circuit.from_json(text)
print("loaded circuit equals the original:", again == ring, "|",
      len(again.connections), "connections")

# %% [markdown]
# ## 5. A circuit as one block: composites
# A cortical column, a thalamocortical loop: circuits you build once and then place in
# many regions. A `Circuit` can be added to another circuit as **one block**. Its
# **ports** say which inner inputs and outputs the outside may use, and names become
# hierarchical (`left.E.A` is the activity of population `E` in column `left`).
#
# Here is Wilson & Cowan's (1972) excitatory–inhibitory pair, written as two
# populations and four connections instead of one two-variable blox:

# %%
def make_column(name):
    col = nb.Circuit([nb.blox.WilsonCowanPopulation(name="E", P=1.25),
                      nb.blox.WilsonCowanPopulation(name="I", a=2.0, theta=3.7,
                                                    init={"A": 0.05})], name=name)
    col.connect("E", "E", weight=16.0)
    col.connect("I", "E", weight=-12.0)
    col.connect("E", "I", weight=15.0)
    col.connect("I", "I", weight=-3.0)
    col.expose(inputs={"I_syn": "E.I_syn"}, outputs={"E": "E.A"})   # the ports
    col.promote("tau", "*.tau")        # one parameter "tau" sets both time constants
    return col

# %% [markdown]
# Two copies, connected port to port: `connect(left, right)` takes the output port of
# `left` (its E activity) to the input port of `right` (E's input).

# %% tags=["nbval-check-output"]
brain = nb.Circuit([make_column("left"), make_column("right")], name="two_columns")
brain.connect("left", "right", weight=1.0)
system = nb.compile(brain)
print(system.state_names)
print([(cn.src, cn.dst, cn.weight) for cn in brain.connections])

# %% [markdown]
# Parameters are reached by their hierarchical names, by the promoted `left.tau`, or by
# a **selector**: `"right.**.theta"` (everything under `right`), `"type:WilsonCowanPopulation.P"`
# (every population of that type). Changing them never recompiles the kernel.

# %%
sol = nb.simulate(system, 300.0, dt=0.05,
                  params={"left.tau": 8.0, "type:WilsonCowanPopulation.r": 1.0})
sol.plot(vars=["left.E.A", "right.E.A"])

# %% [markdown]
# The same column ships as `nb.blox.WilsonCowanColumn`, and
# `nbblox.examples.columns.visual_stream()` places it in four regions of the right
# visual stream of TVB's 76-region connectome (weights and tract delays from the data).
# Saved to JSON and loaded, or written as code, the composites stay composites.

# %% tags=["nbval-check-output"]
from nbblox.examples.columns import visual_stream
brain4 = visual_stream()
print(sorted(brain4.composites))
print("survives a JSON round trip:", nb.Circuit.from_json(brain4.to_json()) == brain4, "|",
      brain4.to_code().count("def make_"), "builder function for 4 columns in its code")

# %% [markdown]
# ## What you learned
# - A connection is a weighted output added to an input; `system.equations()` shows it.
# - Adjacency matrices: rows are sources, columns targets.
# - Drawing and code are two views of the same circuit; JSON is the exchange format.
# - A circuit with ports is a block of another circuit (a composite); selectors such as
#   `"**.tau"` or `"type:Name.param"` set many parameters at once.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/07_building_circuits.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/07_building_circuits.ipynb` in the address bar by `/panel-preview/render/lessons/07_building_circuits.ipynb`.
