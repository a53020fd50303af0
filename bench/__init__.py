"""nbblox benchmarks against its peers, in one run, as ratios: ``python -m bench``.

Light on purpose: this package is imported in the peers' virtualenv too,
where nbblox is not installed, so nothing here imports nbblox or numba at
module level.
"""
