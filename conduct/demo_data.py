"""Demo organisations and accounts, one for each role, on top of the seed codes."""

import datetime

from django.db import transaction
from django.utils.text import slugify

from .models import Membership, Organisation, Partner, Partnership, PartnershipRole, User

DEMO_PASSWORD = "conduct-demo-2026"

# username, first name, last name, organisation (None: not a partner), what the account shows
DEMO_ACCOUNTS = [
    ("admin", "Ada", "Admin", None, "administrator: edits drafts, publishes versions, manages partners"),
    (
        "manager",
        "Priya",
        "Manager",
        None,
        "programme manager of The Health Creation Alliance and the Coalition for Personalised Care",
    ),
    ("alice", "Alice", "Adams", "Riverside Community Health", "partner in two partnerships"),
    ("bob", "Bob", "Brown", "Northfield Wellbeing Trust", "partner in The Health Creation Alliance"),
    ("chen", "Chen", "Clarke", "Amber Valley Borough Council", "partner in the Amber Valley Partnership"),
    ("dev", "Dev", "Desai", "Eastgate Primary Care Network", "partner in the NHS Managers' Network"),
]

# organisation: partnerships (by slug) it is a member of
DEMO_MEMBERSHIPS = {
    "Riverside Community Health": ["health-creation-alliance", "coalition-for-personalised-care"],
    "Northfield Wellbeing Trust": ["health-creation-alliance"],
    "Amber Valley Borough Council": ["amber-valley-partnership"],
    "Eastgate Primary Care Network": ["nhs-managers-network", "coalition-for-personalised-care"],
}


@transaction.atomic
def demo_data_load() -> list[tuple[str, str]]:
    """Create the demo organisations and accounts if they are missing; return
    (username, what it shows) for each account. Running it twice changes nothing."""
    joined = datetime.date(2024, 1, 1)
    for org_name, partnership_slugs in DEMO_MEMBERSHIPS.items():
        organisation, _ = Organisation.objects.get_or_create(name=org_name, defaults={"slug": slugify(org_name)[:80]})
        for slug in partnership_slugs:
            partnership = Partnership.objects.get(slug=slug)
            if not Membership.objects.filter(organisation=organisation, partnership=partnership).exists():
                Membership.objects.create(organisation=organisation, partnership=partnership, started_on=joined)
    for username, first, last, org_name, _ in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
        if org_name:
            Partner.objects.get_or_create(user=user, defaults={"organisation": Organisation.objects.get(name=org_name)})
    manager = User.objects.get(username="manager")
    for slug in ["health-creation-alliance", "coalition-for-personalised-care"]:
        PartnershipRole.objects.get_or_create(
            user=manager, partnership=Partnership.objects.get(slug=slug), role=PartnershipRole.Role.PROGRAMME_MANAGER
        )
    return [(username, shows) for username, _, _, _, shows in DEMO_ACCOUNTS]
