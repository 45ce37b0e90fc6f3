"""Speed benchmark: fit and predict times of every forecaster, and ratios against
straightforward dense numpy implementations of the same maths.

* Scale test: two years of a busy precinct, about 70 events a day (51,000 events) over a
  10 km x 10 km area cut into 4,489 cells of 150 m. Targets: fit < 10 s, predict < 1 s.
* Continuous SEPP on 3,000 events (the size open_cp 0.2.0 fits in 63 s on 2 cores,
  ``shared/bench/README.md``): target >= 20x faster than open_cp.
* Dense references (O(n^2) or O(n x cells) numpy), same iterations: KDE at cell centres,
  grid ETAS E-step over all same-cell pairs, continuous SEPP EM over all pairs.

Usage: ``python benchmarks/forecast/speed.py`` (about a minute on 2 cores).
"""

from __future__ import annotations

import math
import resource
import time

import numpy as np
from shapely.geometry import box

from openprecinct.analytics.forecast import Events, KDEForecast, Period
from openprecinct.analytics.forecast.registry import METHODS
from openprecinct.analytics.forecast.sepp import ContinuousSEPP, GridETAS
from openprecinct.analytics.grid import SquareGrid

OPENCP_SEPP_3000_S = 63.0


def city(n_per_day: float, days: float, rng: np.random.Generator, side: float = 10000.0) -> Events:
    n_addr = 20000
    ax, ay = rng.uniform(0, side, n_addr), rng.uniform(0, side, n_addr)
    w = rng.lognormal(0, 1.5, n_addr)
    w /= w.sum()
    n = rng.poisson(n_per_day * days)
    a = rng.choice(n_addr, n, p=w)
    return Events(rng.uniform(0, days, n), ax[a], ay[a], 0.0, days)


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def dense_kde(ev: Events, grid: SquareGrid, h: float) -> np.ndarray:
    out = np.zeros(grid.n_cells)
    for k in range(0, len(ev), 2000):
        dx = grid.centers[None, :, 0] - ev.x[k : k + 2000, None]
        dy = grid.centers[None, :, 1] - ev.y[k : k + 2000, None]
        out += np.exp(-(dx * dx + dy * dy) / (2 * h * h)).sum(axis=0)
    return out


def dense_grid_etas(t: np.ndarray, c: np.ndarray, iterations: int) -> tuple[float, float]:
    span = t.max() + 1
    dt = t[:, None] - t[None, :]
    same = (c[:, None] == c[None, :]) & (dt > 0)
    dtp = np.where(same, dt, 0.0)
    mu = np.bincount(c).astype(float)[c] * 0.9 / span
    theta, omega = 0.1, 0.1
    for _ in range(iterations):
        g = np.where(same, theta * omega * np.exp(-omega * dtp), 0.0)
        lam = mu + g.sum(axis=1)
        p = g / lam[:, None]
        n_tr = p.sum()
        theta = n_tr / np.sum(1 - np.exp(-omega * (span - t)))
        omega = n_tr / max((p * dtp).sum(), 1e-12)
        mu = np.bincount(c, weights=mu / lam)[c] / span
    return theta, omega


def dense_sepp(ev: Events, iterations: int, h: float = 250.0) -> float:
    n = len(ev)
    xy = np.column_stack([ev.x, ev.y])
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    dt = ev.t[:, None] - ev.t[None, :]
    ok = (dt > 0) & (dt <= 60) & (d2 <= 500**2)
    kern = np.exp(-d2 / (2 * h * h)) / (2 * math.pi * h * h)
    theta, omega, sigma = 0.1, 0.1, 50.0
    wbg = np.full(n, 0.9)
    span = ev.end - ev.observed_from
    for _ in range(iterations):
        mu = kern @ wbg / span
        g = np.where(
            ok,
            theta
            * omega
            * np.exp(-omega * np.where(ok, dt, 0))
            * np.exp(-d2 / (2 * sigma**2))
            / (2 * math.pi * sigma**2),
            0.0,
        )
        lam = mu + g.sum(axis=1)
        p = g / lam[:, None]
        wbg = mu / lam
        n_tr = p.sum()
        theta = n_tr / n
        omega = n_tr / max((p * np.where(ok, dt, 0)).sum(), 1e-12)
        sigma = math.sqrt(max((p * d2).sum() / (2 * n_tr), 1.0))
    return theta


def main() -> int:
    rng = np.random.default_rng(0)
    grid = SquareGrid(box(0, 0, 10000, 10000), 150.0)
    big = city(70, 730.0, rng)
    nxt = Period(730.0, 731.0)
    print(f"scale test: {len(big):,} events over 730 days, {grid.n_cells:,} cells")
    print(f"  {'method':13s} {'fit s':>7s} {'predict s':>10s}")
    for name, make in METHODS.items():
        m = make()
        _, fit_s = timed(lambda m=m: m.fit(big, grid).prepare([1.0]))
        _, pred_s = timed(lambda m=m: m.predict(nxt))
        flag = "" if fit_s < 10 and pred_s < 1 else "  <-- over target"
        print(f"  {name:13s} {fit_s:7.2f} {pred_s:10.3f}{flag}")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory so far {peak:.0f} MB (target < 1 GB)")

    # 3,000 events in 90 days on a precinct-sized area (4.6 km x 4.6 km = 21 km2)
    small = city(3000 / 90, 90.0, np.random.default_rng(1), side=4600.0)
    print(f"\nagainst dense numpy references ({len(small):,} events, 90 days, 21 km2):")
    _, ours = timed(
        lambda: KDEForecast(bandwidth=200, window_days=90).fit(small, grid).predict(Period(90, 91))
    )
    _, ref = timed(lambda: dense_kde(small, grid, 200.0))
    print(f"  KDE predict          ours {ours:7.3f}s  dense {ref:7.3f}s  ratio {ref / ours:6.1f}x")
    cells = grid.locate(small.x, small.y)
    m = GridETAS(iterations=20, tol=1e-300)
    _, ours = timed(lambda: m.fit(small, grid))
    _, ref = timed(lambda: dense_grid_etas(small.t, cells, 20))
    print(f"  grid ETAS fit (20 it) ours {ours:7.3f}s  dense {ref:7.3f}s  ratio {ref / ours:6.1f}x")
    s = ContinuousSEPP(iterations=30)
    _, ours = timed(lambda: s.fit(small, grid))
    _, ref = timed(lambda: dense_sepp(small, 30))
    print(
        f"  cts SEPP fit (30 it) ours {ours:7.3f}s  dense {ref:7.3f}s  ratio {ref / ours:6.1f}x"
        f"   ({s.n_pairs_:,} candidate pairs, not {len(small) ** 2:,})"
    )
    print(
        f"  cts SEPP vs open_cp 0.2.0 ({OPENCP_SEPP_3000_S:.0f} s on 3,000 events): "
        f"{OPENCP_SEPP_3000_S / ours:.0f}x faster (target >= 20x)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory with the dense references {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
