"""The fault test: a small Conduct cluster on this machine, faults injected while a new
version's signature requests go out, and what each fault cost.

    .venv/bin/python bench/faults.py                       # every fault, 2,000 partners
    .venv/bin/python bench/faults.py --only smtp --partners 500
    .venv/bin/python bench/faults.py --write-docs          # also write docs/faults-latest-run.md

It starts its own Redis (port 6390, no persistence: a restart loses every message in it),
a mail server that records each message and fails on cue (bench/smtp_server.py), two
Celery workers of two processes each and one beat, all restarted within seconds when
they exit, as the documented deployment's supervisor does; it seeds a fresh PostgreSQL
database (FAULTS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/conduct_faults)
with one partnership of --partners partners. For each fault it publishes a new version
and, part-way through its fan-out, injects the fault, then prints the partners asked,
missing and emailed twice and how long after the fault cleared the last one was emailed.
Targets: 0 missing, 0 emailed twice, done within 10 minutes of the fault clearing.
"""

import argparse
import collections
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK = BASE_DIR / "var" / "faults"
DATABASE_URL = os.environ.get("FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/conduct_faults")
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6390"))
SMTP_PORT = int(os.environ.get("FAULTS_SMTP_PORT", "8026"))
MAIL_LOG = WORK / "mail.log"
MAIL_CONTROL = WORK / "mail-control.json"
# Give up on a fault this long after it cleared (the target is 10 minutes).
PATIENCE = 15 * 60
CLUSTER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": str(SMTP_PORT),
    "EMAIL_TIMEOUT": "10",
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    "SITE_URL": "http://127.0.0.1:8000",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    # Batches of 100 keep the fan-out going long enough to be hit part-way.
    "SIGNATURE_REQUEST_BATCH_SIZE": "100",
}
os.environ.update(CLUSTER_ENV)
sys.path.insert(0, str(BASE_DIR))  # this script publishes and counts through Conduct's own code


class Supervised:
    """One process, started again a few seconds after it exits (systemd's Restart=always)."""

    def __init__(self, name: str, command: list[str], *, restart: bool = True):
        self.name, self.command, self.restart = name, command, restart
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.paused = False
        self.log = (WORK / f"{name}.log").open("a")
        self.start()
        threading.Thread(target=self._watch, daemon=True).start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _watch(self) -> None:
        while True:
            time.sleep(1)
            if self.restart and not self.paused and self.process.poll() is not None:
                time.sleep(2)
                self.restarts += 1
                self.start()

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        """SIGKILL the process and everything it started."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        self.restart = False
        self.kill()


def psql(database: str, sql: str) -> None:
    subprocess.run(
        ["psql", DATABASE_URL.rsplit("/", 1)[0] + f"/{database}", "-q", "-c", sql], check=True, capture_output=True
    )


def prepare_database(partners: int) -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    psql("postgres", f"DROP DATABASE IF EXISTS {name}")
    psql("postgres", f"CREATE DATABASE {name}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True)
    subprocess.run([sys.executable, "manage.py", "schedule_periodic_tasks"], cwd=BASE_DIR, check=True)

    import django

    django.setup()
    from conduct.models import Membership, Organisation, Partner, Partnership, User
    from conduct.seed_codes import seed_codes_import

    seed_codes_import()
    partnership = Partnership.objects.get(slug="health-creation-alliance")
    organisation = Organisation.objects.create(name="Fault Test Trust", slug="fault-test-trust")
    Membership.objects.create(organisation=organisation, partnership=partnership, started_on="2024-01-01")
    users = User.objects.bulk_create(
        [User(username=f"fault-{n}", email=f"fault-{n}@example.org", password="!") for n in range(partners)]
    )
    Partner.objects.bulk_create([Partner(user=user, organisation=organisation) for user in users])
    User.objects.create_superuser("fault-admin", "fault-admin@example.org", None)


def publish() -> tuple[int, str]:
    """Publish a new version of the partnership's code; returns its id and its emails' subject."""
    from conduct import services
    from conduct.models import Code, User

    code = Code.objects.get(slug="health-creation-alliance")
    admin = User.objects.get(username="fault-admin")
    draft = services.code_version_start_draft(code=code, actor=admin)
    services.code_version_publish(version=draft, actor=admin)
    return draft.pk, f"Please sign {code.title}, version {draft.number}"


def mail_counts(subject: str) -> collections.Counter:
    counts = collections.Counter()
    if MAIL_LOG.exists():
        for line in MAIL_LOG.read_text().splitlines():
            recipient, _, line_subject = line.partition("\t")
            if line_subject == subject:
                counts[recipient] += 1
    return counts


def wait_until(condition, *, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@dataclass
class Result:
    fault: str
    expected: int
    asked: int
    missing: int
    twice: int
    finished_after: float | None  # seconds from the fault clearing to the last email
    restarts: str


class Cluster:
    def __init__(self):
        celery = [str(BASE_DIR / ".venv" / "bin" / "celery"), "-A", "config"]
        self.redis = Supervised(
            "redis",
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        wait_until(lambda: self.redis_answers(), timeout=10)
        self.smtp = Supervised(
            "smtp",
            [
                sys.executable,
                "bench/smtp_server.py",
                f"--port={SMTP_PORT}",
                f"--log={MAIL_LOG}",
                f"--control={MAIL_CONTROL}",
            ],
        )
        self.workers = [
            Supervised(name, [*celery, "worker", "-n", f"{name}@%h", "--concurrency", "2", "--loglevel", "WARNING"])
            for name in ("worker1", "worker2")
        ]
        self.beat = Supervised(
            "beat",
            [*celery, "beat", "--loglevel", "WARNING", "-S", "django_celery_beat.schedulers:DatabaseScheduler"],
        )
        self.processes = [self.redis, self.smtp, *self.workers, self.beat]

    def redis_answers(self) -> bool:
        done = subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True)
        return done.stdout.strip() == "PONG"

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def restarts(self) -> dict[str, int]:
        return {process.name: process.restarts for process in self.processes}


def fan_out_progress(version_id: int) -> int:
    from conduct.models import SignatureRequest

    return SignatureRequest.objects.filter(version_id=version_id, emailed_at__isnull=False).count()


def fault_kill_workers(cluster: Cluster, version_id: int, subject: str, partners: int) -> float:
    wait_until(lambda: fan_out_progress(version_id) >= partners // 4, timeout=120, step=0.05)
    for worker in cluster.workers:
        worker.kill()  # the supervisor starts it again
    return time.monotonic()


def fault_kill_pool_children(cluster: Cluster, version_id: int, subject: str, partners: int) -> float:
    wait_until(lambda: fan_out_progress(version_id) >= partners // 4, timeout=120, step=0.05)
    for worker in cluster.workers:
        for child in worker.children():
            os.kill(child, signal.SIGKILL)  # as the out-of-memory killer does
    return time.monotonic()


def fault_smtp_refuses(cluster: Cluster, version_id: int, subject: str, partners: int) -> float:
    after, seconds = int(partners * 0.35), 20
    MAIL_CONTROL.write_text(json.dumps({"subject": subject, "refuse_after": after, "refuse_seconds": seconds}))
    wait_until(lambda: sum(mail_counts(subject).values()) >= after, timeout=300)
    time.sleep(seconds)
    return time.monotonic()


def fault_smtp_down(cluster: Cluster, version_id: int, subject: str, partners: int) -> float:
    wait_until(lambda: sum(mail_counts(subject).values()) >= int(partners * 0.6), timeout=300, step=0.05)
    cluster.smtp.paused = True
    cluster.smtp.kill()
    time.sleep(330)
    cluster.smtp.start()
    cluster.smtp.paused = False
    return time.monotonic()


def fault_redis_restart(cluster: Cluster, version_id: int, subject: str, partners: int) -> float:
    wait_until(lambda: fan_out_progress(version_id) >= partners // 4, timeout=120, step=0.05)
    cluster.redis.kill()  # the supervisor starts it again, empty
    wait_until(cluster.redis_answers, timeout=30)
    return time.monotonic()


FAULTS = {
    "both workers killed (SIGKILL) mid fan-out, restarted 3 s later": fault_kill_workers,
    "every pool child killed (as the OOM killer does) mid fan-out": fault_kill_pool_children,
    "mail server refusing for 20 s after 35% of the messages": fault_smtp_refuses,
    "mail server down for 330 s after 60% of the messages": fault_smtp_down,
    "Redis restarted (empty) mid fan-out": fault_redis_restart,
}


def run_fault(cluster: Cluster, name: str, inject, partners: int) -> Result:
    from conduct.models import SignatureRequest

    before = cluster.restarts()
    MAIL_CONTROL.write_text("{}")
    version_id, subject = publish()
    print(f"-- {name}: published {subject}", flush=True)
    cleared = inject(cluster, version_id, subject, partners)
    print(f"   fault cleared; waiting for every partner to be emailed (at most {PATIENCE // 60} minutes)", flush=True)
    done = wait_until(lambda: len(mail_counts(subject)) >= partners, timeout=PATIENCE, step=1)
    finished_after = time.monotonic() - cleared if done else None
    # Late duplicates would come from a re-sent task or a lapsed claim: wait out a sweep or two.
    time.sleep(150)
    counts = mail_counts(subject)
    after = cluster.restarts()
    return Result(
        fault=name,
        expected=partners,
        asked=SignatureRequest.objects.filter(version_id=version_id, emailed_at__isnull=False).count(),
        missing=partners - len(counts),
        twice=sum(1 for count in counts.values() if count > 1),
        finished_after=finished_after,
        restarts=", ".join(f"{k} {after[k] - before[k]}" for k in after if after[k] - before[k]) or "none",
    )


def table(results: list[Result]) -> str:
    lines = [
        "| fault | partners | asked | missing | emailed twice | last email after the fault cleared | restarts |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        finished = f"{r.finished_after:.0f} s" if r.finished_after is not None else "not within 15 min"
        lines.append(f"| {r.fault} | {r.expected} | {r.asked} | {r.missing} | {r.twice} | {finished} | {r.restarts} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--only", default="", help="run only the faults whose names hold this text")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    MAIL_LOG.write_text("")
    prepare_database(args.partners)
    cluster = Cluster()
    results = []
    try:
        time.sleep(5)  # the workers connect
        for name, inject in FAULTS.items():
            if args.only.lower() in name.lower():
                results.append(run_fault(cluster, name, inject, args.partners))
                print(table(results[-1:]).splitlines()[-1], flush=True)
    finally:
        cluster.stop()
    report = table(results)
    print(report)
    if args.write_docs:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        (BASE_DIR / "docs" / "faults-latest-run.md").write_text(
            f"# Fault test\n\nMade by `.venv/bin/python bench/faults.py --write-docs` on {machine}, "
            f"{args.partners} partners, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n{report}\n"
        )


if __name__ == "__main__":
    main()
