"""Milliseconds per training epoch of optviz's MLP against the seed's numpy MLP, scikit-learn and PyTorch.

Run it as a script: ``python tests/bench/bench_mlp.py [--rounds R]``. One epoch is one full-batch
forward/backward pass and one gradient-descent update of all parameters, for a tanh network with a
linear output and a squared-error loss:

- seed: the seed's 2-layer numpy MLP (forward, backward with the update inside, loss print-out
  computed as the seed does), written fresh below as the baseline;
- optviz f64 / f32: ``MLP.loss_and_grad`` then ``theta -= lr * grad``;
- sklearn: ``MLPRegressor(solver="sgd", batch_size=N, momentum=0, alpha=0)``, one ``partial_fit``
  per epoch (skipped when scikit-learn is not installed);
- torch f64 / f32: ``nn.Sequential`` on the CPU, ``zero_grad``, ``backward``, ``SGD.step`` (skipped
  when PyTorch is not installed).

All contenders run in the same process, interleaved round by round (a pause before each timed block
lets the previous contender's BLAS threads go idle). Each is reported as the median and the minimum
over rounds of (block time / epochs per block); ratios are medians over rounds of the per-round
ratio, so a slow spell of the machine hits both sides of a ratio alike. Targets: optviz f64 at
most 0.8x scikit-learn on both shapes; optviz f32 at most PyTorch f32 on the large shape.

OpenBLAS note: where the environment sets ``OPENBLAS_CORETYPE`` (and ``OPENBLAS_L2_SIZE``) for old
OpenBLAS builds, a current numpy runs slower kernels. To measure without them, unset both for this
command only, e.g. ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python tests/bench/bench_mlp.py``;
the header prints the variables and the BLAS kernel threadpoolctl sees.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from seed_mlp import SeedMLP

from optimizers._mlp import MLP

SHAPES = (((2, 64, 1), 1_000), ((10, 256, 1), 10_000))
LEARNING_RATE = 1e-4
# OpenBLAS worker threads spin for about 2**28 cycles (~0.1 s) after a call before sleeping, and so do
# OpenMP threads (torch); on 2 cores a spinning pool of the previous contender would steal the core the
# next one computes on. A pause longer than that before each timed block keeps the contenders apart.
PAUSE_S = 0.25


def make_data(n_inputs: int, n: int, dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, n_inputs))
    y = np.sin(X[:, :1]) + 0.5 * np.cos(X.sum(axis=1, keepdims=True))
    return X.astype(dtype), y.astype(dtype)


def seed_epoch(sizes, n) -> Callable[[], object]:
    X, y = make_data(sizes[0], n)
    (W1, b1), (W2, b2) = MLP(sizes).unflatten(MLP(sizes).params)
    net = SeedMLP(W1, b1, W2, b2)
    return lambda: net.epoch(X, y, LEARNING_RATE)


def optviz_epoch(sizes, n, dtype) -> Callable[[], object]:
    X, y = make_data(sizes[0], n, dtype)
    net = MLP(sizes, dtype=dtype)
    theta = net.params.copy()

    def epoch():
        loss, g = net.loss_and_grad(theta, X, y)
        g *= LEARNING_RATE
        np.subtract(theta, g, out=theta)  # in place: the closure keeps updating the same vector
        return loss

    return epoch


def sklearn_epoch(sizes, n) -> Callable[[], object] | None:
    try:
        from sklearn.neural_network import MLPRegressor
    except ImportError:
        return None
    X, y = make_data(sizes[0], n)
    model = MLPRegressor(hidden_layer_sizes=sizes[1:-1], activation="tanh", solver="sgd", batch_size=n,
                         momentum=0.0, nesterovs_momentum=False, alpha=0.0, learning_rate_init=LEARNING_RATE,
                         shuffle=False, random_state=0)
    target = y.ravel()
    warnings.filterwarnings("ignore", module="sklearn")
    model.partial_fit(X, target)
    return lambda: model.partial_fit(X, target)


def torch_epoch(sizes, n, dtype_name) -> Callable[[], object] | None:
    try:
        import torch
    except ImportError:
        return None
    dtype = getattr(torch, dtype_name)
    X, y = make_data(sizes[0], n)
    X, y = torch.tensor(X, dtype=dtype), torch.tensor(y, dtype=dtype)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(sizes[0], sizes[1]), torch.nn.Tanh(),
                                torch.nn.Linear(sizes[1], sizes[2])).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def epoch():
        opt.zero_grad(set_to_none=True)
        loss = 0.5 * torch.mean((model(X) - y) ** 2)
        loss.backward()
        opt.step()
        return loss

    return epoch


def measure(contenders: dict[str, Callable[[], object]], rounds: int, budget_s: float
            ) -> dict[str, list[float]]:
    """ms/epoch of each contender in every round, the contenders interleaved within a round."""
    epochs = {}
    for name, epoch in contenders.items():  # warm up, and size blocks to about budget_s each
        for _ in range(3):
            epoch()
        start = time.perf_counter()
        epoch()
        epochs[name] = max(1, int(budget_s / max(time.perf_counter() - start, 1e-7)))
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, epoch in contenders.items():
            m = epochs[name]
            time.sleep(PAUSE_S)  # let the previous contender's BLAS/OpenMP threads stop spinning
            start = time.perf_counter()
            for _ in range(m):
                epoch()
            samples[name].append((time.perf_counter() - start) / m * 1e3)
    return samples


def paired_ratio(samples: dict[str, list[float]], a: str, b: str) -> float:
    """Median over rounds of a's time / b's time in the same round (steadier than a ratio of medians
    when the machine's speed drifts between rounds)."""
    return statistics.median(x / y for x, y in zip(samples[a], samples[b], strict=True))


def header() -> str:
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, "
             f"{platform.processor() or platform.machine()}"]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        lines.append(f"{var}={os.environ.get(var, '(unset)')}")
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            lines.append(f"BLAS pool: {pool.get('internal_api')} {pool.get('version')} "
                         f"kernel={pool.get('architecture')} threads={pool.get('num_threads')} "
                         f"({os.path.basename(pool.get('filepath', ''))})")
    except ImportError:
        lines.append("threadpoolctl not installed: BLAS kernel unknown")
    for module in ("sklearn", "torch"):
        try:
            mod = __import__(module)
            extra = f", {mod.get_num_threads()} threads" if module == "torch" else ""
            lines.append(f"{module} {mod.__version__}{extra}")
        except ImportError:
            lines.append(f"{module}: not installed (its rows are skipped)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per shape")
    parser.add_argument("--block", type=float, default=0.1, help="seconds per contender per round")
    args = parser.parse_args()
    for module in ("sklearn", "torch"):  # import before reading threadpool info, so their pools show
        try:
            __import__(module)
        except ImportError:
            pass
    print(header())
    verdicts = []
    for sizes, n in SHAPES:
        contenders = {"seed (numpy)": seed_epoch(sizes, n),
                      "optviz f64": optviz_epoch(sizes, n, np.float64),
                      "optviz f32": optviz_epoch(sizes, n, np.float32),
                      "sklearn f64": sklearn_epoch(sizes, n),
                      "torch f64": torch_epoch(sizes, n, "float64"),
                      "torch f32": torch_epoch(sizes, n, "float32")}
        contenders = {k: v for k, v in contenders.items() if v is not None}
        samples = measure(contenders, args.rounds, args.block)
        has_skl = "sklearn f64" in samples
        shape = "-".join(map(str, sizes))
        print(f"\n{shape}, N={n:,}  ({args.rounds} interleaved rounds; ratios: medians of per-round ratios)")
        print(f"{'':14s} {'median ms':>10s} {'min ms':>8s} {'/ seed':>8s} {'/ sklearn':>10s}")
        for name, times in samples.items():
            vs_skl = f"{paired_ratio(samples, name, 'sklearn f64'):10.2f}" if has_skl else f"{'-':>10s}"
            print(f"{name:14s} {statistics.median(times):10.3f} {min(times):8.3f} "
                  f"{paired_ratio(samples, name, 'seed (numpy)'):8.2f} {vs_skl}")
        if has_skl:
            ratio = paired_ratio(samples, "optviz f64", "sklearn f64")
            verdicts.append(f"{shape}: optviz f64 / sklearn = {ratio:.2f} (target <= 0.80) "
                            f"{'PASS' if ratio <= 0.8 else 'MISS'}")
        if "torch f32" in samples and n == SHAPES[-1][1]:
            ratio = paired_ratio(samples, "optviz f32", "torch f32")
            verdicts.append(f"{shape}: optviz f32 / torch f32 = {ratio:.2f} (target <= 1.00) "
                            f"{'PASS' if ratio <= 1.0 else 'MISS'}")
    print("\n" + "\n".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
