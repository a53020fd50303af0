# %% [markdown]
# # Lesson 7 — Building circuits: by code, by adjacency matrix, by drawing
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. connect blox in code and know what a connection adds to the equations;
# 2. build a network from an adjacency matrix (rows are sources, columns targets);
# 3. draw a circuit in the notebook and get the same circuit back as Python code;
# 4. save a circuit to JSON and load it again.

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
nodes = [nb.blox.WilsonCowan(name=f"n{i}", P=0.3 + 0.2 * i) for i in range(5)]
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
print(again == ring, len(again.connections), "connections")

# %% [markdown]
# ## What you learned
# - A connection is a weighted output added to an input; `system.equations()` shows it.
# - Adjacency matrices: rows are sources, columns targets.
# - Drawing and code are two views of the same circuit; JSON is the exchange format.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/07_building_circuits.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/07_building_circuits.ipynb` in the address bar by `/panel-preview/render/lessons/07_building_circuits.ipynb`.
