"""Evidence ingest benchmark: the upload path's streaming SHA-256 + write, next to sha256sum.

The file is GENERATED (random bytes, like compressed video: incompressible) in /tmp. In the
same run, alternately and after one warm-up read so both start from the page cache:

1. ``sha256sum FILE`` (GNU coreutils): hashing only, no write -- the floor;
2. ``openprecinct.evidence.ingest.stream_append``: what ``PUT /evidence/uploads/<id>/`` does
   with each chunk -- read a block, feed SHA-256, append it to the partial file -- run in a
   child process so its peak resident memory (``ru_maxrss``) is its own; ``tracemalloc``
   gives the Python heap's peak as well. The partial file is written to /tmp, like the
   upload directory, without fsync (the upload path does not fsync each chunk either).

Python's hashlib uses OpenSSL, which uses the CPU's SHA extensions where present; GNU
sha256sum may not, so the ingest can beat it. The "no write" line shows the hash-only floor
of the same code, so the cost of writing is visible too.

Targets (issue 9): ingest throughput >= 70% of sha256sum's; peak memory < 100 MB whatever
the file size (it is a few 1 MiB blocks plus the interpreter).

Run:  .venv/bin/python benchmarks/evidence_ingest_bench.py [--size 2G] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

MB = 1_000_000


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    text = text.strip().upper()
    if text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def generate(path: Path, size: int) -> None:
    if path.exists() and path.stat().st_size == size:
        return
    block = 8 * 1024 * 1024
    with path.open("wb") as out:
        left = size
        while left:
            n = min(block, left)
            out.write(os.urandom(n))
            left -= n


def sha256sum(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout.split()[0]


def ingest_child(source: str, dest: str) -> None:
    """Runs in a child process: the measured ingest, then a JSON line with the figures."""
    from openprecinct.evidence.ingest import stream_append

    size = os.path.getsize(source)
    tracemalloc.start()
    start = time.perf_counter()
    hasher = hashlib.sha256()
    with open(source, "rb") as src, open(dest if dest != "-" else os.devnull, "wb") as out:
        copied = stream_append(src, out, hasher, limit=size)
    seconds = time.perf_counter() - start
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if dest != "-":
        os.unlink(dest)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "sha256": hasher.hexdigest(),
                "bytes": copied,
                "rss_bytes": rss_kib * 1024,
                "heap_peak_bytes": heap_peak,
            }
        )
    )


def ingest(path: Path, *, write: bool = True) -> dict[str, float | str]:
    dest = path.with_suffix(".ingest.part") if write else "-"
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(dest)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2G", help="file size, e.g. 2G, 256M (default 2G)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument(
        "--file", default=str(Path(tempfile.gettempdir()) / "openprecinct-evidence-bench.bin")
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        ingest_child(*args.child)
        return

    size = parse_size(args.size)
    path = Path(args.file)
    print(f"generating {size / MB:,.0f} MB of random bytes in {path} ...", file=sys.stderr)
    generate(path, size)
    sha256sum(path)  # warm the page cache
    best_sum, best_ingest, best_hash, digest, child = (
        float("inf"),
        float("inf"),
        float("inf"),
        "",
        {},
    )
    for run in range(1, args.repeat + 1):
        seconds, digest = sha256sum(path)
        best_sum = min(best_sum, seconds)
        result = ingest(path)
        assert result["sha256"] == digest, "the ingest hash differs from sha256sum's"
        best_hash = min(best_hash, float(ingest(path, write=False)["seconds"]))
        if float(result["seconds"]) < best_ingest:
            best_ingest, child = float(result["seconds"]), result
        print(
            f"run {run}: sha256sum {seconds:.2f} s, ingest {float(result['seconds']):.2f} s",
            file=sys.stderr,
        )
    sum_rate, ingest_rate = size / MB / best_sum, size / MB / best_ingest
    ratio = ingest_rate / sum_rate
    rss = float(child["rss_bytes"]) / MB
    heap = float(child["heap_peak_bytes"]) / MB
    print(f"file                 {size / MB:,.0f} MB (random bytes), best of {args.repeat}")
    print(f"sha256sum            {sum_rate:8.0f} MB/s  (hash only)")
    print(f"evidence ingest      {ingest_rate:8.0f} MB/s  (hash + write to disk)")
    print(f"same, no write       {size / MB / best_hash:8.0f} MB/s  (Python hashlib/OpenSSL only)")
    print(
        f"ratio                {ratio:8.2f}   (target >= 0.70: {'met' if ratio >= 0.7 else 'NOT met'})"
    )
    print(
        f"peak RSS (ingest)    {rss:8.1f} MB  (whole process; target < 100: "
        f"{'met' if rss < 100 else 'NOT met'})"
    )
    print(f"peak Python heap     {heap:8.1f} MB  (tracemalloc)")
    print(f"sha256               {digest}")
    if not args.keep:
        path.unlink()


if __name__ == "__main__":
    main()
