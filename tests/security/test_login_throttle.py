"""Behind the documented proxy, the login throttle keys on the client's own
address, not the proxy's, and an address that fails on many usernames is
locked out too."""

import pytest

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def log_in(client, username, password, *, forwarded_for):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_someone_failing_behind_the_proxy_does_not_lock_alice_out_everywhere(client, alice, behind_the_proxy):
    for _ in range(5):
        log_in(client, "alice", "wrong password", forwarded_for="203.0.113.9")
    assert log_in(client, "alice", "correct horse battery", forwarded_for="203.0.113.9").status_code == 429
    # alice, at her own desk, logs in: the proxy's address is not what was locked.
    assert log_in(client.__class__(), "alice", "correct horse battery", forwarded_for="198.51.100.7").status_code == 302


def test_a_client_cannot_dodge_the_lock_by_writing_its_own_forwarded_for(client, alice, behind_the_proxy):
    # The proxy appends the address it saw; whatever the client wrote before it is not believed.
    for spoofed in range(5):
        log_in(client, "alice", "wrong password", forwarded_for=f"192.0.2.{spoofed}, 203.0.113.9")
    response = log_in(client, "alice", "correct horse battery", forwarded_for="192.0.2.77, 203.0.113.9")
    assert response.status_code == 429


def test_one_address_trying_many_usernames_is_locked_out(client, alice, settings, behind_the_proxy):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    for number in range(8):
        assert log_in(client, f"user{number}", "Winter2026!", forwarded_for="203.0.113.9").status_code == 200
    response = log_in(client, "alice", "correct horse battery", forwarded_for="203.0.113.9")
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    assert log_in(client.__class__(), "alice", "correct horse battery", forwarded_for="198.51.100.7").status_code == 302
