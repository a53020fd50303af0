"""Served dashboard sessions give their memory back (issue 23, item 12), run
under the served memory and time budgets and cancel their run when they end
(items 4 and 5).

A real in-process Panel/Bokeh server builds one Dashboard per HTTP session;
sessions whose browser never connects are discarded by Bokeh after their
unused lifetime (the same path a closed tab takes).  After that the session's
Dashboard must be garbage (its weakref dead), and the heap trim must run only
once it is: Bokeh calls the session-destroyed callbacks while the session
still holds its document, so trimming inside them freed nothing."""
import asyncio
import gc
import weakref

import pytest

import nbblox as nb
from nbblox.ui import dashboard_app

pn = pytest.importorskip("panel")

SESSIONS = 3


@pytest.mark.timeout(180)
def test_closed_sessions_are_freed_before_the_heap_is_trimmed(monkeypatch):
    from tornado.httpclient import AsyncHTTPClient
    from nbblox.limits import SERVED_MEMORY_MB
    from nbblox.ui.explore.common import SERVED_RUN_SECONDS
    circuit = nb.Circuit([nb.blox.FitzHughNagumo(name="fhn")], name="one")
    refs, trims, budgets, cancels = [], [], [], []

    def app():
        d = nb.dashboard(circuit, t_end=20.0, dt=0.05)
        refs.append(weakref.ref(d))
        # a served session's runs get the served budgets (items 4 and 5), and
        # its run's cancel event is set when the session ends
        budgets.append((d.explorer.memory_mb, d.explorer.seconds))
        cancels.append(d.explorer._cancel)
        return d.template()

    def fake_trim():
        # what is still alive when the heap is trimmed
        trims.append(sum(r() is not None for r in refs))
    monkeypatch.setattr(dashboard_app, "_malloc_trim", fake_trim)
    monkeypatch.setattr(dashboard_app, "_RELEASE_DELAY_S", 0.2)

    server = pn.serve({"app": app}, port=0, address="127.0.0.1", show=False, start=False,
                      check_unused_sessions_milliseconds=100,
                      unused_session_lifetime_milliseconds=300)
    port = server.port

    async def scenario():
        client = AsyncHTTPClient()
        for _ in range(SESSIONS):      # each GET builds a session (and its Dashboard)
            r = await client.fetch(f"http://127.0.0.1:{port}/app", request_timeout=120)
            assert r.code == 200
        assert len(refs) == SESSIONS
        for _ in range(600):           # no websocket ever connects: Bokeh discards them
            await asyncio.sleep(0.1)
            if trims:
                break
        await asyncio.sleep(0.5)

    try:
        server.start()
        server.io_loop.run_sync(scenario, timeout=170)
    finally:
        server.stop()
    assert budgets == [(SERVED_MEMORY_MB, SERVED_RUN_SECONDS)] * SESSIONS
    assert all(event.is_set() for event in cancels), "a closed session's run was not cancelled"
    assert trims, "the heap was never trimmed after the last session closed"
    assert trims == [0], f"{trims[0]} of {SESSIONS} closed dashboards were alive at the trim"
    gc.collect()
    assert all(r() is None for r in refs)
    assert not dashboard_app._open_sessions


def test_destroy_hook_outside_a_loop_releases_at_once(monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard_app, "_malloc_trim", lambda: calls.append(1))
    dashboard_app._schedule_release()        # no running loop: nothing to wait for
    assert calls == [1]
