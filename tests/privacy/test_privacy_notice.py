"""The privacy notice says what is kept, why, for how long and who sees it, and every
form that asks for personal data links to it."""

import pytest

from privacy import services


def test_anyone_reads_the_notice_with_the_periods_in_force(client, ada):
    services.retention_rule_set(kind="evidence", months=3, actor=ada, reason="DPO advice")
    page = client.get("/privacy/").content.decode()
    assert "Privacy notice" in page and "Who sees it" in page and "subject access request" in page
    assert "3 months after the day the case was closed or withdrawn" in page
    assert "72 months after the day the declaration ended" in page


def test_every_page_links_to_the_notice_from_its_footer(client, seed_codes):
    assert 'href="/privacy/"' in client.get("/codes/").content.decode()


@pytest.mark.parametrize("path", ["/breaches/report/", "/breaches/report/details/", "/breaches/follow-up/"])
def test_the_reporting_forms_link_to_the_notice_above_the_form(client, seed_codes, path):
    page = client.get(path).content.decode()
    assert page.index('href="/privacy/">privacy notice') < page.index("<form")


def test_declaring_and_signing_link_to_the_notice(client, alice, bob):
    client.force_login(alice.user)
    assert 'href="/privacy/">privacy notice' in client.get("/declarations/new/").content.decode()
    client.force_login(bob.user)
    assert (
        'href="/privacy/">privacy notice'
        in client.get("/codes/health-creation-alliance/versions/2/sign/").content.decode()
    )


def test_the_notice_takes_the_same_queries_whatever_the_rules(client, ada, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/privacy/")
    for kind in ("evidence", "left_accounts", "ended_declarations"):
        services.retention_rule_set(kind=kind, months=30, actor=ada, reason="x")
    with django_assert_num_queries(1):
        client.get("/privacy/")
