"""ui/: notebook and web front ends (explore/, builder/, dashboard, serve),
built only on System and result objects.  Panel and HoloViews are imported
when a front end is built, not when nbblox is imported: ``nb.explore`` and
``nb.CircuitBuilder`` reach :mod:`nbblox.ui.explore` and
:mod:`nbblox.ui.builder` through ``nbblox._LAZY``."""
