"""Shared fixtures: the seed codes, named people in named organisations, and a browser.

alice and bob are partners in two member organisations of The Health Creation
Alliance; charlie's organisation belongs only to the Coalition for Personalised
Care; priya is the Alliance's programme manager; ada is an administrator.
"""

import contextlib
import datetime
import os
import shutil
import socket
import subprocess
from pathlib import Path
from uuid import uuid4

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conduct.models import Membership, Organisation, Partner, Partnership, PartnershipRole, User
from conduct.seed_codes import seed_codes_import
from config import celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# CI's second run sets this: a test that would skip for want of a server or a browser fails instead.
REQUIRE_EVERYTHING = os.environ.get("CONDUCT_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}
# The benchmark's app is installed only when benchmarking: bin/test runs its tests with CONDUCT_BENCHMARK=true.
collect_ignore = [] if settings.CONDUCT_BENCHMARK else ["bench"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_EVERYTHING and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but CONDUCT_REQUIRE_SERVICES forbids skips: {report.longrepr}"


@pytest.fixture(autouse=True)
def _fast_and_local(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    # Rate limits count in a cache of the test's own, never in the Redis other runs share.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid4())}
    }
    # No virus scanner unless a test asks for the real one (the `clamd_socket` fixture).
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def authenticator_for(user: User) -> TOTPDevice:
    """The person's authenticator app, set up (with a fixed key) if they have none, and
    ready for a fresh code: a code once used cannot be used again."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test authenticator", key="3132333435363738393031323334353637383930", confirmed=True
    )
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return device


def authenticator_code(device: TOTPDevice) -> str:
    """The code the person's app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


force_login_without_second_factor = Client.force_login


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """Tests that log someone in directly have them give their second factor too, as every
    administrator, programme manager, reviewer, panel member and chair must before any page
    opens. Tests of two-factor itself use force_login_without_second_factor."""

    def force_login(client, user, backend=None):
        force_login_without_second_factor(client, user, backend)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def seed_codes(db):
    seed_codes_import()


@pytest.fixture
def alliance(seed_codes):
    return Partnership.objects.get(slug="health-creation-alliance")


@pytest.fixture
def coalition(seed_codes):
    return Partnership.objects.get(slug="coalition-for-personalised-care")


def make_organisation(name: str, *partnerships) -> Organisation:
    organisation = Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    for partnership in partnerships:
        Membership.objects.create(
            organisation=organisation, partnership=partnership, started_on=datetime.date(2024, 1, 1)
        )
    return organisation


def make_user(username: str, first: str, last: str, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="correct horse battery",
        first_name=first,
        last_name=last,
        **extra,
    )
    return user


def make_partner(username: str, first: str, last: str, organisation: Organisation) -> Partner:
    return Partner.objects.create(user=make_user(username, first, last), organisation=organisation)


@pytest.fixture
def riverside(alliance):
    return make_organisation("Riverside Community Health", alliance)


@pytest.fixture
def northfield(alliance):
    return make_organisation("Northfield Wellbeing Trust", alliance)


@pytest.fixture
def southside(coalition):
    return make_organisation("Southside Carers Network", coalition)


@pytest.fixture
def alice(riverside):
    return make_partner("alice", "Alice", "Adams", riverside)


@pytest.fixture
def bob(northfield):
    return make_partner("bob", "Bob", "Brown", northfield)


@pytest.fixture
def charlie(southside):
    return make_partner("charlie", "Charlie", "Cole", southside)


@pytest.fixture
def priya(alliance):
    user = make_user("priya", "Priya", "Patel")
    PartnershipRole.objects.create(user=user, partnership=alliance, role=PartnershipRole.Role.PROGRAMME_MANAGER)
    return user


@pytest.fixture
def ada(db):
    return make_user("ada", "Ada", "Admin", is_staff=True, is_superuser=True)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM is
    # still used synchronously by the tests around it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # Playwright injects axe-core as an inline script, which our CSP rightly forbids.
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(params=[True, False], ids=["javascript-on", "javascript-off"])
def javascript(request) -> bool:
    return request.param


@pytest.fixture
def page_with_or_without_javascript(browser, javascript):
    """A page in a context with JavaScript on, then in one with it off: each journey must
    work both ways. (axe-core cannot run with JavaScript off: its timers never fire.)"""
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def static_built():
    """Browser tests need the compiled GOV.UK styles; build them if missing."""
    if not (BASE_DIR / "static" / "build" / "conduct.css").exists():
        if not shutil.which("npm"):
            pytest.skip("npm is not installed, so the GOV.UK styles cannot be built")
        subprocess.run([str(BASE_DIR / "bin" / "build-static")], check=True)


@pytest.fixture
def redis_url():
    """The real Redis named by REDIS_URL; skips where there is none."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set, so there is no Redis to test against")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis at {url} is not reachable: {error}")
    return url


@pytest.fixture
def postgresql(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def clamd_socket(settings):
    """The real ClamAV daemon named by CLAMD_SOCKET (`bin/clamd-test` starts one); skips where there is none."""
    path = os.environ.get("CLAMD_SOCKET")
    if not path:
        pytest.skip("CLAMD_SOCKET is not set, so there is no virus scanner to test against (bin/clamd-test)")
    import clamd

    try:
        clamd.ClamdUnixSocket(path, timeout=5).ping()
    except (clamd.ClamdError, OSError) as error:
        pytest.skip(f"clamd at {path} is not answering: {error}")
    settings.CLAMD_SOCKET = path
    return path


@contextlib.contextmanager
def oidc_provider_running(*redirect_uris: str):
    """A real OpenID provider (npm oidc-provider, tests/oidc/idp.mjs) on a free port; yields its issuer URL."""
    node = shutil.which("node")
    if not node or not (BASE_DIR / "node_modules" / "oidc-provider").exists():
        pytest.skip("Node.js or the npm package oidc-provider is missing (bin/setup installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [node, str(BASE_DIR / "tests" / "oidc" / "idp.mjs"), str(port), *redirect_uris],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        if "ready" not in process.stdout.readline():
            pytest.fail("the OpenID provider did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure_work_accounts(settings, issuer: str) -> None:
    """Point Conduct at the provider, from its discovery document, as an operator would."""
    import requests

    discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    settings.OIDC_RP_CLIENT_ID = "conduct"
    settings.OIDC_RP_CLIENT_SECRET = "conduct-test-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]


@pytest.fixture
def oidc_provider(settings):
    """The provider, with Conduct (on the test client's http://testserver) registered with it."""
    with oidc_provider_running("http://testserver/accounts/oidc/callback/") as issuer:
        configure_work_accounts(settings, issuer)
        yield issuer
