"""The explorer: sliders generated from parameter metadata and live views
(time series, phase plane, bifurcation cursor, raster, live run) on one
compiled System.  ``nb.explore`` builds an :class:`Explorer`; ``nb.dashboard``
arranges the same Explorer in a Panel template.

Modules: :mod:`.explorer` (the Explorer), :mod:`.runs` (a run: compute,
then publish), :mod:`.queue` (slider moves -> runs), :mod:`.controls`
(widgets), :mod:`.layout` (the page), :mod:`.views`, :mod:`.phase`,
:mod:`.bifurcation` (the live views), :mod:`.push` (fast notebook updates),
:mod:`.weights` (connection-weight sliders), :mod:`.live` (streamed runs),
:mod:`.common` (shared names).
"""
from .common import VIEWS
from .explorer import Explorer, cancel_all, explore

__all__ = ["explore", "Explorer", "VIEWS", "cancel_all"]
