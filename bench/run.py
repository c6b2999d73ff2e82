"""Serve Conduct with gunicorn on PostgreSQL and load its main pages with wrk,
alternating each page with the bare reference page in the same server.

    .venv/bin/python bench/run.py                 # seed if needed, run, print the table
    .venv/bin/python bench/run.py --write-docs    # also write the figures to docs/benchmarks-latest-run.md
    .venv/bin/python bench/run.py --only dashboard  # just the pages whose names hold this, no downloads or publishing

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/conduct_bench),
gunicorn (a project dependency) and wrk (apt-get install wrk). Machines are
noisy, so every page is run --runs times (default 4) alternating with the
reference, and the medians are compared as ratios.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conduct_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
LUA = BASE_DIR / "bench" / "wrk_report.lua"
ACCESS_LOG = BASE_DIR / "var" / "bench-access.log"
REFERENCE = ("Reference: 50 rows of 100,000", "/bench/reference/?page=1000", None)
TARGETS = {"rps_ratio": 0.6, "p99_ratio": 2.0, "server_ms": 50}


def server_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CONDUCT_BENCHMARK": "true",
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AXES_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        # A queue of its own, so that no other worker on the machine takes the benchmark's tasks.
        "CELERY_QUEUE_FOLDER": str(BASE_DIR / "var" / "bench-celery"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def make_queue_folders() -> None:
    for folder in ("processed", "control"):
        (Path(server_env()["CELERY_QUEUE_FOLDER"]) / folder).mkdir(parents=True, exist_ok=True)


def manage(*args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=server_env(), capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def ensure_database() -> None:
    """Creates the benchmark's database on a machine that has not run it before."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(DATABASE_URL)
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def pages_and_sessions() -> list[tuple[str, str, str]]:
    """(name, path, session cookie) for each page, found in the seeded data."""
    script = r"""
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.two_factor import PROVIDER_MFA_SESSION_KEY
from conduct.models import CodeVersion, User
from bench import pages


def session(username):
    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "conduct.authentication.PartnerModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Managers and administrators must have given a second factor: as a work account's provider would.
    store[PROVIDER_MFA_SESSION_KEY] = True
    store.create()
    return store.session_key


for name, path, username in pages.benchmark_pages():
    print(f"{name}\t{path}\t{session(username) if username else ''}")
"""
    out = manage("shell", "-c", script)
    return [tuple(line.split("\t")) for line in out.splitlines() if "\t" in line]


def wrk(path: str, session: str, seconds: int) -> dict:
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{PORT}{path}",
    ]
    if session:
        command[1:1] = ["-H", f"Cookie: sessionid={session}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) p99=([\d.]+) errors=(\d+)", out)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    rps, p50, p95, p99, errors = match.groups()
    if int(errors):
        raise RuntimeError(f"{path} answered with {errors} errors:\n{out}")
    return {"rps": float(rps), "p50": float(p50), "p95": float(p95), "p99": float(p99)}


def server_times(path: str) -> float:
    """Median time in the server process (ms) for requests to this path, from gunicorn's access log."""
    times = []
    for line in ACCESS_LOG.read_text().splitlines():
        logged_path, micros = line.rsplit(" ", 1)
        if logged_path.rstrip("?") == path:
            times.append(int(micros) / 1000)
    return statistics.median(times) if times else float("nan")


def check_page(path: str, session: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": f"sessionid={session}"} if session else {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url.endswith("/accounts/login/") or "/two-factor/" in response.url:
            raise RuntimeError(f"{path} did not answer 200 for its role")


def run(runs: int, seconds: int, only: str = "") -> tuple[list[dict], dict]:
    ACCESS_LOG.parent.mkdir(exist_ok=True)
    ACCESS_LOG.write_text("")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{PORT}",
            "--access-logfile",
            str(ACCESS_LOG),
            "--access-logformat",
            "%(U)s?%(q)s %(D)s",
        ],
        cwd=BASE_DIR,
        env=server_env(),
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        pages = [page for page in pages_and_sessions() if only.lower() in page[0].lower()]
        for _, path, session in pages:
            check_page(path, session)
        check_page(REFERENCE[1], "")
        results = []
        reference_runs = []
        for name, path, session in pages:
            page_runs = []
            for _ in range(runs):
                page_runs.append(wrk(path, session, seconds))
                reference_runs.append(wrk(REFERENCE[1], "", seconds))
            median = {key: statistics.median(r[key] for r in page_runs) for key in ("rps", "p50", "p95", "p99")}
            paired_reference = reference_runs[-runs:]
            reference_median = {key: statistics.median(r[key] for r in paired_reference) for key in ("rps", "p99")}
            results.append(
                {
                    "name": name,
                    "path": path,
                    **median,
                    "rps_ratio": median["rps"] / reference_median["rps"],
                    "p99_ratio": median["p99"] / reference_median["p99"],
                    "server_ms": None,
                }
            )
        reference = {key: statistics.median(r[key] for r in reference_runs) for key in ("rps", "p50", "p95", "p99")}
    finally:
        server.terminate()
        server.wait(timeout=30)
    for result in results:
        result["server_ms"] = server_times(result["path"])
    reference["server_ms"] = server_times(REFERENCE[1])
    return results, reference


def table(results: list[dict], reference: dict) -> str:
    lines = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | server ms (median) "
        "| req/s vs reference | p99 vs reference | meets targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {REFERENCE[0]} | {reference['rps']:.0f} | {reference['p50']:.1f} | {reference['p95']:.1f} "
        f"| {reference['p99']:.1f} | {reference['server_ms']:.1f} | 1.00 | 1.00 | |",
    ]
    for r in results:
        ok = (
            r["rps_ratio"] >= TARGETS["rps_ratio"]
            and r["p99_ratio"] <= TARGETS["p99_ratio"]
            and r["server_ms"] < TARGETS["server_ms"]
        )
        lines.append(
            f"| {r['name']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['server_ms']:.1f} "
            f"| {r['rps_ratio']:.2f} | {r['p99_ratio']:.2f} | {'yes' if ok else 'no'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--only", default="", help="run only the pages whose names hold this text")
    args = parser.parse_args()
    if args.only and args.write_docs:
        sys.exit("--write-docs records a whole run: leave out --only")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    make_queue_folders()
    ensure_database()
    manage("migrate", "--noinput")
    seeding = ""
    if "bench-code-0" not in manage(
        "shell", "-c", "from conduct.models import Code; print(*Code.objects.values_list('slug', flat=True))"
    ):
        seeding = manage("seed_scale")
        print(seeding)
    manage("collectstatic", "--noinput")
    results, reference = run(args.runs, args.seconds, args.only)
    report = table(results, reference)
    print(report)
    if args.only:
        return
    exports = manage("bench_exports")
    print(exports)
    annual_report = manage("bench_annual_report")
    print(annual_report)
    publishing = manage("bench_publish")
    print(publishing)
    if args.write_docs:
        machine = (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
        )
        (BASE_DIR / "docs" / "benchmarks-latest-run.md").write_text(
            "# Benchmarks\n\n"
            f"Made by `.venv/bin/python bench/run.py --write-docs` (runs: {args.runs} × {args.seconds} s per page, "
            "each alternated with the reference; medians) on "
            f"{machine}, gunicorn `-w 2 -k sync`, wrk `-t2 -c16`, PostgreSQL, "
            "data seeded by `manage.py seed_scale`.\n\n"
            f"Targets: at least {TARGETS['rps_ratio']:.0%} of the reference's requests per second, p99 at most "
            f"{TARGETS['p99_ratio']:.0f}× the reference's, median server time under {TARGETS['server_ms']} ms.\n\n"
            f"{report}\n\n"
            "## Seeding\n\n`manage.py seed_scale` (50 codes × 5 versions, 2,000 organisations, 20,000 partners, "
            "200,000 signatures, 100,000 declarations, 50,000 breach cases):\n\n"
            f"```\n{seeding.strip() or 'already seeded'}\n```\n\n"
            "## CSV downloads (`manage.py bench_exports`)\n\n"
            f"{exports.strip()}\n\n"
            "## The annual report of a partnership of 20,000 people (`manage.py bench_annual_report`)\n\n"
            f"{annual_report.strip()}\n\n"
            "## Publishing to 20,000 partners (`manage.py bench_publish`)\n\n"
            f"{publishing.strip()}\n"
        )


if __name__ == "__main__":
    main()
