"""Keep what nbval ran: a pytest plugin for `.ci/binder-sim` (copied next to the
notebooks as their conftest.py; not part of nbblox, not collected by the test suite).

nbval runs each notebook's code cells in one kernel and fails a cell that raises, but
writes nothing back.  The docs gallery renders the lessons exactly as executed there
(`NBBLOX_DOCS_LESSONS=build/lessons-executed`), and binder-sim prints per-cell times,
so with ``--nbval-record=DIR`` every notebook nbval ran is written to DIR in the layout
nbclient (``jupyter nbconvert --execute``) gives it: each code cell's outputs as nbval
received them, its ``execution_count``, ``metadata.execution`` with the kernel's own
``iopub.execute_input`` and ``iopub.status.idle`` times, and the notebook's
``metadata.widgets`` (ipywidgets/anywidget state from the comm messages, which nbval
reads and discards).  One execution serves the check and the documentation.

Not handled (nbval ignores them too): ``clear_output`` and ``update_display_data``;
their message types are printed once per notebook if a lesson ever sends them.
Single process only (no xdist).
"""
from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import nbformat
import pytest

_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# what nbval turns into outputs or skips knowingly; anything else is reported
_KNOWN = {"status", "execute_input", "execute_result", "display_data", "stream", "error",
          "comm_open", "comm_msg", "comm_close", "execute_reply"}


def pytest_addoption(parser):
    parser.addoption("--nbval-record", metavar="DIR", default=None,
                     help="write every notebook nbval ran, with its outputs, to DIR")


class _Run:
    """One notebook under nbval: its widget state and the cell being run."""

    def __init__(self, nbfile):
        self.nbfile = nbfile
        self.count = 0
        self.widgets: dict[str, dict] = {}
        self.buffers: dict[str, dict] = {}
        self.unhandled: set[str] = set()
        self.times: dict = {}       # the running cell's kernel-side timestamps
        self.parent_id = None       # msg_id of the running cell's execute_request
        get = nbfile.get_kernel_message

        def get_kernel_message(*args, **kwargs):
            msg = get(*args, **kwargs)
            self._see(msg)
            return msg
        nbfile.get_kernel_message = get_kernel_message

    def _see(self, msg):
        kind = msg["msg_type"]
        content = msg.get("content", {})
        parent = msg.get("parent_header", {}).get("msg_id")
        if kind == "execute_input" and self.parent_id is None:
            self.parent_id = parent
            self.times["iopub.execute_input"] = _iso(msg["header"]["date"])
        elif (kind == "status" and content.get("execution_state") == "idle"
              and parent is not None and parent == self.parent_id):
            self.times["iopub.status.idle"] = _iso(msg["header"]["date"])
        elif kind in ("comm_open", "comm_msg"):
            data = content.get("data", {})
            if "state" in data:          # as nbclient's handle_comm_msg
                comm = content["comm_id"]
                self.widgets.setdefault(comm, {}).update(data["state"])
                for path, buf in zip(data.get("buffer_paths") or [], msg.get("buffers") or []):
                    self.buffers.setdefault(comm, {})[tuple(path)] = {
                        "data": base64.b64encode(bytes(buf)).decode("ascii"),
                        "encoding": "base64", "path": path}
        elif kind not in _KNOWN:
            self.unhandled.add(kind)

    def notebook(self):
        nb = self.nbfile.nb
        state = {comm: {"model_name": s.get("_model_name"),
                        "model_module": s.get("_model_module"),
                        "model_module_version": s.get("_model_module_version"),
                        "state": s}
                 for comm, s in self.widgets.items() if "_model_name" in s}
        for comm, widget in state.items():
            if self.buffers.get(comm):
                widget["buffers"] = list(self.buffers[comm].values())
        if state:
            nb.metadata["widgets"] = {_WIDGET_STATE: {
                "state": state, "version_major": 2, "version_minor": 0}}
        return nb


def _iso(date):
    if isinstance(date, dt.datetime):
        return date.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return str(date)


_runs: dict[str, _Run] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not item.config.getoption("nbval_record") or not hasattr(item, "cell_num"):
        yield
        return
    key = str(item.parent.path)
    run = _runs.get(key) or _runs.setdefault(key, _Run(item.parent))
    run.times, run.parent_id = {}, None
    yield
    cell = item.cell                 # the cell object of item.parent.nb: filled in place
    run.count += 1
    cell.execution_count = run.count
    cell.outputs = [nbformat.from_dict(o) for o in (item.test_outputs or [])]
    for out in cell.outputs:
        if out.get("output_type") == "execute_result":
            out["execution_count"] = run.count
    cell.metadata["execution"] = dict(run.times)


def pytest_sessionfinish(session):
    folder = session.config.getoption("nbval_record")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for key, run in _runs.items():
        nbformat.write(run.notebook(), Path(folder) / Path(key).name)
        if run.unhandled:
            print(f"\nnbval_record: {Path(key).name}: iopub messages nbval ignores: "
                  f"{sorted(run.unhandled)}")
