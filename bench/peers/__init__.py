"""Each peer's version of the workloads, run inside bench/.venv-peers.

The peers themselves are installed from the registry (requirements-peers.txt);
these modules only call their public APIs.  Each exposes
``build(case, cfg[, variant]) -> (run, answer)`` like bench.handwritten.
"""
