"""ui/: notebook and web front ends (explore, CircuitBuilder, dashboard, serve),
built only on System and result objects."""
