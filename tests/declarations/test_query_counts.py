"""Every declarations list page runs the same number of SQL queries at 5 rows as at 500.

The rows go straight into the tables in bulk, so that 500 take a moment. They differ
in partner, organisation, partnership, status, what was declared and the actions taken,
so that a query made once a row, for any of these, shows as a difference."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conduct.models import Code, Membership, Organisation, Partner, Partnership, PartnershipRole, User
from declarations.models import AnnualConfirmation, Declaration, DeclarationRevision, ManagementAction

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2024, 1, 1)
# submitted; returned with a question; accepted with an update in progress; accepted
# but withheld from the public register; ended.
REGISTER_STATES = ("submitted", "returned", "updating", "withheld", "ended")
# What the partner sees of their own: a draft too.
OWN_STATES = ("draft", "submitted", "returned", "updating", "ended")
# What the public register shows.
PUBLIC_STATES = ("accepted", "updating", "ended", "accepted")
ACCEPTED_STATES = {"accepted", "updating", "withheld", "ended"}
ACTIONS = (
    (),
    (ManagementAction.Kind.EXCLUDED_FROM_DECISIONS,),
    (ManagementAction.Kind.EXCLUDED_FROM_DECISIONS, ManagementAction.Kind.STEP_DOWN),
    (ManagementAction.Kind.NO_CONFIDENTIAL_PAPERS, ManagementAction.Kind.OTHER),
)
DECLARATION_LINK = re.compile(r'href="/declarations/\d+/"')


def add_partners(count: int, partnerships) -> list[Partner]:
    """New partners, three to an organisation, each organisation a member of the partnerships."""
    start = User.objects.count()
    numbers = range(start, start + count)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Member {n:04}", slug=f"member-{n:04}") for n in numbers if n == start or n % 3 == 0
    )
    Membership.objects.bulk_create(
        Membership(organisation=organisation, partnership=partnership, started_on=JOINED)
        for organisation in organisations
        for partnership in partnerships
    )
    users = User.objects.bulk_create(
        User(
            username=f"partner{n:04}",
            email=f"partner{n:04}@example.org",
            password="!",
            first_name="Pat",
            last_name=f"Person {n:04}",
        )
        for n in numbers
    )
    return Partner.objects.bulk_create(
        Partner(user=user, organisation=organisations[i // 3 % len(organisations)]) for i, user in enumerate(users)
    )


def _revision(declaration, n: int, *, number: int, submitted_at, counterparties) -> DeclarationRevision:
    """A gift from a member organisation, outside employment, or a nil declaration."""
    revision = DeclarationRevision(
        declaration=declaration,
        number=number,
        submitted_at=submitted_at,
        submitted_by_id=declaration.declarant_id if submitted_at else None,
    )
    if n % 3 == 2:
        revision.is_nil = True
        return revision
    revision.counterparty_name = f"Supplier {n:04}"
    revision.description = f"Interest number {n}"
    revision.arose_on = timezone.localdate() - datetime.timedelta(days=n % 60 + 1)
    if n % 3 == 0:
        revision.kind, revision.situation = "financial", "gift"
        revision.counterparty_organisation = counterparties[n % len(counterparties)]
        revision.value, revision.cash_or_vouchers, revision.outcome = Decimal(20 + n % 80), False, "accepted"
    else:
        revision.kind, revision.situation = "professional", "outside_employment"
        revision.ends_on = revision.arose_on + datetime.timedelta(days=365)
    return revision


def _user_id(declarant: Partner | User) -> int:
    return declarant.user_id if isinstance(declarant, Partner) else declarant.pk


def _partner(declarant: Partner | User) -> Partner | None:
    return declarant if isinstance(declarant, Partner) else None


def add_declarations(count: int, *, partners, partnerships, states, reviewer) -> list[Declaration]:
    """Declarations in the states given in turn; the partnership changes every five rows. A
    declarant may be a partner or someone who is not (a decision-maker of another role)."""
    start = Declaration.objects.count()
    numbers = range(start, start + count)
    counterparties = list(Organisation.objects.order_by("pk")[:10])
    declarations = Declaration.objects.bulk_create(
        Declaration(
            declarant_id=_user_id(partners[n % len(partners)]),
            partner=_partner(partners[n % len(partners)]),
            organisation_id=getattr(partners[n % len(partners)], "organisation_id", None),
            partnership=partnerships[n // 5 % len(partnerships)],
        )
        for n in numbers
    )
    # A declaration points at its latest submitted revision, so the revisions come second
    # and the declarations leave draft (a constraint) only once they have one.
    base = timezone.now() - datetime.timedelta(days=2)
    first = DeclarationRevision.objects.bulk_create(
        _revision(
            declaration,
            n,
            number=1,
            counterparties=counterparties,
            submitted_at=None if states[n % len(states)] == "draft" else base + datetime.timedelta(minutes=n),
        )
        for n, declaration in zip(numbers, declarations, strict=True)
    )
    DeclarationRevision.objects.bulk_create(
        _revision(declaration, n + 1, number=2, submitted_at=None, counterparties=counterparties)
        for n, declaration in zip(numbers, declarations, strict=True)
        if states[n % len(states)] == "updating"
    )
    # One UPDATE for each state, each row taking its revision and dates from the revision.
    submitted = DeclarationRevision.objects.filter(declaration=OuterRef("pk"), number=1)
    by_state: dict[str, list[int]] = {}
    for n, declaration in zip(numbers, declarations, strict=True):
        by_state.setdefault(states[n % len(states)], []).append(declaration.pk)
    changes = {
        "submitted": {"status": "submitted"},
        "returned": {"status": "returned"},
        "accepted": {"status": "accepted"},
        "updating": {"status": "accepted"},
        "withheld": {"status": "accepted", "withheld_at": timezone.now(), "withheld_reason": "Personal safety"},
        "ended": {"status": "ended", "ended_on": timezone.localdate()},
    }
    for state, pks in by_state.items():
        if state == "draft":
            continue
        fields = {
            "revision": Subquery(submitted.values("pk")),
            "first_submitted_at": Subquery(submitted.values("submitted_at")),
            **changes[state],
        }
        if state in ACCEPTED_STATES:
            fields |= {"accepted_revision": fields["revision"], "accepted_at": fields["first_submitted_at"]}
        Declaration.objects.filter(pk__in=pks).update(**fields)
    late = [declaration.pk for n, declaration in zip(numbers, declarations, strict=True) if n % 7 == 0]
    Declaration.objects.filter(pk__in=late).exclude(status="draft").update(is_late=True)
    ManagementAction.objects.bulk_create(
        ManagementAction(
            revision=revision, kind=kind, details="Leaves the room" if kind == "other" else "", created_by=reviewer
        )
        for n, revision in zip(numbers, first, strict=True)
        if states[n % len(states)] in ACCEPTED_STATES
        for kind in ACTIONS[n % len(ACTIONS)]
    )
    return list(Declaration.objects.filter(pk__in=[d.pk for d in declarations]).order_by("pk"))


def add_confirmation_requests(count: int, *, partnerships) -> list[AnnualConfirmation]:
    """This year's request to new partners: outstanding, confirmed, or reminded; half
    of them were asked last year too (only this year's request is listed)."""
    start = AnnualConfirmation.objects.filter(year=2026).count()
    partners = add_partners(count, partnerships)
    now = timezone.now()
    this_year, last_year = [], []
    for i, partner in enumerate(partners, start=start):
        partnership = partnerships[i // 5 % len(partnerships)]
        request = AnnualConfirmation(
            person=partner.user, partnership=partnership, year=2026, requested_at=now - datetime.timedelta(days=20)
        )
        if i % 3 == 1:
            request.confirmed_at, request.how = now - datetime.timedelta(days=i % 10), ("confirmed", "declared")[i % 2]
        elif i % 3 == 2:
            request.reminder_count, request.last_reminded_at = 1 + i % 4, now - datetime.timedelta(days=2)
        this_year.append(request)
        if i % 2 == 0:
            last_year.append(
                AnnualConfirmation(
                    person=partner.user,
                    partnership=partnership,
                    year=2025,
                    requested_at=now - datetime.timedelta(days=385),
                    confirmed_at=now - datetime.timedelta(days=380),
                    how="confirmed",
                )
            )
    AnnualConfirmation.objects.bulk_create(last_year)
    return AnnualConfirmation.objects.bulk_create(this_year)


def queries_for(client, url: str) -> tuple[int, str]:
    """How many queries the page took, and what it showed."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return len(captured), body.decode()


def link(declaration) -> str:
    return f'href="/declarations/{declaration.pk}/"'


# --- Partners ----------------------------------------------------------------------------


@pytest.fixture
def alice_in_both(alice, coalition):
    """Alice's organisation belongs to the Coalition too, so she declares to two partnerships."""
    Membership.objects.create(organisation=alice.organisation, partnership=coalition, started_on=JOINED)
    return alice


def test_a_partners_own_declarations_take_as_many_queries_for_500_as_for_5(
    client, alice_in_both, alliance, coalition, priya
):
    alice = alice_in_both
    AnnualConfirmation.objects.create(person=alice.user, partnership=alliance, year=2026, requested_at=timezone.now())
    client.force_login(alice.user)

    def add(count):
        return add_declarations(
            count, partners=[alice], partnerships=[alliance, coalition], states=OWN_STATES, reviewer=priya
        )

    add(5)
    few, page = queries_for(client, "/declarations/")
    assert len(DECLARATION_LINK.findall(page)) == 5
    newest = add(495)[-1]
    many, page = queries_for(client, "/declarations/")
    assert client.get("/declarations/").context["page"].paginator.count == 500
    assert len(DECLARATION_LINK.findall(page)) == 50 and link(newest) in page
    assert "Please confirm your declarations to The Health Creation Alliance" in page
    assert few == many, f"/declarations/: {few} queries for 5 declarations, {many} for 500"


def test_the_annual_confirmation_page_takes_as_many_queries_for_500_declarations_as_for_5(
    client, alice_in_both, alliance, priya
):
    alice = alice_in_both
    AnnualConfirmation.objects.create(person=alice.user, partnership=alliance, year=2026, requested_at=timezone.now())
    client.force_login(alice.user)
    url = f"/declarations/annual/{alliance.slug}/"

    def add(count):
        # One partnership only: the page lists the declarations to it.
        return add_declarations(count, partners=[alice], partnerships=[alliance], states=OWN_STATES, reviewer=priya)

    add(5)
    few, page = queries_for(client, url)
    assert len(DECLARATION_LINK.findall(page)) == 4  # not the draft
    newest = add(495)[-1]
    many, page = queries_for(client, url)
    assert len(DECLARATION_LINK.findall(page)) == 400 and link(newest) in page
    assert few == many, f"{url}: {few} queries for 5 declarations, {many} for 500"


def test_the_annual_confirmation_page_of_a_decision_maker_who_is_no_partner_takes_as_many_queries_for_500_as_5(
    client, alice, alliance, priya
):
    pam = User.objects.create(username="pam", email="pam@example.org", first_name="Pam", last_name="Panel")
    PartnershipRole.objects.create(user=pam, partnership=alliance, role=PartnershipRole.Role.DECISION_MAKER)
    AnnualConfirmation.objects.create(person=pam, partnership=alliance, year=2026, requested_at=timezone.now())
    client.force_login(pam)
    url = f"/declarations/annual/{alliance.slug}/"

    def add(count):
        return add_declarations(count, partners=[pam], partnerships=[alliance], states=OWN_STATES, reviewer=priya)

    add(5)
    few, page = queries_for(client, url)
    assert len(DECLARATION_LINK.findall(page)) == 4 and "These are complete and up to date" in page
    newest = add(495)[-1]
    many, page = queries_for(client, url)
    assert len(DECLARATION_LINK.findall(page)) == 400 and link(newest) in page
    assert few == many, f"{url}: {few} queries for 5 declarations, {many} for 500"


# --- Reviewers and programme managers ------------------------------------------------------


@pytest.fixture
def declarers(alice, bob, alliance, coalition):
    """Alice and Bob; each test adds more partners, three to an organisation."""
    return [alice, bob]


@pytest.mark.parametrize("who", ["priya", "rita", "ada"])
def test_the_register_takes_as_many_queries_for_500_declarations_as_for_5(
    client, declarers, alliance, coalition, priya, rita, ada, who
):
    """The programme manager and the reviewer see the Alliance's declarations; the administrator every one."""
    client.force_login({"priya": priya, "rita": rita, "ada": ada}[who])
    made = []

    def add(count):
        partners = declarers + add_partners(count // 5 + 1, [alliance, coalition])
        made.extend(
            add_declarations(
                count, partners=partners, partnerships=[alliance, coalition], states=REGISTER_STATES, reviewer=priya
            )
        )
        shown = [d for d in made if who == "ada" or d.partnership_id == alliance.pk]
        return len(shown), max(shown, key=lambda d: d.first_submitted_at)

    add(5)
    few, page = queries_for(client, "/declarations/register/")
    assert len(DECLARATION_LINK.findall(page)) == 5
    shown, newest = add(495)
    many, page = queries_for(client, "/declarations/register/")
    assert (
        client.get("/declarations/register/").context["page"].paginator.count == shown == (500 if who == "ada" else 250)
    )
    assert link(newest) in page
    assert few == many, f"the register for {who}: {few} queries for 5 declarations, {many} for 500"


def test_the_register_download_takes_as_many_queries_for_500_declarations_as_for_5(
    client, declarers, alliance, coalition, priya
):
    client.force_login(priya)

    def add(count):
        partners = declarers + add_partners(count // 5 + 1, [alliance, coalition])
        return add_declarations(
            count, partners=partners, partnerships=[alliance], states=REGISTER_STATES, reviewer=priya
        )

    add(5)
    few, download = queries_for(client, "/declarations/register.csv")
    assert len(list(csv.reader(io.StringIO(download)))) == 1 + 5
    newest = add(495)[-1]
    many, download = queries_for(client, "/declarations/register.csv")
    rows = list(csv.reader(io.StringIO(download)))
    assert len(rows) == 1 + 500 and str(newest.pk) in {row[0] for row in rows}
    assert "Excluded from decisions concerning" in download
    assert few == many, f"the register's CSV: {few} queries for 5 declarations, {many} for 500"


def test_the_reviewers_home_page_takes_as_many_queries_for_500_declarations_as_for_5(
    client, declarers, alliance, priya
):
    client.force_login(priya)

    def add(count):
        partners = declarers + add_partners(count // 5 + 1, [alliance])
        return add_declarations(
            count, partners=partners, partnerships=[alliance], states=REGISTER_STATES, reviewer=priya
        )

    add(5)
    few, page = queries_for(client, "/declarations/")
    assert 'id="to-review">1 declaration waiting' in page
    add(495)
    many, page = queries_for(client, "/declarations/")
    assert 'id="to-review">100 declarations waiting' in page
    assert few == many, f"/declarations/ for a reviewer: {few} queries for 5 declarations, {many} for 500"


def test_who_has_confirmed_takes_as_many_queries_for_500_partners_as_for_5(client, alliance, coalition, priya):
    client.force_login(priya)
    made = []

    def add(count):
        made.extend(add_confirmation_requests(count, partnerships=[alliance, coalition]))
        return [request for request in made if request.partnership_id == alliance.pk]

    add(5)
    few, page = queries_for(client, "/declarations/annual/")
    assert page.count("Pat Person") == 5 and "Not yet" in page and "Confirmed" in page and ", last " in page
    shown = add(495)
    many, page = queries_for(client, "/declarations/annual/")
    listed = client.get("/declarations/annual/").context["page"]
    assert listed.paginator.count == len(shown) == 250 and {r.year for r in listed} == {2026}
    assert page.count("Pat Person") == 50
    assert few == many, f"/declarations/annual/: {few} queries for 5 partners, {many} for 500"


# --- The public ------------------------------------------------------------------------------


def test_the_public_register_takes_as_many_queries_for_500_declarations_as_for_5(
    client, declarers, alliance, coalition, priya
):
    url = f"/declarations/public/{alliance.slug}/"

    def add(count):
        partners = declarers + add_partners(count // 5 + 1, [alliance])
        return add_declarations(count, partners=partners, partnerships=[alliance], states=PUBLIC_STATES, reviewer=priya)

    add(5)
    few, page = queries_for(client, url)
    assert page.count('class="govuk-summary-card"') == 5
    add(495)
    many, page = queries_for(client, url)
    listed = client.get(url).context["page"]
    assert listed.paginator.count == 500 and f'id="declaration-{listed[0].pk}"' in page
    assert "Step down from role" in page and "Nil declaration" in page
    assert few == many, f"{url}: {few} queries for 5 declarations, {many} for 500"


def test_the_list_of_public_registers_takes_as_many_queries_for_500_partnerships_as_for_5(client, seed_codes):
    code = Code.objects.order_by("pk").first()

    def add(count):
        start = Partnership.objects.count()
        Partnership.objects.bulk_create(
            Partnership(
                name=f"Partnership {n:04}", slug=f"partnership-{n:04}", kind=Partnership.Kind.values[n % 4], code=code
            )
            for n in range(start, start + count)
        )

    add(5 - Partnership.objects.count())  # with those seeded
    few, page = queries_for(client, "/declarations/public/")
    assert len(re.findall(r'href="/declarations/public/[\w-]+/"', page)) == 5
    add(495)
    many, page = queries_for(client, "/declarations/public/")
    assert len(re.findall(r'href="/declarations/public/[\w-]+/"', page)) == 500
    assert 'href="/declarations/public/partnership-0499/"' in page
    assert few == many, f"/declarations/public/: {few} queries for 5 partnerships, {many} for 500"
