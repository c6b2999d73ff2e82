"""Importing the settings leaves the machine as it was, and installs the benchmark only when benchmarking."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SHOW = "from django.conf import settings; print('bench' in settings.INSTALLED_APPS)"


def settings_in_a_fresh_process(**env) -> str:
    environment = {name: value for name, value in os.environ.items() if name != "CONDUCT_BENCHMARK"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_importing_the_settings_creates_no_folders_and_leaves_out_the_benchmark(tmp_path):
    queue = tmp_path / "queue"
    evidence = tmp_path / "evidence"
    shown = settings_in_a_fresh_process(CELERY_QUEUE_FOLDER=str(queue), BREACH_EVIDENCE_ROOT=str(evidence))
    assert shown == "False"
    assert not queue.exists() and not evidence.exists()


def test_the_benchmark_is_installed_when_benchmarking(tmp_path):
    assert settings_in_a_fresh_process(CONDUCT_BENCHMARK="true") == "True"
