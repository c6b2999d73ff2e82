"""Production settings pass Django's deployment checks; security headers, the
health check and login throttling behave as a load balancer and a user expect."""

import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from conduct.tasks import record_heartbeat

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "SITE_URL": "https://conduct.example.org",
    "ALLOWED_HOSTS": "conduct.example.org",
    "DEBUG": "false",
    "BEHIND_PROXY": "true",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        timeout=120,
    )


def test_the_deployment_checks_report_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", SECRET_KEY="", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_print_emails_to_its_log_unless_told_to():
    refused = manage("check", SECRET_KEY=secrets.token_urlsafe(60), **{**PRODUCTION, "EMAIL_BACKEND": ""})
    assert refused.returncode != 0
    assert "EMAIL_BACKEND is the console backend on an https site" in refused.stderr
    allowed = manage(
        "check",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOW_CONSOLE_EMAIL="true",
        **{**PRODUCTION, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
    )
    assert allowed.returncode == 0, allowed.stderr


def test_pages_carry_a_content_security_policy_and_no_framing(client, db):
    response = client.get("/codes/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_health_check_answers_for_the_load_balancer_and_says_whether_workers_consume(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200  # the web serves on while the workers are down
    assert response.json() == {"database": "ok", "workers": "late"}

    record_heartbeat.delay()
    assert client.get("/healthz").json() == {"database": "ok", "workers": "ok"}
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        assert client.get("/healthz").json() == {"database": "ok", "workers": "late"}


def test_check_workers_fails_while_no_worker_consumes_and_passes_once_one_does(db, capsys):
    with pytest.raises(CommandError, match="not consuming"):
        call_command("check_workers")
    record_heartbeat.delay()
    call_command("check_workers")
    assert "The workers are consuming." in capsys.readouterr().out


def test_five_failed_logins_lock_the_account_out_even_with_the_right_password(client, alice):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong password"})
        assert response.status_code == 200
    assert client.post("/accounts/login/", {"username": "alice", "password": "wrong password"}).status_code == 429
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count_of_failures(client, alice):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong password"})
    assert (
        client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"}).status_code == 302
    )
    client.post("/accounts/logout/")
    for _ in range(4):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong password"})
    assert (
        client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"}).status_code == 302
    )


@pytest.mark.parametrize(
    "password, message",
    [("short", "too short"), ("password1234", "too common"), ("123456789012345", "entirely numeric")],
)
def test_weak_passwords_are_refused_when_setting_a_new_one(password, message):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        validate_password(password)


def test_a_username_too_long_to_record_gets_a_message_not_a_crash(client, db):
    response = client.post("/accounts/login/", {"username": "x" * 300, "password": "anything"})
    assert response.status_code == 200
    assert "Enter a username of 150 characters or fewer" in response.content.decode()


def test_evidence_goes_to_s3_compatible_storage_when_a_bucket_is_configured():
    show = (
        "from django.core.files.storage import storages; s = storages['evidence']; "
        "print(type(s).__name__, s.bucket_name, s.location, s.default_acl)"
    )
    result = manage(
        "shell", "-c", show, EVIDENCE_S3_BUCKET="conduct-evidence", EVIDENCE_S3_ENDPOINT_URL="https://s3.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert "S3Storage conduct-evidence evidence private" in result.stdout


def test_evidence_stays_in_a_folder_outside_the_web_root_by_default():
    result = manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; "
        "print(type(storages['evidence']).__name__, storages['evidence'].base_url)",
    )
    assert "EvidenceStorage None" in result.stdout
