"""Fault test: kill PostgreSQL under a burst of writes and during an import; then back up and
restore. Runs its OWN throwaway PostgreSQL cluster (initdb in a temporary directory, port 5499):
the shared server on 5432 is never touched.

    .venv/bin/python benchmarks/fault_pg_kill.py [--port 5499] [--rows 30000]

Checks (exit 1 if any fails):

1. writes: a client POSTs incident reports (``/api/v1/records/``, each with a unique marker) to
   gunicorn at a steady rate; PostgreSQL's postmaster and backends are killed with SIGKILL, then
   started again (crash recovery). Every acknowledged write (201) is in the database afterwards;
   the same gunicorn processes serve 201s again once the database is back (no restart), and
   /healthz went 503 and back to 200.
2. import: a 60,000-row import is running when PostgreSQL is killed; it stops with a one-line
   error; once the database is back the same import, run again, completes; running it a third
   time changes nothing, and the record count equals the file's rows (the same result as an
   uninterrupted import).
3. backup/restore: ``openprecinct backup`` of that database, ``openprecinct restore`` into a fresh
   one: every record count and every evidence hash reproduced (the restore command checks).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))


def pg_bin(name: str) -> str:
    for version in ("17", "16", "15", "14"):
        path = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PostgreSQL server binaries")
    return found


class Cluster:
    """A private PostgreSQL cluster; only processes it started are ever signalled."""

    def __init__(self, base: Path, port: int) -> None:
        self.data = base / "pgdata"
        self.port = port
        self.socket_dir = base
        self.log = base / "postgres.log"
        run_as = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
            run_as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres")
        self.run_as = run_as
        subprocess.run(
            [
                *run_as,
                pg_bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--data-checksums",
                "-E",
                "UTF8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def start(self) -> float:
        started = time.monotonic()
        subprocess.run(
            [
                *self.run_as,
                pg_bin("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-o",
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.monotonic() - started

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def kill9(self) -> int:
        """SIGKILL the postmaster and its backends (children of OUR postmaster only)."""
        pid = self.postmaster_pid()
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout.split()
        os.kill(pid, signal.SIGKILL)
        for child in children:
            try:
                os.kill(int(child), signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.3)
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        return len(children)

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def psql(self, db: str, sql: str) -> str:
        return subprocess.run(
            [
                pg_bin("psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-Atc",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5499)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--rate", type=float, default=40.0, help="writes per second")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="openprecinct-fault-"))
    base.chmod(0o755)
    results: dict[str, object] = {"load_average_start": Path("/proc/loadavg").read_text()[:14]}
    failures: list[str] = []
    cluster = Cluster(base, args.port)
    cluster.start()
    server = None
    try:
        cluster.psql("postgres", "CREATE DATABASE fault")
        db_url = f"postgres://postgres@127.0.0.1:{args.port}/fault"
        data_dir = base / "data"
        data_dir.mkdir()
        env = dict(os.environ)
        env.update(
            {
                "OPENPRECINCT_DATABASE_URL": db_url,
                "OPENPRECINCT_DATA_DIR": str(data_dir),
                "OPENPRECINCT_DEBUG": "0",
                "OPENPRECINCT_LOG_LEVEL": "CRITICAL",
                "DJANGO_SETTINGS_MODULE": "openprecinct.config.settings.dev",
            }
        )
        op = str(VENV / "openprecinct")
        print("migrating the throwaway database...", flush=True)
        subprocess.run([op, "migrate", "-v0"], env=env, check=True)
        setup = subprocess.run(
            [
                op,
                "shell",
                "-c",
                "from openprecinct.accounts.models import User\n"
                "from rest_framework.authtoken.models import Token\n"
                "u = User.objects.create_user(username='fault-officer', "
                "password='fault-passphrase-2026', role='patrol_officer')\n"
                "print(Token.objects.create(user=u).key)",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = setup.stdout.strip().splitlines()[-1]

        # ---- 1. a burst of writes, PostgreSQL killed in the middle ---------------------------
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "openprecinct.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--worker-class",
                "gthread",
                "--log-level",
                "critical",
            ],
            env=env,
            cwd=str(ROOT),
        )

        def get(path: str) -> int:
            try:
                with urllib.request.urlopen(base_url + path, timeout=5) as r:  # noqa: S310
                    return r.status
            except urllib.error.HTTPError as exc:
                return exc.code
            except OSError:
                return 0

        wait_for(lambda: get("/healthz") == 200, 60, "gunicorn")
        worker_pids_before = sorted(
            subprocess.run(
                ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
        )
        acked: list[str] = []
        statuses: dict[int, int] = {}
        timeline: list[tuple[float, int]] = []
        stop = threading.Event()
        t0 = time.monotonic()

        def write_one() -> None:
            marker = f"fault-{uuid.uuid4()}"
            body = json.dumps(
                {
                    "occurred_from": "2026-11-30T10:00:00-05:00",
                    "ky_cd": 341,
                    "attempted": False,
                    "premises": "STREET",
                    "address": "10 Bay Street",
                    "latitude": 40.6424,
                    "longitude": -74.0776,
                    "narrative": f"Fault test write {marker}.",
                }
            ).encode()
            request = urllib.request.Request(  # noqa: S310
                base_url + "/api/v1/records/",
                data=body,
                method="POST",
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
                    status = r.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = 0
            statuses[status] = statuses.get(status, 0) + 1
            timeline.append((time.monotonic() - t0, status))
            if status == 201:
                acked.append(marker)

        def writer() -> None:
            # A few clients, each writing one report after another at a steady pace.
            interval = 4.0 / args.rate
            while not stop.is_set():
                started = time.monotonic()
                write_one()
                time.sleep(max(0.0, interval - (time.monotonic() - started)))

        health_seen: list[int] = []
        threads = [threading.Thread(target=writer, daemon=True) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(4)
        killed = cluster.kill9()
        kill_at = time.monotonic() - t0
        time.sleep(0.5)
        health_seen.append(get("/healthz"))
        time.sleep(1.5)
        restart_s = cluster.start()
        wait_for(lambda: get("/healthz") == 200, 90, "the application to see the database")
        back_at = time.monotonic() - t0
        time.sleep(8)  # the recovery phase: every write must succeed again
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        health_seen.append(get("/healthz"))
        worker_pids_after = sorted(
            subprocess.run(
                ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
        )
        stored = int(
            cluster.psql(
                "fault",
                "SELECT count(*) FROM records_incident WHERE narrative LIKE 'Fault test write %'",
            )
        )
        found = set(
            cluster.psql(
                "fault",
                "SELECT substring(narrative from 'fault-[0-9a-f-]+') FROM records_incident "
                "WHERE narrative LIKE 'Fault test write %'",
            ).split()
        )
        lost = [m for m in acked if m not in found]
        errors_window = [t for t, s in timeline if s != 201]
        after_back = [s for t, s in timeline if t > back_at + 1.0]
        results["writes"] = {
            "sent": sum(statuses.values()),
            "statuses": statuses,
            "acknowledged": len(acked),
            "rows_stored": stored,
            "acknowledged_lost": len(lost),
            "backends_killed": killed,
            "killed_at_s": round(kill_at, 2),
            "postgres_restart_s": round(restart_s, 2),
            "error_window_s": round(max(errors_window) - min(errors_window), 2)
            if errors_window
            else 0,
            "healthz_down_then_up": health_seen,
            "same_gunicorn_workers": worker_pids_before == worker_pids_after,
            "201_after_recovery": sum(1 for s in after_back if s == 201),
            "non_201_after_recovery": sum(1 for s in after_back if s != 201),
        }
        if lost:
            failures.append(f"{len(lost)} acknowledged writes lost")
        if stored < len(acked):
            failures.append("fewer rows than acknowledged writes")
        if not after_back or any(s != 201 for s in after_back):
            failures.append("the application did not recover without a restart")
        if health_seen[-1] != 200:
            failures.append("/healthz did not come back to 200")
        if worker_pids_before != worker_pids_after:
            failures.append("gunicorn workers were replaced (a restart)")

        # ---- 2. an import, PostgreSQL killed in the middle -----------------------------------
        from tests.reliability.helpers import GENERIC_COLUMNS, generic_csv

        csv_path = generic_csv(base / "import.csv", args.rows)
        cmd = [
            op,
            "import",
            "--schema",
            "generic",
            "--columns",
            GENERIC_COLUMNS,
            "--batch-size",
            "500",
            "--json",
            str(csv_path),
        ]
        help_text = subprocess.run(
            [op, "import", "--help"], env=env, capture_output=True, text=True
        ).stdout
        if "--batch-size" not in help_text:
            cmd.remove("--batch-size")
            cmd.remove("500")
        if "--json" not in help_text:
            cmd.remove("--json")
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

        def import_read() -> int:
            try:
                value = cluster.psql(
                    "fault",
                    "SELECT coalesce(max(read), 0) FROM records_importrun WHERE status = 'running'",
                )
                return int(value or 0)
            except subprocess.CalledProcessError:
                return 0

        wait_for(lambda: import_read() >= 2000 or proc.poll() is not None, 120, "import batches")
        interrupted = proc.poll() is None
        read_at_kill = import_read()
        cluster.kill9()
        out, err = proc.communicate(timeout=120)
        first_error = (err.strip().splitlines() or [""])[-1]
        cluster.start()
        wait_for(lambda: get("/healthz") == 200, 30, "the database")
        second = subprocess.run(cmd, env=env, capture_output=True, text=True)
        third = subprocess.run(cmd, env=env, capture_output=True, text=True)
        count = int(
            cluster.psql(
                "fault",
                "SELECT count(*) FROM records_incident "
                "WHERE source_key LIKE 'C%' AND source = 'generic'",
            )
        )
        results["import"] = {
            "rows": args.rows,
            "interrupted_mid_import": interrupted,
            "read_when_killed": read_at_kill,
            "first_run_exit": proc.returncode,
            "first_run_error": first_error[:300],
            "second_run_exit": second.returncode,
            "second_run_summary": second.stdout.strip()[-400:],
            "third_run_summary": third.stdout.strip()[-400:],
            "records": count,
        }
        if not interrupted:
            failures.append("the import finished before the kill (use more --rows)")
        results["import"]["first_run_traceback"] = "Traceback" in err  # type: ignore[index]
        if proc.returncode == 0:
            failures.append("the interrupted import reported success")
        if second.returncode != 0 or third.returncode != 0:
            failures.append("the re-run import failed")
        if count != args.rows:
            failures.append(f"{count} records after the import, expected {args.rows}")
        if '"imported": 0' not in third.stdout and "imported             0" not in third.stdout:
            failures.append("a third run of the import still changed records")

        # ---- 3. backup and restore on PostgreSQL --------------------------------------------
        archive = base / "backup.tar"
        started = time.monotonic()
        backup = subprocess.run(
            [op, "backup", str(archive)], env=env, capture_output=True, text=True
        )
        backup_s = time.monotonic() - started
        cluster.psql("postgres", "CREATE DATABASE restored")
        renv = dict(env)
        renv["OPENPRECINCT_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{args.port}/restored"
        renv["OPENPRECINCT_DATA_DIR"] = str(base / "restored-data")
        started = time.monotonic()
        restore = subprocess.run(
            [op, "restore", str(archive)], env=renv, capture_output=True, text=True
        )
        restore_s = time.monotonic() - started
        results["backup_restore"] = {
            "backup": backup.stdout.strip()[-300:] or backup.stderr.strip()[-300:],
            "restore": restore.stdout.strip()[-300:] or restore.stderr.strip()[-300:],
            "archive_bytes": archive.stat().st_size if archive.exists() else 0,
            "backup_s": round(backup_s, 1),
            "restore_s": round(restore_s, 1),
        }
        if backup.returncode != 0 or restore.returncode != 0:
            failures.append("backup/restore round trip failed")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    results["load_average_end"] = Path("/proc/loadavg").read_text()[:14]
    print(json.dumps(results, indent=2, default=str))
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("all fault checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
