"""A request larger than any form here takes is refused before its body is
read, with a page saying what is accepted."""

import pytest

pytestmark = pytest.mark.django_db


class UnreadableBody:
    """A body of 150 MB that must never be read: reading it fails the test."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request was read")

    readline = read


def test_a_150_mb_upload_is_refused_before_it_is_read(client, seed_codes):
    response = client.post(
        "/breaches/report/details/?partnership=health-creation-alliance",
        content_type="multipart/form-data; boundary=x",
        **{"CONTENT_LENGTH": str(150 * 1024 * 1024), "wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page and "at most 12 MB" in page


def test_a_request_within_the_limit_is_read_as_usual(client, seed_codes, settings):
    settings.REQUEST_MAX_BYTES = 1024
    assert client.post("/accounts/login/", {"username": "alice", "password": "x" * 100}).status_code == 200
    assert client.post("/accounts/login/", {"username": "alice", "password": "x" * 2000}).status_code == 413
