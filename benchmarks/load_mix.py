"""Load test: a realistic mix of officers, dispatchers, analysts and the public, with Locust.

    .venv/bin/python benchmarks/load_mix.py [--users 60] [--seconds 60] [--reuse]

What it does (all on this machine, nothing else touched):

1. a dedicated PostgreSQL database (``--database-url``, default ``openprecinct_bench_rel`` on
   127.0.0.1:5432), migrated and filled with the demo (``openprecinct demo``) unless ``--reuse``;
2. one bench account per simulated staff user (each needs its own TOTP device: a code is
   accepted once), signed in through the real login and two-factor pages;
3. gunicorn (``--workers``/``--threads``, production-like settings without TLS) on a free port,
   static files through WhiteNoise;
4. Locust headless for ``--seconds``; then prints requests/s, p50/p95/p99, error rate, the
   machine's load average, and exits 1 when a target is missed (>= 200 req/s, p95 < 300 ms,
   no errors).

This file is also the locustfile (Locust imports it with ``LOCUST_BENCH_ACCOUNTS`` set).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
TARGET_RPS, TARGET_P95_MS, TARGET_ERRORS = 200.0, 300.0, 0

# ----------------------------------------------------------------------------------------------
# The locustfile part (imported by Locust).
# ----------------------------------------------------------------------------------------------
if os.environ.get("LOCUST_BENCH_ACCOUNTS"):
    import re

    from locust import FastHttpUser, HttpUser, between, task

    ACCOUNTS = json.loads(Path(os.environ["LOCUST_BENCH_ACCOUNTS"]).read_text())
    ROUTES = json.loads(Path(os.environ["LOCUST_BENCH_ROUTES"]).read_text())
    _pool: dict[str, list[dict]] = {}
    for account in ACCOUNTS:
        _pool.setdefault(account["kind"], []).append(account)

    def _totp(key_hex: str, step: int = 30, digits: int = 6) -> str:
        import hashlib
        import hmac
        import struct

        counter = int(time.time()) // step
        mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
        offset = mac[-1] & 0x0F
        code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
        return f"{code:0{digits}d}"

    class Staff(HttpUser):
        abstract = True
        kind = ""
        wait_time = between(0.05, 0.3)

        def on_start(self) -> None:
            account = _pool[self.kind].pop()
            self.client.get("/accounts/login/", name="login page")
            token = self.client.cookies.get("csrftoken", "")
            self.client.post(
                "/accounts/login/",
                {
                    "username": account["username"],
                    "password": account["password"],
                    "acknowledge": "on",
                    "csrfmiddlewaretoken": token,
                },
                name="login",
            )
            page = self.client.get("/accounts/2fa/verify/", name="2fa page")
            match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            self.client.post(
                "/accounts/2fa/verify/",
                {
                    "token": _totp(account["key"]),
                    "csrfmiddlewaretoken": match.group(1) if match else "",
                },
                name="2fa",
            )
            self.ids = ROUTES.get("incident_ids") or []

        def get(self, path: str, name: str | None = None) -> None:
            self.client.get(path, name=name or path)

    class Officer(Staff):
        kind = "officer"
        weight = 3

        @task(3)
        def home(self) -> None:
            self.get("/staff/")

        @task(4)
        def records(self) -> None:
            self.get("/records/")

        @task(4)
        def record(self) -> None:
            if self.ids:
                self.get(f"/records/{random.choice(self.ids)}/", name="/records/<id>/")

        @task(2)
        def api_records(self) -> None:
            self.get("/api/v1/records/", name="/api/v1/records/")

        @task(1)
        def mobile(self) -> None:
            if "/dispatch/mobile/" in ROUTES["ok"]:
                self.get("/dispatch/mobile/")

    class Dispatcher(Staff):
        kind = "dispatcher"
        weight = 2

        @task(4)
        def console(self) -> None:
            for path in ("/dispatch/", "/dispatch/console/panels/"):
                if path in ROUTES["ok"]:
                    self.get(path)

        @task(3)
        def calls(self) -> None:
            if "/api/v1/dispatch/calls/" in ROUTES["ok"]:
                self.get("/api/v1/dispatch/calls/")

        @task(1)
        def units(self) -> None:
            if "/api/v1/dispatch/units/" in ROUTES["ok"]:
                self.get("/api/v1/dispatch/units/")

    class Analyst(Staff):
        kind = "analyst"
        weight = 1

        @task(3)
        def compstat(self) -> None:
            self.get("/insights/compstat/")

        @task(2)
        def analysis(self) -> None:
            self.get("/insights/analysis/")

        @task(1)
        def map(self) -> None:
            self.get("/staff/map/")

    class Public(FastHttpUser):  # geventhttpclient: the load generator shares the 2 cores
        # A precinct's public portal has many more visitors at a time than the precinct has
        # staff signed in: two thirds of the simulated users are residents (weights 3:2:1:12).
        weight = 12
        wait_time = between(0.05, 0.3)

        @task(4)
        def portal(self) -> None:
            for path in ROUTES["public"]:
                self.client.get(path, name=path)
                break

        @task(3)
        def portal_page(self) -> None:
            path = random.choice(ROUTES["public"])
            self.client.get(path, name=path)

        @task(2)
        def boundaries(self) -> None:
            self.client.get("/portal/geo/boundaries.geojson", name="boundaries")

        @task(1)
        def static(self) -> None:
            self.client.get("/static/css/app.css", name="static")


# ----------------------------------------------------------------------------------------------
# The driver.
# ----------------------------------------------------------------------------------------------
PUBLIC_CANDIDATES = [
    "/",
    "/portal/",
    "/portal/compstat/",
    "/portal/response-times/",
    "/portal/calls/",
    "/portal/accountability-figures/",
    "/portal/community/",
    "/portal/community/events/",
    "/api/v1/public/boundaries/",
    "/portal/drones/",
]
STAFF_CANDIDATES = [
    "/dispatch/",
    "/dispatch/console/panels/",
    "/dispatch/mobile/",
    "/api/v1/dispatch/calls/",
    "/api/v1/dispatch/units/",
]

SETUP_ACCOUNTS = r"""
import json, sys
from django_otp.plugins.otp_totp.models import TOTPDevice
from openprecinct.accounts.models import User
from openprecinct.records.models import Incident
out = []
kinds = {"officer": "patrol_officer", "dispatcher": "dispatcher", "analyst": "crime_analyst"}
n = int(sys.argv[-1])
for kind, role in kinds.items():
    for i in range(n):
        name = f"bench-{kind}-{i}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = User.objects.create_user(username=name, password="bench-passphrase-2026", role=role)
        user.locked_at = None
        user.save()
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        out.append({"kind": kind, "username": name, "password": "bench-passphrase-2026", "key": device.key})
ids = list(Incident.objects.order_by("-id").values_list("id", flat=True)[:500])
print(json.dumps({"accounts": out, "ids": ids}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/openprecinct_bench_rel"
    )
    parser.add_argument(
        "--data-dir", default=str(Path(tempfile.gettempdir()) / "openprecinct-bench")
    )
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="the database is filled already")
    args = parser.parse_args()

    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "OPENPRECINCT_DATABASE_URL": args.database_url,
            "OPENPRECINCT_DATA_DIR": str(data_dir),
            "OPENPRECINCT_DEBUG": "0",
            "OPENPRECINCT_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "openprecinct.config.settings.dev",
        }
    )
    op = str(VENV / "openprecinct")
    if not args.reuse:
        print("migrating and loading the demo (a few minutes)...", flush=True)
        subprocess.run([op, "migrate", "-v0"], env=env, check=True)
        subprocess.run([op, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([op, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    per_kind = max(1, args.users)  # every simulated user may be of any kind
    made = subprocess.run(
        [op, "shell", "-c", SETUP_ACCOUNTS.replace("sys.argv[-1]", str(per_kind))],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    accounts_file = data_dir / "bench-accounts.json"
    accounts_file.write_text(json.dumps(setup["accounts"]))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "openprecinct.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread" if args.threads > 1 else "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(ROOT),
    )
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("gunicorn did not start", file=sys.stderr)
                    return 2
                time.sleep(0.5)
        public = []
        for path in PUBLIC_CANDIDATES:
            try:
                with urllib.request.urlopen(base + path, timeout=10) as r:  # noqa: S310
                    if r.status == 200:
                        public.append(path)
            except OSError:
                pass
        routes = {"public": public, "ok": STAFF_CANDIDATES, "incident_ids": setup["ids"]}
        routes_file = data_dir / "bench-routes.json"
        routes_file.write_text(json.dumps(routes))
        print(f"public routes in the mix: {', '.join(public)}")
        print(f"load average before: {load_average()}")
        prefix = data_dir / "locust"
        lenv = dict(env)
        lenv.update(
            {
                "LOCUST_BENCH_ACCOUNTS": str(accounts_file),
                "LOCUST_BENCH_ROUTES": str(routes_file),
            }
        )
        subprocess.run(
            [
                str(VENV / "locust"),
                "-f",
                str(Path(__file__).resolve()),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(1, args.users // 2)),
                "-t",
                f"{args.seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=lenv,
            check=False,
        )
        load_after = load_average()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    measured = [
        r for r in rows if r["Name"] not in ("Aggregated", "login", "2fa", "login page", "2fa page")
    ]
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    rps = float(total["Requests/s"])
    p50, p95, p99 = (float(total[k]) for k in ("50%", "95%", "99%"))
    print()
    print(f"users {args.users}, {args.seconds} s, gunicorn {args.workers}x{args.threads}")
    print(f"requests {requests}, failures {failures} ({100 * failures / max(1, requests):.2f}%)")
    print(f"throughput {rps:.1f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    print(f"load average after: {load_after}")
    print("slowest routes (p95 ms):")
    for row in sorted(measured, key=lambda r: -float(r["95%"] or 0))[:8]:
        print(f"  {row['Name']:<40} {row['95%']:>6}  ({row['Request Count']} requests)")
    missed = []
    if rps < TARGET_RPS:
        missed.append(f"throughput {rps:.0f} < {TARGET_RPS:.0f} req/s")
    if p95 >= TARGET_P95_MS:
        missed.append(f"p95 {p95:.0f} >= {TARGET_P95_MS:.0f} ms")
    if failures > TARGET_ERRORS:
        missed.append(f"{failures} errors")
    if missed:
        print("TARGET MISSED: " + "; ".join(missed))
        return 1
    print("targets met")
    return 0


if __name__ == "__main__" and not os.environ.get("LOCUST_BENCH_ACCOUNTS"):
    raise SystemExit(main())
