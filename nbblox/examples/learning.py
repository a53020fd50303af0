"""A spiking network that learns to classify input patterns with
reward-modulated STDP (the lesson-12 demo).

Input layer: ``n_inputs`` noisy pacemakers (``dphi/dt = r/1000 + sigma*xi``,
spike at ``phi > 1``): Poisson-like trains whose rate ``r`` is set per trial
from a binary pattern (``rate`` Hz for an active input, 0 otherwise; the
noise still gives rare spikes).  Output layer: one leaky integrate-and-fire
neuron per class, with lateral inhibition (winner takes most).  The
input -> output synapses learn with :class:`~nbblox.model.plasticity.RSTDP`
(Izhikevich 2007): pairings during a trial leave eligibility traces; at the
end of the trial a simulation callback reads the output spikes, calls the
most active neuron the network's answer and delivers a reward of +1 (right)
or -1 (wrong) during a short pause with the inputs silent.  After the
pause the callback rescales each output's incoming weights to their initial
total (synaptic scaling), so reward redistributes weight between inputs.

Everything runs inside two ``nb.simulate`` calls (one for training, one for
testing) with a callback every ``step_ms``: no per-step Python.

>>> task = PatternTask(seed=0)
>>> task.patterns.shape
(3, 30)
"""
from __future__ import annotations

import numpy as np

__all__ = ["PatternTask", "noisy_patterns", "live_curve", "stdp_window"]


def stdp_window(dts, rule, w=0.5, t_first=20.0, dt=0.1):
    """Weight change of one pre/post pair per delay, measured by simulation.

    One independent pair per entry of ``dts`` (ms, post minus pre): two
    "clock" neurons that fire once at set times, connected one-to-one with
    ``rule``.  Returns (measured delays, weight changes); the delays are
    read back from the spike record.

    >>> import nbblox as nb
    >>> s, dw = stdp_window([10.0], nb.STDP(A_plus=0.01, tau_pre=20.0))
    >>> bool(abs(dw[0] - 0.01 * np.exp(-s[0] / 20.0)) < 1e-12)
    True
    """
    import nbblox as nb
    dts = np.atleast_1d(np.asarray(dts, dtype=float))
    clock = nb.BloxType("Clock", "dphi/dt = 1.0\ndV/dt = -V", params={"T": 5.0},
                        spike="phi > T", reset="phi = -1e9", kind="neuron")
    t_pre = t_first + np.maximum(-dts, 0.0)
    t_post = t_pre + dts
    pre = nb.Population(clock, dts.size, name="pre", T=t_pre)
    post = nb.Population(clock, dts.size, name="post", T=t_post)
    c = nb.Circuit([pre, post]).connect(pre, post, weight=w, on_pre="V += w",
                                        one_to_one=True, plasticity=rule, name="pair")
    sol = nb.simulate(c, float(max(t_pre.max(), t_post.max()) + 2.0), dt=dt, method="euler",
                      record=[])
    spikes = {}
    for who in ("pre", "post"):
        idx, t = sol.spike_trains(who)
        spikes[who] = np.full(dts.size, np.nan)
        spikes[who][idx] = t
    return spikes["post"] - spikes["pre"], sol.weights["pair"] - w


def noisy_patterns(patterns, n_per_pattern, flip=0.1, seed=1):
    """Copies of each pattern with every bit flipped with probability ``flip``.

    Returns (X (n, n_inputs) bool, labels (n,) int), shuffled.

    >>> X, y = noisy_patterns(np.eye(3, dtype=bool), 2, flip=0.0)
    >>> X.shape, sorted(y.tolist())
    ((6, 3), [0, 0, 1, 1, 2, 2])
    """
    rng = np.random.default_rng(seed)
    P = np.asarray(patterns, dtype=bool)
    labels = np.repeat(np.arange(P.shape[0]), n_per_pattern)
    rng.shuffle(labels)
    X = P[labels] ^ (rng.random((labels.size, P.shape[1])) < flip)
    return X, labels


def live_curve(title="learning curve"):
    """(HoloViews DynamicMap, on_trial hook) plotting the running accuracy live.

    Pass the hook as ``task.train(on_trial=hook)``; it works headless too
    (the Buffer just collects the points).
    """
    import holoviews as hv
    import pandas as pd
    buf = hv.streams.Buffer(pd.DataFrame({"trial": [], "accuracy": []}), length=100_000,
                            index=False)
    dmap = hv.DynamicMap(lambda data: hv.Curve(data, "trial", "accuracy").opts(
        ylim=(0, 1.05), width=450, title=title), streams=[buf])

    def hook(trial, correct, accuracy):
        buf.send(pd.DataFrame({"trial": [trial], "accuracy": [accuracy]}))

    return dmap, hook


def _patterns(rng, n_patterns, n_inputs, active, max_overlap):
    """Random binary patterns; redrawn until no two share more than
    ``max_overlap`` active inputs (default: a third of them)."""
    limit = active // 3 if max_overlap is None else int(max_overlap)
    for _ in range(10_000):
        P = np.zeros((n_patterns, n_inputs), dtype=bool)
        for k in range(n_patterns):
            P[k, rng.choice(n_inputs, active, replace=False)] = True
        shared = P.astype(int) @ P.T.astype(int)
        if shared[~np.eye(n_patterns, dtype=bool)].max(initial=0) <= limit:
            return P
    raise ValueError(f"no {n_patterns} patterns of {active}/{n_inputs} active inputs overlap "
                     f"in at most {limit}; allow more overlap or use more inputs")


class PatternTask:
    """Binary patterns, the network that learns them, and its training loop.

    Parameters
    ----------
    n_patterns, n_inputs, active : int
        Number of classes, input neurons, active inputs per pattern (random,
        overlapping patterns drawn with ``seed``).
    rate : float
        Firing rate (Hz) of an active input.
    trial_ms, pause_ms, step_ms : float
        Stimulus and reward-pause durations; the callback interval.
    rule : RSTDP, optional
        The learning rule (default: A_plus = 0.008, A_minus = 0.002 (causal
        pairings dominate the eligibility), tau_c = 40 ms, tau_d = inf: the
        reward holds for the whole pause and is then set back to 0).
    w_init : (low, high)
        Initial weights, uniform.
    max_overlap : int, optional
        Most active inputs two patterns may share (default ``active // 3``).
    normalize : bool
        Synaptic scaling after each reward: each output's incoming weights
        keep their initial total, so reward redistributes them (done in the
        callback, on the kernel's live weight array).
    seed : int
        Seeds patterns, initial weights and the input noise.
    """

    def __init__(self, n_patterns=3, n_inputs=30, active=8, rate=40.0, trial_ms=100.0,
                 pause_ms=20.0, step_ms=20.0, rule=None, w_init=(0.5, 1.0), max_overlap=None,
                 normalize=True, seed=0):
        import nbblox as nb
        rng = np.random.default_rng(seed)
        self.patterns = _patterns(rng, n_patterns, n_inputs, active, max_overlap)
        self.rate, self.seed = float(rate), int(seed)
        self.trial_ms, self.pause_ms, self.step_ms = float(trial_ms), float(pause_ms), float(step_ms)
        self.rule = rule or nb.RSTDP(tau_pre=20.0, tau_post=20.0, A_plus=0.008, A_minus=0.002,
                                     w_min=0.0, w_max=2.0, tau_c=40.0, tau_d=float("inf"))
        source = nb.BloxType(
            "PoissonLike", "dphi/dt = r/1000 + sigma*xi", params={"r": 0.0, "sigma": 0.04},
            spike="phi > 1", reset="phi = 0", kind="neuron")
        cell = nb.BloxType(
            "LIFsyn", "dV/dt = (-V + ge - gi)/tau\ndge/dt = -ge/tau_e\ndgi/dt = -gi/tau_i",
            params={"tau": 10.0, "tau_e": 5.0, "tau_i": 10.0}, spike="V > 1",
            reset="V = 0", refractory=2.0, kind="neuron")
        inp = nb.Population(source, n_inputs, name="inp",
                            init={"phi": rng.uniform(0, 1, n_inputs)})
        out = nb.Population(cell, n_patterns, name="out")
        w0 = rng.uniform(*w_init, n_inputs * n_patterns)
        self.circuit = (nb.Circuit([inp, out], name="pattern_learner")
                        .connect(inp, out, weight=w0, on_pre="ge += w", plasticity=self.rule,
                                 name="learn")
                        .connect(out, out, weight=3.0, on_pre="gi += w", autapses=False,
                                 name="inhibit"))
        self.system = nb.compile(self.circuit)
        self.weights = {"learn": w0.copy()}
        self.normalize = bool(normalize)
        self._total = w0.reshape(n_inputs, n_patterns).sum(axis=0).mean()
        self.history = []   # (trial, correct, running accuracy) of the training

    # -- one run over a sequence of trials ----------------------------------------
    def _run(self, X, labels, learn, on_trial=None):
        import nbblox as nb
        per = int(round(self.trial_ms / self.step_ms))
        pause = int(round(self.pause_ms / self.step_ms))
        slots = per + pause
        n = len(labels)
        answers = np.full(n, -1)
        counts = np.zeros(self.patterns.shape[0])
        tally = {"k": 0, "right": 0}

        def drive(state, trial):
            state.params["inp.r"] = self.rate * X[trial] if trial < n else 0.0

        def callback(state):
            k, slot = divmod(tally["k"], slots)
            tally["k"] += 1
            if slot < per:
                idx = state.spikes["index"][state.spikes["blox"] == "out"]
                counts[:] += np.bincount(idx, minlength=counts.size)
            if slot == per - 1:              # stimulus over: answer and reward
                answer = int(np.argmax(counts)) if counts.max() > 0 else -1
                answers[k] = answer
                right = answer == labels[k]
                tally["right"] += right
                counts[:] = 0
                if learn:
                    state.set_dopamine(1.0 if right else (-1.0 if answer >= 0 else 0.0))
                state.params["inp.r"] = 0.0
                if on_trial is not None:
                    on_trial(k + 1, bool(right), tally["right"] / (k + 1))
            elif slot == slots - 1:  # pause over: next trial
                if learn:
                    state.set_dopamine(0.0)
                    if self.normalize:
                        self._scale(state.weights["learn"])
                drive(state, k + 1)

        t_end = n * slots * self.step_ms
        sol = nb.simulate(self.system, t_end, dt=0.1, method="euler", record=[],
                          params={"inp.r": self.rate * X[0]}, seed=self.seed,
                          weights=self.weights, learn=learn, callback=callback,
                          callback_every=self.step_ms)
        return answers, sol

    def _scale(self, w):
        """Synaptic scaling: every output neuron's incoming weights are
        rescaled to their initial total (learning redistributes, not inflates)."""
        W = w.reshape(self.patterns.shape[1], self.patterns.shape[0])  # (pre, post)
        W *= self._total / np.maximum(W.sum(axis=0), 1e-12)
        np.clip(W, self.rule.w_min, self.rule.w_max, out=W)

    def train(self, epochs=20, flip=0.1, on_trial=None, seed=None):
        """Present every pattern ``epochs`` times (shuffled, each bit flipped
        with probability ``flip``), learning from a reward after each trial.
        Returns the running accuracy per trial."""
        rng = np.random.default_rng(self.seed + 1 if seed is None else seed)
        labels = np.concatenate([rng.permutation(self.patterns.shape[0])
                                 for _ in range(epochs)])
        X = self.patterns[labels] ^ (rng.random((labels.size, self.patterns.shape[1])) < flip)
        answers, sol = self._run(X, labels, True, on_trial)
        self.weights = {"learn": sol.weights["learn"].copy()}
        right = answers == labels
        curve = np.cumsum(right) / np.arange(1, right.size + 1)
        self.history = list(zip(range(1, right.size + 1), right.tolist(), curve.tolist()))
        return curve

    def test(self, X, labels):
        """Accuracy (fraction right) on patterns ``X`` with the learned weights
        frozen, and the answers (-1: no output spike)."""
        answers, _ = self._run(np.asarray(X, dtype=bool), np.asarray(labels), False)
        return float(np.mean(answers == labels)), answers
