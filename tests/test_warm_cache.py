"""python -m nbblox.warm_cache (binder/postBuild): catalog blox are compiled
and run on their own, noisy ones with the stochastic schemes."""
from nbblox.warm_cache import warm


def test_noisy_blox_are_warmed_with_stochastic_schemes():
    out = {name: err for name, _, err in warm(verbose=False,
                                               names={"OUNoise", "FitzHughNagumo"})}
    assert set(out) == {"OUNoise", "FitzHughNagumo"}
    assert out["OUNoise"] is None, out["OUNoise"]      # was skipped: RK4 refuses noise
    assert out["FitzHughNagumo"] is None
