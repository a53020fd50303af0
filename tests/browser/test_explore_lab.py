"""nb.explore in a real JupyterLab, driven like a person: open a notebook that
explores Hodgkin-Huxley, run it, move the I slider with the keyboard, and
check that the data BokehJS holds in the page changed to the kernel's new run.

Latencies (slider -> kernel run, slider -> data in the page) are printed and
written to artifacts/explore_latency.json; they are reported, not asserted.
"""
import json
import re
import time

import pytest

import lab

pytestmark = pytest.mark.browser


def _fingerprint(page):
    rows = lab.bokeh_sources(page, "value")
    # the time-series source is the one with a few thousand points
    rows = [r for r in rows if r["n"] > 500]
    return rows[0] if rows else None


def test_explore_hh_slider_changes_plot(lab_server, browser_page):
    page = browser_page
    t0 = time.time()
    lab.open_notebook(page, lab_server, "notebooks/explore_hh.ipynb")
    lab.run_all_cells(page)
    assert not lab.cell_errors(page), lab.cell_errors(page)
    page.locator(".nbblox-explorer canvas, canvas").first.wait_for(state="attached", timeout=60_000)
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=60_000)
    # let the first render settle: early stream updates can be lost (JUPYTER-STACK pitfall 2)
    page.wait_for_timeout(3000)
    ready = time.time() - t0
    before = _fingerprint(page)
    assert before is not None, lab.bokeh_sources(page)
    k_before = lab.kernel_json(page, "{'I': ex.params['hh.I'], 'runs': ex.n_runs, "
                                     "'sum': float(ex.pipe.data['columns']['hh.V'].sum())}")
    assert k_before["I"] == 8.0
    assert before["sum"] == pytest.approx(k_before["sum"], rel=1e-9)  # the page shows the kernel's run
    lab.screenshot(page, "explore_hh_before")

    # one key press: the first slider is hh.I (step 0.1)
    handle = page.locator(".noUi-handle").first
    handle.focus()
    t_press = time.time()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("""(s) => { for (const d of Bokeh.documents) for (const m of d.all_models) {
          if ((m.type || m.constructor.__name__) !== 'ColumnDataSource') continue;
          const v = m.data instanceof Map ? m.data.get('value') : m.data['value'];
          if (v && v.length > 500) { let t = 0; for (const x of v) t += x; if (Math.abs(t - s) > 1e-6) return true; } }
          return false; }""", arg=before["sum"], timeout=30_000)
    browser_ms = 1e3 * (time.time() - t_press)
    one = lab.kernel_json(page, "{'I': ex.params['hh.I'], 'kernel_ms': ex.timings[-1]}")
    assert one["I"] == pytest.approx(8.1)

    # a burst of 10 presses: the final value wins everywhere
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w.sessionContext.session.kernel.status === 'idle'; }""", timeout=30_000)
    # slider messages keep arriving after the kernel first reports idle
    k_after = lab.wait_kernel(page, "{'I': ex.params['hh.I'], 'runs': ex.n_runs, "
                                    "'piped_I': ex.pipe.data['params']['hh.I'], "
                                    "'sum': float(ex.pipe.data['columns']['hh.V'].sum()), "
                                    "'spikes': ex.spike_count(), 'status': ex.status()}",
                              lambda k: abs(k["I"] - 9.1) < 1e-6 and k["piped_I"] == k["I"])
    after = lab.wait_page_sum(page, _fingerprint, k_after["sum"])
    lab.screenshot(page, "explore_hh_after")
    assert k_after["I"] == pytest.approx(9.1) and k_after["piped_I"] == k_after["I"]
    assert after["sum"] == pytest.approx(k_after["sum"], rel=1e-9)   # browser holds the final run
    assert after["sum"] != pytest.approx(before["sum"], rel=1e-6)
    assert k_after["runs"] <= k_before["runs"] + 11                   # nothing queued forever
    status = page.get_by_text(re.compile(r"\d+ spikes \(hh\.V")).first.inner_text()
    assert f"{k_after['spikes']} spikes" in status, status
    assert not lab.failed_js_requests(page), lab.failed_js_requests(page)
    report = {"ready_s": round(ready, 1), "browser_ms_one_press": round(browser_ms, 1),
              "kernel_ms_one_press": one["kernel_ms"], "runs_for_burst_of_10":
              k_after["runs"] - k_before["runs"] - 1, "final": k_after["status"]}
    lab.ARTIFACTS.mkdir(exist_ok=True)
    (lab.ARTIFACTS / "explore_latency.json").write_text(json.dumps(report, indent=1))
    print("explore latency:", report)
