"""The circuit builder: draw a circuit in the notebook (or a served page),
two-way synced with a Python Circuit.

Modules: :mod:`.widget` (``CircuitBuilder``, the anywidget, its messages and
Python editing API), :mod:`.files` (JSON, code and SVG in and out),
:mod:`.run` (the Simulate button), :mod:`.sync` (``BuilderModel``: all state
logic, transport-free), :mod:`.ops` and :mod:`.composites` (its edit
commands), :mod:`.layout` (palette, positions, SVG), :mod:`.panel` (the same
canvas as a Panel component), :mod:`.assets` (the shipped JS/CSS).
"""
from .assets import widget_asset
from .widget import CircuitBuilder

__all__ = ["CircuitBuilder", "widget_asset"]
