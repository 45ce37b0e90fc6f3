"""``openprecinct patrol``: patrol allocation models on a JSON file, no database.

Subcommands: ``hypercube`` (Larson's model, exact or approximate), ``simulate`` (the
discrete-event check with 95% intervals), ``pcam`` (cars needed per tour), ``coverage``
(patrol posts by maximal covering or p-median) and ``compare`` (two sector plans side by
side). Each reads a file, calls one library function and prints a table, or with ``--json``
exactly one JSON object. Errors are one line (exit 1; an unreadable file exits 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from openprecinct.analytics.patrol import (
    PatrolSystem,
    compare_plans,
    hypercube,
    hypercube_approx,
    max_covering,
    p_median,
    patrol_system_from_dict,
    pcam_from_dict,
    simulate_patrol,
)
from openprecinct.cli.errors import CLIError

__all__ = ["build_parser", "run"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{message} (see 'openprecinct patrol --help')")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="openprecinct patrol",
        description="Patrol allocation models (docs/patrol.md). Files in, reports out.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    h = sub.add_parser(
        "hypercube",
        help="Larson's hypercube model: workloads, who answers which calls, travel times",
    )
    h.add_argument(
        "--input",
        required=True,
        help="MODEL.json (atoms, units, service_rate, travel_time, preference, optional queue)",
    )
    h.add_argument(
        "--method",
        choices=["exact", "approx", "auto"],
        default="auto",
        help="exact (2**N states, to ~15 units), approx (Larson 1975) or auto "
        "(exact up to 12 units; default)",
    )
    h.add_argument(
        "--correction",
        choices=["conditional", "larson"],
        default="conditional",
        help="the approximation's correction: conditional (default, within 2 points of "
        "exact in our tests) or larson (as published, 1975)",
    )
    h.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser(
        "simulate",
        help="discrete-event simulation of the same model, with 95%% confidence intervals",
    )
    s.add_argument("--input", required=True, help="MODEL.json, as for hypercube")
    s.add_argument("--calls", type=int, default=200_000, help="calls to simulate (default 200000)")
    s.add_argument("--seed", type=int, default=None, help="random seed (default: fresh)")
    s.add_argument("--json", action="store_true", help="print one JSON object")

    c = sub.add_parser(
        "pcam",
        help="fewest cars per tour meeting wait and patrol-frequency targets (PCAM, Erlang C)",
    )
    c.add_argument(
        "--input",
        required=True,
        help="FILE.json: calls_per_hour (24 values), "
        "service_minutes, targets, street_miles, patrol_speed_mph, tours",
    )
    c.add_argument("--json", action="store_true", help="print one JSON object")

    v = sub.add_parser(
        "coverage",
        help="choose patrol posts: maximal covering or p-median (exact integer programme)",
    )
    v.add_argument(
        "--input",
        required=True,
        help="FILE.json: demand (per atom), travel_time "
        "(candidates x atoms, minutes), optional candidates [{id}]",
    )
    v.add_argument("--posts", type=int, required=True, help="number of posts to open (p)")
    v.add_argument("--objective", choices=["max-covering", "p-median"], default="max-covering")
    v.add_argument(
        "--radius", type=float, help="coverage standard in minutes (required for max-covering)"
    )
    v.add_argument("--json", action="store_true", help="print one JSON object")

    m = sub.add_parser(
        "compare",
        help="two sector plans side by side: response times and workloads, with the assumptions",
    )
    m.add_argument("--current", required=True, help="PLAN.json in the hypercube model format")
    m.add_argument("--proposed", required=True, help="PLAN.json in the hypercube model format")
    m.add_argument("--method", choices=["exact", "approx", "auto"], default="auto")
    m.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _read_json(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}", code=2) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None


def _load_system(path: str) -> PatrolSystem:
    data = _read_json(path)
    try:
        return patrol_system_from_dict(data)
    except ValueError as exc:
        raise CLIError(f"{path}: {exc}") from None


def _atom_names(data: Any, n: int) -> list[str]:
    atoms = data.get("atoms", []) if isinstance(data, dict) else []
    return [str(a.get("id", j)) if isinstance(a, dict) else str(j) for j, a in enumerate(atoms)][
        :n
    ] or [str(j) for j in range(n)]


def _fmt_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, allow_nan=False, default=_json_default))


def _json_default(obj: object) -> object:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.floating | np.integer):
        return obj.item()
    raise TypeError(type(obj).__name__)


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        return [_nan_to_none(v) for v in value]
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    return value


def _cmd_hypercube(args: argparse.Namespace) -> int:
    system = _load_system(args.input)
    try:
        if args.method == "approx" or (args.method == "auto" and system.n_units > 12):
            result = hypercube_approx(system, correction=args.correction)
        else:
            result = hypercube(system, method=args.method)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        _print_json(_nan_to_none(result.to_dict(system.unit_ids)))
        return 0
    atoms = _atom_names(_read_json(args.input), system.n_atoms)
    print(
        f"Hypercube model ({result.method}), {system.n_units} units, {system.n_atoms} atoms, "
        f"{system.total_rate:g} calls/h, {'queued' if system.queue else 'lost'} when all busy"
    )
    print()
    rows = [
        [
            uid,
            f"{result.workload[n]:.3f}",
            f"{result.fraction_served[n] @ system.rates / system.total_rate:.3f}",
        ]
        for n, uid in enumerate(system.unit_ids)
    ]
    print(_fmt_table(["unit", "workload", "share of calls"], rows))
    print()
    rows = [
        [
            atoms[j],
            f"{system.rates[j]:g}",
            f"{result.mean_travel_time_by_atom[j]:.2f}",
            system.unit_ids[int(np.argmax(result.fraction_served[:, j]))],
        ]
        for j in range(system.n_atoms)
    ]
    print(_fmt_table(["atom", "calls/h", "travel min", "answered mostly by"], rows))
    print()
    print(
        f"mean travel time {result.mean_travel_time:.2f} min; P(all units busy) "
        f"{result.p_all_busy:.4f}; lost {result.p_lost:.4f}; mean queue wait "
        f"{result.mean_queue_wait:.2f} min; solved in {result.solve_seconds:.3f} s"
    )
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    system = _load_system(args.input)
    try:
        result = simulate_patrol(system, n_calls=args.calls, rng=args.seed)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        _print_json(_nan_to_none(result.to_dict()))
        return 0
    print(
        f"Simulation of {result.n_calls} calls ({result.batches} batches), "
        f"{result.seconds:.2f} s; 95% intervals"
    )
    rows = [
        [uid, f"{result.workload[n]:.3f} ± {result.workload_ci[n]:.3f}"]
        for n, uid in enumerate(system.unit_ids)
    ]
    print(_fmt_table(["unit", "workload"], rows))
    print(
        f"mean travel time {result.mean_travel_time:.2f} ± {result.mean_travel_time_ci:.2f} "
        f"min; P(all busy) {result.p_all_busy:.4f} ± {result.p_all_busy_ci:.4f}"
    )
    return 0


def _cmd_pcam(args: argparse.Namespace) -> int:
    data = _read_json(args.input)
    try:
        result = pcam_from_dict(data)
    except ValueError as exc:
        raise CLIError(f"{args.input}: {exc}") from None
    if args.json:
        _print_json(_finite(result.to_dict()))
        return 0
    rows = [
        [
            t.name,
            f"{t.hours[0]:02d}-{t.hours[-1]:02d}",
            str(t.cars),
            t.binding,
            f"{t.p_wait:.3f}",
            f"{t.mean_wait_minutes:.2f}",
            f"{t.patrol_frequency:.2f}",
        ]
        for t in result.tours
    ]
    print(_fmt_table(["tour", "hours", "cars", "set by", "P(wait)", "wait min", "patrols/h"], rows))
    print("(worst hour of each tour; M/M/c with Erlang C, Chaiken and Dormont 1978)")
    return 0


def _finite(value: Any) -> Any:
    """JSON has no infinity: unbounded targets and waits become null."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _cmd_coverage(args: argparse.Namespace) -> int:
    data = _read_json(args.input)
    if not isinstance(data, dict) or "demand" not in data or "travel_time" not in data:
        raise CLIError(f"{args.input}: the file needs 'demand' and 'travel_time' fields")
    try:
        if args.objective == "max-covering":
            if args.radius is None:
                raise CLIError("--radius (minutes) is required with --objective max-covering")
            result = max_covering(
                data["demand"], data["travel_time"], p=args.posts, radius=args.radius
            )
        else:
            result = p_median(data["demand"], data["travel_time"], p=args.posts, radius=args.radius)
    except (TypeError, ValueError) as exc:
        message = (
            str(exc)
            .replace("parameter of max_covering", "field")
            .replace("parameter of p_median", "field")
            .replace("The 'p' field", "--posts")
        )
        raise CLIError(f"{args.input}: {message}") from None
    names = [
        str(c.get("id", i)) if isinstance(c, dict) else str(c)
        for i, c in enumerate(data.get("candidates", []))
    ]
    if len(names) != len(data["travel_time"]):
        names = [str(i) for i in range(len(data["travel_time"]))]
    out = result.to_dict()
    out["site_ids"] = [names[i] for i in result.sites]
    if args.json:
        _print_json(_finite(out))
        return 0
    print(f"{result.objective}: open {', '.join(out['site_ids'])}")  # type: ignore[arg-type]
    print(f"mean travel time to the nearest post {result.mean_travel_time:.2f} min")
    if args.radius is not None:
        print(f"demand within {args.radius:g} min: {result.covered_fraction:.1%}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    current = _load_system(args.current)
    proposed = _load_system(args.proposed)
    try:
        result = compare_plans(current, proposed, method=args.method)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        _print_json(_nan_to_none(result.to_dict(current.unit_ids, proposed.unit_ids)))
        return 0
    a, b = result.current, result.proposed
    rows = [
        [
            "mean travel time (min)",
            f"{a.mean_travel_time:.2f}",
            f"{b.mean_travel_time:.2f}",
            f"{b.mean_travel_time - a.mean_travel_time:+.2f}",
        ],
        [
            "busiest car's workload",
            f"{a.workload.max():.3f}",
            f"{b.workload.max():.3f}",
            f"{b.workload.max() - a.workload.max():+.3f}",
        ],
        [
            "workload spread",
            f"{result.workload_spread[0]:.3f}",
            f"{result.workload_spread[1]:.3f}",
            f"{result.workload_spread[1] - result.workload_spread[0]:+.3f}",
        ],
        [
            "P(all cars busy)",
            f"{a.p_all_busy:.4f}",
            f"{b.p_all_busy:.4f}",
            f"{b.p_all_busy - a.p_all_busy:+.4f}",
        ],
        [
            "mean queue wait (min)",
            f"{a.mean_queue_wait:.2f}",
            f"{b.mean_queue_wait:.2f}",
            f"{b.mean_queue_wait - a.mean_queue_wait:+.2f}",
        ],
    ]
    print(_fmt_table(["", "current", "proposed", "change"], rows))
    print()
    for label, ids, res in (("current", current.unit_ids, a), ("proposed", proposed.unit_ids, b)):
        print(
            f"{label} workloads: "
            + ", ".join(f"{u} {w:.2f}" for u, w in zip(ids, res.workload, strict=True))
        )
    print()
    print("Assumptions:")
    for line in result.assumptions:
        print(f"  - {line}")
    return 0


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "hypercube": _cmd_hypercube,
    "simulate": _cmd_simulate,
    "pcam": _cmd_pcam,
    "coverage": _cmd_coverage,
    "compare": _cmd_compare,
}


def run(argv: list[str]) -> int:
    """Parse ``argv`` (after ``patrol``), run the subcommand, return the exit status."""
    args = build_parser().parse_args(argv)
    status = _HANDLERS[args.command](args)
    sys.stdout.flush()
    return status
