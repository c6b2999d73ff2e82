"""Rows link to their objects' pages with the URL reverse() would write, reversed once per pattern."""

import uuid

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from govuk.object_urls import object_url, page_url


@pytest.mark.parametrize(
    "viewname, kwargs",
    [
        ("declarations:declaration-detail", {"pk": 1}),
        ("declarations:declaration-detail", {"pk": 90817263}),
        ("breaches:case-detail", {"pk": 42}),
        ("conduct:review-detail", {"review_id": 7}),
        ("conduct:signature-receipt", {"reference": uuid.UUID("12345678-1234-5678-1234-567812345678")}),
        ("meetings:item-decide", {"pk": 3, "item_id": 90817263}),
        ("meetings:conflict-handle", {"pk": 12, "item_id": 1, "user_id": 9081726354}),
    ],
)
def test_the_url_is_the_one_reverse_writes(viewname, kwargs):
    assert object_url(viewname, **kwargs) == reverse(viewname, kwargs=kwargs)


def test_a_site_served_under_a_path_keeps_its_prefix():
    set_script_prefix("/conduct/")
    try:
        assert object_url("breaches:case-detail", pk=5) == reverse("breaches:case-detail", kwargs={"pk": 5})
        assert object_url("breaches:case-detail", pk=5).startswith("/conduct/breaches/")
    finally:
        clear_script_prefix()
    assert object_url("breaches:case-detail", pk=5).startswith("/breaches/")


@pytest.mark.parametrize("viewname", ["conduct:home", "conduct:code-list", "breaches:index", "logout", "admin:index"])
def test_a_page_without_arguments_has_the_url_reverse_writes(viewname):
    unprefixed = reverse(viewname)
    assert page_url(viewname) == unprefixed
    set_script_prefix("/conduct/")
    try:
        assert page_url(viewname) == reverse(viewname) == "/conduct" + unprefixed
    finally:
        clear_script_prefix()
