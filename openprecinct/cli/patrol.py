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
    hypercube,
    patrol_system_from_dict,
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
    h.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser(
        "simulate",
        help="discrete-event simulation of the same model, with 95%% confidence intervals",
    )
    s.add_argument("--input", required=True, help="MODEL.json, as for hypercube")
    s.add_argument("--calls", type=int, default=200_000, help="calls to simulate (default 200000)")
    s.add_argument("--seed", type=int, default=None, help="random seed (default: fresh)")
    s.add_argument("--json", action="store_true", help="print one JSON object")

    for name, adder in _EXTRA_COMMANDS.items():
        adder(sub, name)
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


_EXTRA_COMMANDS: dict[str, Callable[[Any, str], None]] = {}
_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "hypercube": _cmd_hypercube,
    "simulate": _cmd_simulate,
}


def run(argv: list[str]) -> int:
    """Parse ``argv`` (after ``patrol``), run the subcommand, return the exit status."""
    args = build_parser().parse_args(argv)
    status = _HANDLERS[args.command](args)
    sys.stdout.flush()
    return status
