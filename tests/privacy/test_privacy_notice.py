"""The privacy notice says what is kept, why, for how long and who sees it, and every
form that asks for personal data links to it."""

import re

import pytest

from privacy import services
from tests.security.test_access_matrix import GET_MATRIX, WHO, world  # noqa: F401 (the matrix's people and records)


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


# Answers that are personal data: about the person filling in the form, or about someone else
# (a reason or a finding written about the people in a case is personal data about them).
PERSONAL_FIELDS = {
    "username",
    "name",
    "email",
    "job_title",
    "typed_name",
    "asked_by",
    "reporter_name",
    "reporter_email",
    "respondent_person_name",
    "incident_place",
    "description",
    "counterparty_name",
    "text",
    "evidence",
    "file",
    "reason",
    "note",
    "feedback",
    "finding",
    "reasons",
    "wider_causes",
    "lessons",
    "respondent_summary",
    "chair",
    "attendees",
    "people",
}
# Forms with such a field whose answers are about no one.
ABOUT_NO_ONE = {
    "conduct:item-add": "the code's own wording",
    "conduct:item-edit": "the code's own wording",
    "privacy:retention-period-edit": "why a retention period changes",
    "partnerships:organisation-add": "an organisation's name",
    "partnerships:partnership-create": "a partnership's name",
    "partnerships:partnership-edit": "a partnership's name",
    "partnerships:role-labels": "what a partnership calls each role",
}


def forms_without_the_notice(html: str) -> list[set[str]]:
    """The fields of each form in the page's main content that asks for personal data
    with no link to the privacy notice above it."""
    main = html[html.find("<main") : html.find("</main>")]
    missing = []
    for form in re.finditer(r"<form.*?</form>", main, re.S):
        fields = set(re.findall(r'<(?:input|textarea|select)[^>]*name="([^"]+)"', form.group()))
        if fields & PERSONAL_FIELDS and 'href="/privacy/"' not in main[: form.start()]:
            missing.append(fields & PERSONAL_FIELDS)
    return missing


def test_every_form_that_asks_for_personal_data_links_to_the_notice_above_it(client, world):  # noqa: F811
    """Every page of the access matrix, as everyone who may see it."""
    missing = []
    for name, path, answers in GET_MATRIX:
        if name in ABOUT_NO_ONE:
            continue
        for who, answer in zip(WHO, answers.split(), strict=True):
            if answer != "200":
                continue
            client.logout()
            if world["users"][who]:
                client.force_login(world["users"][who])
            response = client.get(path.format(**world))
            if response["Content-Type"].startswith("text/html"):
                missing += [
                    f"{name} as {who}: {sorted(fields)}"
                    for fields in forms_without_the_notice(response.content.decode())
                ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("step", ["close", "view"])
def test_closing_a_case_and_a_panel_members_view_link_to_the_notice(client, people, step):
    from tests.breaches.conftest import case_in, convene

    if step == "close":
        case = case_in("decided", people=people)
        client.force_login(people["priya"])
    else:
        case = case_in("formal", people=people)
        convene(case)
        client.force_login(people["pam"])
    response = client.get(f"/breaches/cases/{case.pk}/{step}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" in html and forms_without_the_notice(html) == []
