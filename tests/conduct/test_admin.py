"""What an administrator changes in the Django admin goes through the same rules as the app."""

import pytest

from conduct.models import User

pytestmark = pytest.mark.django_db

ADD_USER = "/admin/conduct/user/add/"


def add_user(client, username: str, email: str):
    return client.post(
        ADD_USER,
        {
            "username": username,
            "email": email,
            "usable_password": "true",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )


def test_adding_a_user_asks_for_their_email(client, ada):
    client.force_login(ada)
    assert 'name="email"' in client.get(ADD_USER).content.decode()

    for username in ("erin", "frank"):
        response = add_user(client, username, "")
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
    assert not User.objects.filter(username__in=["erin", "frank"]).exists()

    assert add_user(client, "erin", "erin@example.org").status_code == 302
    assert User.objects.get(username="erin").email == "erin@example.org"


def test_adding_a_user_with_an_email_already_in_use_is_refused(client, ada, alice):
    client.force_login(ada)
    response = add_user(client, "erin", alice.user.email)
    assert response.status_code == 200
    assert "User with this Email address already exists." in response.content.decode()
    assert not User.objects.filter(username="erin").exists()
