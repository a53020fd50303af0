"""Property tests of the file layer: any tree of plain values survives
pack/unpack, and any Solution (names, values, spikes, run info) survives a
netCDF round trip.  Derandomized under CI so a failure there is repeatable."""
import os
import string

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nbblox as nb
from nbblox.io.pack import pack, unpack
from nbblox.sim.solution import Solution

from iocheck import same, same_result

CI = os.environ.get("CI", "").lower() == "true"
SETTINGS = dict(deadline=None, derandomize=CI,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

text = st.text(alphabet=string.printable + "αβγ→·", max_size=12)
floats = st.floats(allow_nan=True, allow_infinity=True)
arrays = st.one_of(
    hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.complex128]),
               hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)),
    hnp.arrays(np.dtype("<U6"), hnp.array_shapes(max_dims=2, max_side=3),
               elements=st.text(alphabet=string.ascii_letters + "[].->", max_size=6)))
leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**62, 2**62), floats, text,
                   st.complex_numbers(allow_nan=False), arrays)
trees = st.recursive(leaves, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.tuples(kids, kids),
    st.dictionaries(st.one_of(text, st.sampled_from(["__array__", "__tuple__"])), kids,
                    max_size=4)), max_leaves=20)


@settings(max_examples=200, **SETTINGS)
@given(trees)
def test_pack_unpack_is_lossless(tree):
    text_, arrays_ = pack(tree, "x")
    same(tree, unpack(text_, arrays_))


names = st.lists(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=5).map(
    lambda s: f"b.{s}"), min_size=1, max_size=4, unique=True)


@st.composite
def solutions(draw):
    n = draw(st.integers(0, 30))
    vs = draw(names)
    t = np.cumsum(draw(hnp.arrays(np.float64, n, elements=st.floats(0.001, 10.0))))
    values = draw(hnp.arrays(np.float64, (len(vs), n), elements=st.floats(allow_nan=True)))
    k = draw(st.integers(0, 6))
    spikes = {"index": draw(hnp.arrays(np.int64, k, elements=st.integers(0, 100))),
              "time": draw(hnp.arrays(np.float64, k, elements=st.floats(0, 100))),
              "blox": np.array(draw(st.lists(st.sampled_from(["a", "pop", "b.c"]),
                                             min_size=k, max_size=k)), dtype=str)}
    if k == 0:
        spikes["blox"] = np.zeros(0, dtype="<U1")
    params = {p: draw(st.floats(-1e6, 1e6)) for p in draw(names)}
    info = {"method": draw(st.sampled_from(["rk4", "euler", "BDF"])),
            "dt": draw(st.floats(1e-4, 1.0)), "seed": draw(st.one_of(st.none(),
                                                                        st.integers(0, 2**63))),
            "note": draw(text)}
    sol = Solution(t, vs, values, final_state=draw(hnp.arrays(np.float64, len(vs))),
                   params=params, info=info, spikes=spikes)
    if draw(st.booleans()):
        sol.weights = {"a->b": draw(hnp.arrays(np.float64, 3))}
    return sol


@settings(max_examples=30, **SETTINGS)
@given(solutions())
def test_any_solution_survives_netcdf(tmp_path_factory, sol):
    path = tmp_path_factory.mktemp("h") / "s.nc"
    back = nb.load(nb.save(sol, path))
    same_result(sol, back)
