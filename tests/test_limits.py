"""Memory is estimated before it is allocated, and refused above the budget with
a message that states the estimate (issue 23, item 4)."""

import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError, SimulationError
from nbblox.limits import SERVED_MEMORY_MB, limited_memory, memory_budget
from hostile import dense_populations


@pytest.mark.timeout(30)
def test_a_dense_file_is_refused_before_drawing_its_synapses(monkeypatch):
    from nbblox.model import connectivity
    text = dense_populations()
    assert len(text) < 1500
    draws = []                                # "before drawing": no draw at all, not a time
    monkeypatch.setattr(connectivity, "_bernoulli", lambda *a: draws.append(a[:3]) or 1 / 0)
    with limited_memory(8 * 1024):
        with pytest.raises(CircuitError, match=r"about 5e\+08 synapses needs about 46.6 GB; "
                                               r"the memory budget is 8.0 GB"):
            nb.Circuit.from_json(text)
    assert draws == []                        # refused, not drawn


def test_served_sessions_have_a_smaller_budget():
    text = dense_populations(n=3000, p=1.0)       # 9e6 synapses, ~0.9 GB
    assert memory_budget() > SERVED_MEMORY_MB * 2**20
    with limited_memory(SERVED_MEMORY_MB):
        assert memory_budget() == SERVED_MEMORY_MB * 2**20
        with pytest.raises(CircuitError, match="the memory budget is 512 MB"):
            nb.Circuit.from_json(text)
        with limited_memory(10 * SERVED_MEMORY_MB):     # an inner budget never raises it
            assert memory_budget() == SERVED_MEMORY_MB * 2**20


def test_recording_is_estimated_before_the_run():
    fhn = nb.blox.FitzHughNagumo(name="f")
    with limited_memory(1):
        with pytest.raises(SimulationError, match=r"recording 2 variables x 1000001 samples "
                                                  r"needs about 15 MB; the memory budget is 1 MB"):
            nb.simulate(fhn, 1e4, dt=0.01)
        # an adaptive solver holds every state at each output time
        with pytest.raises(SimulationError, match="recording 3 variables"):
            nb.simulate(fhn, 1e4, dt=0.01, method="RK45", record=["f.V"])
        assert len(nb.simulate(fhn, 10.0, dt=0.01, stride=10).t) == 101


def test_a_dashboard_download_over_budget_says_so():
    """2000 blox made the CSV download a 763 MB job; a served session's budget
    refuses it with the estimate, in the page and in the file."""
    d = nb.dashboard(nb.Circuit([nb.blox.FitzHughNagumo(name=f"f{i}") for i in range(20)]),
                     t_end=200.0)
    d.explorer.memory_mb = 1
    text = d.downloads[0].callback().read()
    assert "refused" in text and "needs about" in text
    assert d.alert.visible and "the memory budget is 1 MB" in d.alert.object
