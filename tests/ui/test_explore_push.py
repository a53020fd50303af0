"""The notebook fast path of the explorer (nbblox/ui/explore/push.py): a run
patches the rendered time series in place and reaches the page as one Bokeh
message.  The explorer is rendered into a Bokeh Document with a recording
comm, the way Panel renders it in a notebook."""
import json

import numpy as np
import pytest

import nbblox as nb

import panel as pn
from pyviz_comms import Comm  # noqa: E402


class RecordingComm(Comm):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.sent = []
        self._comm = True          # "open": panel.io.notebook.push sends at once

    def init(self):
        pass

    def send(self, data=None, metadata=None, buffers=()):
        self.sent.append((data, list(buffers)))

    def close(self):
        pass

    def patches(self):
        """PATCH-DOC contents (the JSON after each header + metadata pair)."""
        out = []
        for i, (data, _) in enumerate(self.sent):
            if data and b'"PATCH-DOC"' in (data if isinstance(data, bytes) else data.encode()):
                out.append(json.loads(self.sent[i + 2][0]))
        return out


def rendered(ex):
    from bokeh.document import Document
    doc, comm = Document(), RecordingComm()
    ex.layout._render_model(doc, comm)
    if doc.callbacks.hold_value is None:
        doc.hold()                 # a notebook document collects events until pushed
    return doc, comm


def ts_source(ex):
    (plot, _), = ex._ts_panes[0][0]._plots.values()
    sub, = plot.subplots.values()
    return sub.handles["source"], plot.handles["y_range"], plot


@pytest.fixture(scope="module")
def ex():
    return nb.explore(nb.blox.HodgkinHuxley(name="hh"), vars=["hh.V"], t_end=100.0,
                      params={"hh.I": 8.0})


def test_a_run_patches_the_rendered_source_in_one_message(ex):
    doc, comm = rendered(ex)
    src, yr, plot = ts_source(ex)
    frame = plot.current_frame
    comm.sent.clear()
    ex.set({"hh.I": 0.0})                      # below threshold: no spikes
    np.testing.assert_array_equal(src.data["value"], ex.pipe.data["columns"]["hh.V"])
    np.testing.assert_array_equal(src.data["time"], ex.pipe.data["t"])
    v = ex.pipe.data["columns"]["hh.V"]
    # at rest V wobbles by ~0.007 mV: the axis shows a flat line, not a magnified transient
    assert yr.start < v.min() < v.max() < yr.end and yr.end - yr.start >= 0.05 * abs(v.mean())
    assert plot.current_frame is frame        # HoloViews did not re-render
    # set() from code first moves the slider (its own message); then the run is one message
    patches = [p for p in comm.patches()
               if not all(e.get("attr") == "value" for e in p["events"])]
    assert len(patches) == 1, [p["events"] for p in patches]
    kinds = {(e["kind"], e.get("attr")) for e in patches[0]["events"]}
    assert ("ColumnDataChanged", "data") in kinds          # the series
    assert ("ModelChanged", "text") in kinds               # the status line, same message


def test_later_renders_show_the_patched_data(ex):
    rendered(ex)
    ex.set({"hh.I": 10.0})
    el = ex.timeseries_view()[()]
    np.testing.assert_array_equal(el.get(0).dimension_values(1), ex.pipe.data["columns"]["hh.V"])


def test_no_display_or_server_falls_back_to_the_pipe():
    ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
    seen = []
    ex.pipe.add_subscriber(lambda **kw: seen.append(kw["data"]["run"]))
    ex.set({"fhn.I": 0.5})                     # never displayed: HoloViews path
    assert seen == [ex.n_runs]
