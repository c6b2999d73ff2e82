"""Declarations made through the services, so that tests start from any point of the workflow.

rita reviews declarations for The Health Creation Alliance; priya (its programme
manager) does too; alice and bob declare to it; charlie declares to the Coalition.
"""

import datetime

import pytest
from django.utils import timezone

from conduct.models import Organisation, PartnershipRole
from declarations import selectors, services
from declarations.models import PERMITTED_SITUATIONS, Declaration, ManagementAction, Situation
from tests.conftest import make_organisation, make_user

TODAY = datetime.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Every declaration test runs on 20 March 2026 at noon, so dates and the late flag are predictable."""
    time_machine.move_to(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def rita(alliance):
    user = make_user("rita", "Rita", "Reviewer")
    PartnershipRole.objects.create(user=user, partnership=alliance, role=PartnershipRole.Role.DECLARATIONS_REVIEWER)
    return user


@pytest.fixture
def acme(db):
    """A member organisation that partners have interests in."""
    return Organisation.objects.create(name="Acme Health Supplies", slug="acme-health-supplies")


@pytest.fixture
def eastgate(coalition):
    return make_organisation("Eastgate Primary Care Network", coalition)


GIFT = {
    "kind": "financial",
    "situation": "gift",
    "counterparty_name": "Acme Health Supplies",
    "description": "A hamper at Christmas",
    "arose_on": datetime.date(2026, 3, 10),
    "value": 60,
    "cash_or_vouchers": False,
    "outcome": "accepted",
}


# Outside employment and private practice need prior permission; private practice its place and hours.
PERMISSION = {"permitted_by": "The medical director", "permitted_on": datetime.date(2026, 1, 5)}
PRACTICE = {"practice_place": "Harley Street", "practice_times": "Saturday mornings", "practice_hours": 4}


def declare(declarant, *, partnership=None, submit=True, nil=False, **answers):
    """A declaration by the partner (or any other user), with the answers given (a gift from Acme by default;
    with permission, and a practice's place and hours, when the situation needs them)."""
    user = getattr(declarant, "user", declarant)
    partnership = partnership or selectors.declaring_partnerships(user).first()
    declaration = services.declaration_start(actor=user, partnership=partnership, is_nil=nil)
    if not nil:
        situation = answers.get("situation", GIFT["situation"])
        needed = {
            **(PERMISSION if situation in PERMITTED_SITUATIONS else {}),
            **(PRACTICE if situation == Situation.PRIVATE_PRACTICE else {}),
        }
        services.declaration_draft_save(declaration=declaration, actor=user, **{**GIFT, **needed, **answers})
    if submit:
        services.declaration_submit(declaration=declaration, actor=user)
    return Declaration.objects.get(pk=declaration.pk)


def accept(declaration, reviewer, *actions, note=""):
    services.declaration_accept(declaration=declaration, actor=reviewer, actions=list(actions), note=note)
    return Declaration.objects.get(pk=declaration.pk)


def send_back(declaration, reviewer, question="Who gave you the hamper?"):
    services.declaration_return(declaration=declaration, actor=reviewer, question=question)
    return Declaration.objects.get(pk=declaration.pk)


EXCLUDED = (ManagementAction.Kind.EXCLUDED_FROM_DECISIONS, "")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
