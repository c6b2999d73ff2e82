"""Reads for the declarations app: who may see which declaration, the registers,
and whether someone may take part in a decision."""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import Col
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import dateformat, timezone

from conduct.models import Organisation, Partnership, PartnershipRole, User
from conduct.selectors import (
    Connection,
    current_memberships,
    is_administrator,
    partner_for_user,
    partners_of_partnership,
    partnership_ids_where,
    partnerships_managed_by,
    partnerships_of_partner,
    partnerships_where,
    personal_connection,
    suspension_of,
    suspensions_stopping,
)
from govuk.date_arithmetic import add_months

from .models import (
    KIND_LABELS,
    SITUATION_LABELS,
    VALUED_SITUATIONS,
    AnnualConfirmation,
    Declaration,
    DeclarationEvent,
    DeclarationPolicy,
    DeclarationRevision,
    Dispensation,
    ManagementAction,
    Situation,
)

REVIEWER_ROLES = (PartnershipRole.Role.PROGRAMME_MANAGER, PartnershipRole.Role.DECLARATIONS_REVIEWER)


def _long_date(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


def normalised_name(name: str) -> str:
    return " ".join(name.split())


# --- Who may do what --------------------------------------------------------------------


DECIDING_ROLES = tuple(PartnershipRole.Role.values)


def declaring_partnerships(user: User) -> QuerySet[Partnership]:
    """The partnerships someone declares to: those their organisation is a current member of
    (partners), those in which they hold a role (programme managers, reviewers, panel
    members), and every one for administrators. Anyone who takes part in decisions declares."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    if is_administrator(user):
        return Partnership.objects.order_by("name")
    declares_to = Q(pk__in=partnership_ids_where(user, *DECIDING_ROLES))
    partner = partner_for_user(user)
    if partner is not None:
        declares_to |= Q(pk__in=partnerships_of_partner(partner).values("pk"))
    return Partnership.objects.filter(declares_to).order_by("name")


def reviewable_partnerships(user: User) -> QuerySet[Partnership]:
    """Programme managers and declarations reviewers review their partnerships' declarations."""
    return partnerships_where(user, *REVIEWER_ROLES).order_by("name")


def review_refusal(user: User, declaration: Declaration) -> str:
    """Why this user may not review this declaration, or "" if they may. Reviewers review
    others' declarations, never their own, nor one naming someone they have an interest in."""
    if declaration.status == Declaration.Status.DRAFT:
        return "A draft is not yet a declaration: there is nothing to review."
    if declaration.declarant_id == user.pk:
        return "You cannot review your own declaration: another reviewer must."
    if not reviewable_partnerships(user).filter(pk=declaration.partnership_id).exists():
        return "Only the programme manager or a reviewer of this partnership can review it."
    return decision_participation_check(user=user, **concerning(declaration.revision)).reason_refused


def may_review(user: User, declaration: Declaration) -> bool:
    return not review_refusal(user, declaration)


def concerning(revision: DeclarationRevision) -> dict:
    """Whom a revision names, as the decision check asks for them."""
    return {"organisation": revision.counterparty_organisation, "person_name": revision.counterparty_name}


def may_grant_dispensation(user: User, declaration: Declaration) -> bool:
    """The partnership's chair or programme manager grants dispensations, never on their own declaration."""
    return (
        declaration.status != Declaration.Status.DRAFT
        and declaration.declarant_id != user.pk
        and partnerships_where(user, PartnershipRole.Role.CHAIR, PartnershipRole.Role.PROGRAMME_MANAGER)
        .filter(pk=declaration.partnership_id)
        .exists()
    )


def may_withhold(user: User, declaration: Declaration) -> bool:
    """The programme manager decides what the public register shows."""
    return (
        declaration.status != Declaration.Status.DRAFT
        and partnerships_managed_by(user).filter(pk=declaration.partnership_id).exists()
    )


def policy_for(partnership: Partnership) -> DeclarationPolicy:
    """The partnership's thresholds, or the defaults when it has none yet (nothing is written)."""
    return DeclarationPolicy.objects.filter(partnership=partnership).first() or DeclarationPolicy(
        partnership=partnership
    )


@dataclass(frozen=True)
class ValueAssessment:
    """What the partnership's thresholds say of a gift or hospitality: what would stop it
    (by form field), and whether it is below the threshold, so declared voluntarily."""

    problems: dict
    voluntary: bool
    explanation: str = ""


def _pounds(amount) -> str:
    return f"£{amount:,.2f}"


def gifts_from_the_same_source(revision: DeclarationRevision, *, months: int) -> Decimal:
    """The value of the other gifts the declarant accepted from the same source in the
    months up to this one (NHS England: several gifts from one source count together)."""
    declaration = revision.declaration
    since = add_months(revision.arose_on, -months)
    same_source = (
        Q(revision__counterparty_organisation_id=revision.counterparty_organisation_id)
        if (revision.counterparty_organisation_id)
        else Q(revision__counterparty_name__iexact=revision.counterparty_name)
    )
    others = (
        Declaration.objects.filter(
            declarant_id=declaration.declarant_id,
            partnership_id=declaration.partnership_id,
            revision__situation=Situation.GIFT,
            revision__outcome=DeclarationRevision.Outcome.ACCEPTED,
            revision__arose_on__gt=since,
            revision__arose_on__lte=revision.arose_on,
        )
        .filter(same_source)
        .exclude(pk=declaration.pk)
        .exclude(status__in=[Declaration.Status.DRAFT, Declaration.Status.ENDED])
    )
    return others.aggregate(total=Sum("revision__value"))["total"] or Decimal(0)


def value_assessment(revision: DeclarationRevision, policy: DeclarationPolicy) -> ValueAssessment:
    """The partnership's rules for gifts and hospitality (NHS England's guidance by default):
    suppliers' gifts are declined unless a promotional item under the limit; other gifts under
    the threshold (counted together with the same source's over the gift period) need not be
    declared; hospitality under its threshold need not be, and above the approval limit is
    refused unless a named senior person approved it in advance."""
    value = revision.value
    accepted = revision.outcome == DeclarationRevision.Outcome.ACCEPTED
    if revision.situation not in VALUED_SITUATIONS or value is None:
        return ValueAssessment({}, False)
    if revision.situation == Situation.GIFT:
        if revision.from_supplier:
            if value >= policy.supplier_gift_limit:
                if accepted:
                    return ValueAssessment(
                        {
                            "outcome": "Gifts from suppliers or contractors must be declined, unless a low-cost "
                            f"promotional item worth under {_pounds(policy.supplier_gift_limit)}"
                        },
                        False,
                    )
                return ValueAssessment({}, False)
            return ValueAssessment(
                {}, True, f"A promotional item worth under {_pounds(policy.supplier_gift_limit)}: need not be declared."
            )
        total = value + (
            gifts_from_the_same_source(revision, months=policy.gift_period_months)
            if accepted and revision.arose_on
            else 0
        )
        if total < policy.gift_threshold:
            return ValueAssessment(
                {},
                True,
                f"Below the {_pounds(policy.gift_threshold)} gift threshold"
                + (
                    f" ({_pounds(total)} from this source in {policy.gift_period_months} months)"
                    if total != value
                    else ""
                )
                + ": need not be declared.",
            )
        if total != value:
            return ValueAssessment(
                {},
                False,
                f"With other gifts from this source in the last {policy.gift_period_months} months, "
                f"{_pounds(total)}: at or above the {_pounds(policy.gift_threshold)} threshold.",
            )
        return ValueAssessment({}, False)
    # Hospitality.
    if accepted and value > policy.hospitality_approval_above:
        problems = {}
        if not revision.approved_by:
            problems["approved_by"] = (
                f"Hospitality worth more than {_pounds(policy.hospitality_approval_above)} is accepted only with "
                "approval in advance: enter who approved it, or choose Declined"
            )
        if revision.approved_on is None:
            problems["approved_on"] = "Enter the date it was approved"
        elif revision.arose_on and revision.approved_on > revision.arose_on:
            problems["approved_on"] = (
                "The approval must be given before the hospitality: on or before the date it arose"
            )
        return ValueAssessment(problems, False)
    if value < policy.hospitality_threshold:
        return ValueAssessment(
            {}, True, f"Below the {_pounds(policy.hospitality_threshold)} hospitality threshold: need not be declared."
        )
    return ValueAssessment({}, False)


def days_late(*, arose_on, declared_on, policy) -> int | None:
    """How many days after it arose an interest was declared, if that is later than the partnership allows."""
    if arose_on is None:
        return None
    days = (declared_on - arose_on).days
    return days if days > policy.late_after_days else None


def _with_revision(declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return declarations.select_related(
        "declarant", "organisation", "partnership", "revision__counterparty_organisation"
    )


def declarations_for_review(user: User) -> QuerySet[Declaration]:
    """Every declaration made to a partnership the user reviews (administrators: all), drafts aside."""
    declarations = Declaration.objects.exclude(status=Declaration.Status.DRAFT)
    if not is_administrator(user):
        # Plain ids, so that PostgreSQL can use the (partnership, status) index.
        declarations = declarations.filter(partnership__in=partnership_ids_where(user, *REVIEWER_ROLES))
    return (
        declarations.select_related("declarant", "revision__counterparty_organisation")
        # The names of the partnership and the declaring organisation are read by
        # subqueries, not joins: with seven tables joined, PostgreSQL spent longer
        # choosing the join order than reading a page of rows (docs/benchmarks.md).
        .annotate(
            partnership_name=_name_of(Partnership, "partnership_id"),
            organisation_name=_name_of(Organisation, "organisation_id"),
        )
        # Only what a row of the register shows: a page reads a tenth of the columns.
        .only(
            "status",
            "first_submitted_at",
            "is_late",
            "is_voluntary",
            "withheld_at",
            "declarant__username",
            "declarant__first_name",
            "declarant__last_name",
            "revision__is_nil",
            "revision__kind",
            "revision__situation",
            "revision__counterparty_name",
            "revision__counterparty_organisation__name",
        )
        .order_by("-first_submitted_at", "-pk")
    )


def _name_of(model, id_field: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(id_field)).values("name")[:1])


def own_declarations(user: User) -> QuerySet[Declaration]:
    drafts = DeclarationRevision.objects.filter(declaration=OuterRef("pk"), submitted_at__isnull=True)
    return (
        _with_revision(Declaration.objects.filter(declarant_id=user.pk))
        .annotate(has_draft_revision=Exists(drafts))
        .order_by("-created_at", "-pk")
    )


def _visible_declarations(user: User) -> QuerySet[Declaration]:
    if not user.is_authenticated:
        return Declaration.objects.none()
    own = Q(declarant=user)
    if is_administrator(user):
        return Declaration.objects.filter(own | ~Q(status=Declaration.Status.DRAFT))
    return Declaration.objects.filter(
        own | (Q(partnership__in=reviewable_partnerships(user)) & ~Q(status=Declaration.Status.DRAFT))
    )


def declaration_for_user(user: User, pk: int) -> Declaration:
    """A declaration for its declarant, its partnership's reviewers and administrators; 404 for anyone else."""
    declaration = (
        _with_revision(_visible_declarations(user))
        .select_related("accepted_revision__counterparty_organisation")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=DeclarationRevision.objects.filter(submitted_at__isnull=False)
                .select_related("counterparty_organisation", "submitted_by")
                .prefetch_related("management_actions")
                .order_by("-number"),
                to_attr="submitted_revisions",
            ),
            Prefetch("events", queryset=DeclarationEvent.objects.select_related("actor", "revision")),
            Prefetch("dispensations", queryset=Dispensation.objects.select_related("granted_by")),
        )
        .filter(pk=pk)
        .first()
    )
    if declaration is None:
        raise Http404("No such declaration")
    return declaration


def own_declaration(user: User, pk: int) -> Declaration:
    """A declaration for the person who made it; 404 for anyone else."""
    declaration = _with_revision(Declaration.objects.filter(pk=pk, declarant_id=user.pk)).first()
    if declaration is None:
        raise Http404("No such declaration")
    return declaration


def draft_revision(declaration: Declaration) -> DeclarationRevision | None:
    return declaration.revisions.filter(submitted_at__isnull=True).select_related("counterparty_organisation").first()


def latest_question(declaration: Declaration) -> DeclarationEvent | None:
    """The reviewer's question, while the declaration is returned to the partner."""
    if declaration.status != Declaration.Status.RETURNED:
        return None
    return declaration.events.filter(action=DeclarationEvent.Action.RETURNED).select_related("actor").last()


def counterparty_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


# --- The published registers ------------------------------------------------------------


def public_partnerships() -> QuerySet[Partnership]:
    return Partnership.objects.order_by("name")


def public_register(partnership: Partnership) -> QuerySet[Declaration]:
    """What the public sees: every accepted declaration, as it was accepted,
    except those withheld with a recorded reason, voluntary ones if the partnership leaves them out, and
    interests that ended longer ago than the partnership's historic window."""
    declarations = Declaration.objects.filter(
        partnership=partnership, accepted_revision__isnull=False, withheld_at__isnull=True
    )
    policy = policy_for(partnership)
    if not policy.public_register_lists_voluntary:
        declarations = declarations.filter(is_voluntary=False)
    if policy.public_register_decision_makers_only:
        declarations = declarations.filter(declarant__in=decision_makers(partnership).values("pk"))
    # NHS England: an interest that has ended stays public for a while (6 months by default), then leaves.
    left_before = add_months(timezone.localdate(), -policy.historic_months)
    declarations = declarations.exclude(ended_on__lt=left_before).exclude(accepted_revision__ends_on__lt=left_before)
    return (
        declarations.select_related("declarant", "organisation", "accepted_revision__counterparty_organisation")
        .prefetch_related(
            Prefetch("accepted_revision__management_actions", queryset=ManagementAction.objects.order_by("pk"))
        )
        .order_by("declarant__last_name", "declarant__first_name", "declarant_id", "-accepted_at", "-pk")
    )


def decision_makers(partnership: Partnership) -> QuerySet[User]:
    """Those the partnership marks as its decision-making staff."""
    return User.objects.filter(
        is_active=True,
        partnership_roles__partnership=partnership,
        partnership_roles__role=PartnershipRole.Role.DECISION_MAKER,
    ).distinct()


def decision_makers_not_declared(partnership: Partnership) -> QuerySet[User]:
    """Decision-making staff who have submitted no declaration to the partnership, not even a nil one."""
    declared = Declaration.objects.filter(partnership=partnership, declarant=OuterRef("pk")).exclude(
        status=Declaration.Status.DRAFT
    )
    return (
        decision_makers(partnership)
        .exclude(Exists(declared))
        .select_related("partner__organisation")
        .order_by("last_name", "first_name", "pk")
    )


# --- May this person take part in a decision? ------------------------------------------


@dataclass(frozen=True)
class DecisionCheck:
    """Whether someone may take part in a decision, and the declarations that stop them."""

    allowed: bool
    conflicts: tuple  # the Declaration objects that stop this person taking part
    suspension: object = None  # the conduct.Suspension that stops them, if one does
    connection: Connection = Connection()  # they work for whom it concerns, or it names them

    @property
    def reason(self) -> str:
        if self.allowed:
            return "You have not declared an interest that stops you taking part in this decision."
        return self.reason_refused

    @property
    def reason_refused(self) -> str:
        """Why the person may not take part, addressed to them; "" if they may."""
        if self.suspension is not None:
            return suspension_sentence(self.suspension)
        if self.connection:
            return self.connection.sentence()
        return " ".join(conflict_sentence(declaration) for declaration in self.conflicts)

    def reason_about(self, person: User) -> str:
        """Why this other person may not take part (for whoever would assign them); "" if they may."""
        if self.suspension is not None:
            return suspension_sentence(self.suspension, person=person)
        if self.connection:
            return self.connection.sentence(person)
        return " ".join(conflict_sentence(declaration, person=person) for declaration in self.conflicts)


def suspension_sentence(suspension, *, person: User | None = None) -> str:
    """Which suspension (decided on a breach case, which its reason cites) stops someone taking part."""
    if suspension.person_name:
        who = f"{person.display_name} is" if person else f"You ({suspension.person_name}) are"
    else:
        who = f"{suspension.organisation} is"
    until = dateformat.format(suspension.ends_on, "j F Y")
    return f"{who} suspended from {suspension.partnership} until {until}: {suspension.reason}"


def conflict_sentence(declaration: Declaration, *, person: User | None = None) -> str:
    """Which declaration stops someone taking part, and what would resolve it."""
    concerning = declaration.revision.counterparty
    name = person.display_name if person else ""
    if declaration.is_unresolved:
        return (
            f"{name or 'You'} {'has' if name else 'have'} declared an interest concerning {concerning} that is not "
            f"yet resolved (declaration {declaration.pk}, submitted {_long_date(declaration.first_submitted_at)}). "
            "It is resolved once a reviewer accepts it, or once the interest has ended and that is recorded; "
            "or the chair or programme manager may grant a dispensation."
        )
    lasts = (
        f"until the interest ends on {_long_date_of(declaration.revision.ends_on)}"
        if declaration.revision.ends_on
        else "until the interest's end is recorded on the declaration"
    )
    return (
        f"{name + chr(39) + 's' if name else 'Your'} declaration of an interest concerning {concerning} "
        f"(declaration {declaration.pk}) was accepted on {_long_date(declaration.accepted_at)} on condition that "
        f"{name or 'you'} {'is' if name else 'are'} excluded from decisions concerning {concerning}. "
        f"That lasts {lasts}, unless the chair or programme manager grants a dispensation."
    )


def _long_date_of(day) -> str:
    return dateformat.format(day, "j F Y")


def _concerning_any(organisations, person_names) -> Q:
    """Declarations naming any of these organisations (by link, or by name whatever its case and
    spacing) or any of these people (by name, likewise)."""
    names = {normalised_name(name).lower() for name in person_names if normalised_name(name)}
    names |= {normalised_name(organisation.name).lower() for organisation in organisations}
    concerning = Q(revision__counterparty_organisation__in=[organisation.pk for organisation in organisations])
    if names:
        # Stored names are already normalised (declaration_draft_save), so only case remains.
        concerning |= Q(counterparty_key__in=sorted(names))
    return concerning


def declared_interests(*, user_ids, organisations=(), person_names=(), on=None) -> QuerySet[Declaration]:
    """The declarations of these people that stand in the way of a decision about any of these
    organisations or people on the day, whether or not a dispensation lets them take part:
    submitted or returned (not yet resolved), or accepted on condition that they are excluded
    from such decisions, until the interest's stated end date has passed."""
    exclusion = ManagementAction.objects.filter(
        revision=OuterRef("revision"), kind=ManagementAction.Kind.EXCLUDED_FROM_DECISIONS
    )
    on = on or timezone.localdate()
    return (
        Declaration.objects.filter(declarant_id__in=list(user_ids))
        .annotate(counterparty_key=Lower("revision__counterparty_name"))
        .filter(_concerning_any(list(organisations), list(person_names)))
        .filter(
            Q(status__in=Declaration.UNRESOLVED)
            | (
                Q(status=Declaration.Status.ACCEPTED)
                & Exists(exclusion)
                & (Q(revision__ends_on__isnull=True) | Q(revision__ends_on__gte=on))
            )
        )
        .select_related("revision__counterparty_organisation")
        .order_by("first_submitted_at", "pk")
    )


# A meeting's conflicts list reads this on every view, and building `declared_interests`
# through the ORM took several times as long as PostgreSQL takes to run it. It restates
# that rule: tests/declarations/test_declared_interests_sql.py proves the two find the
# same declarations on awkward data.
_DECLARED_INTERESTS_SQL = """
SELECT {columns}
FROM declarations_declaration declaration
JOIN declarations_declarationrevision revision ON revision.id = declaration.revision_id
LEFT JOIN conduct_organisation organisation ON organisation.id = revision.counterparty_organisation_id
WHERE declaration.declarant_id IN ({declarants})
AND ({concerning})
AND (
    declaration.status IN (%s, %s)
    OR (
        declaration.status = %s
        AND EXISTS (
            SELECT 1 FROM declarations_managementaction excluding
            WHERE excluding.revision_id = declaration.revision_id AND excluding.kind = %s
        )
        AND (revision.ends_on IS NULL OR revision.ends_on >= %s)
    )
)
ORDER BY declaration.first_submitted_at, declaration.id
"""

_READ_WITH_INTERESTS = (
    ("declaration", Declaration),
    ("revision", DeclarationRevision),
    ("organisation", Organisation),
)


@functools.cache
def _columns_and_converters(vendor, alias, model):
    """Every column of the model under this alias, with what the ORM would do to each value read
    (the same for every connection to one kind of database)."""
    fields = model._meta.concrete_fields
    columns = [f"{alias}.{connection.ops.quote_name(field.column)}" for field in fields]
    converters = []
    for field in fields:
        expression = Col(alias, field)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        converters.append((expression, found))
    return [field.attname for field in fields], columns, converters


def _converted(values, converters):
    values = list(values)
    for index, (expression, found) in enumerate(converters):
        for converter in found:
            values[index] = converter(values[index], expression, connection)
    return values


def declared_interests_read(*, user_ids, organisations=(), person_names=(), on=None) -> list[Declaration]:
    """`declared_interests`, read in one written-out query: the declarations, each with its
    revision and the organisation it names, in the same order."""
    user_ids = list(user_ids)
    organisation_ids = sorted({organisation.pk for organisation in organisations})
    names = {normalised_name(name).lower() for name in person_names if normalised_name(name)}
    names = sorted(names | {normalised_name(organisation.name).lower() for organisation in organisations})
    if not user_ids or not (organisation_ids or names):
        return []
    concerning = []
    if organisation_ids:
        concerning.append(f"revision.counterparty_organisation_id IN ({', '.join(['%s'] * len(organisation_ids))})")
    if names:
        # Stored names are already normalised (declaration_draft_save), so only case remains.
        concerning.append(f"LOWER(revision.counterparty_name) IN ({', '.join(['%s'] * len(names))})")
    parts = [_columns_and_converters(connection.vendor, alias, model) for alias, model in _READ_WITH_INTERESTS]
    sql = _DECLARED_INTERESTS_SQL.format(
        columns=", ".join(column for _, columns, _ in parts for column in columns),
        declarants=", ".join(["%s"] * len(user_ids)),
        concerning=" OR ".join(concerning),
    )
    on = on or timezone.localdate()
    params = [
        *user_ids,
        *organisation_ids,
        *names,
        *Declaration.UNRESOLVED,
        Declaration.Status.ACCEPTED,
        ManagementAction.Kind.EXCLUDED_FROM_DECISIONS,
        connection.ops.adapt_datefield_value(on),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(param) if isinstance(param, str) else param for param in params])
        rows = cursor.fetchall()
    declarations = []
    for row in rows:
        built, start = [], 0
        for (alias, model), (attnames, columns, converters) in zip(_READ_WITH_INTERESTS, parts, strict=True):
            values = row[start : start + len(columns)]
            start += len(columns)
            if alias == "organisation" and values[0] is None:
                built.append(None)
                continue
            built.append(model.from_db(connection.alias, attnames, _converted(values, converters)))
        declaration, revision, organisation = built
        revision.counterparty_organisation = organisation
        declaration.revision = revision
        declarations.append(declaration)
    return declarations


def standing_conflicts(*, user_ids, organisations=(), person_names=(), on=None) -> QuerySet[Declaration]:
    """The declarations of these people that stop them taking part in a decision about any of these
    organisations or people on the day (today unless given): `declared_interests` that no
    dispensation in force that day covers.

    The one rule behind `decision_participation_check` and a meeting's conflicts list.
    """
    on = on or timezone.localdate()
    return declared_interests(user_ids=user_ids, organisations=organisations, person_names=person_names, on=on).exclude(
        Exists(current_dispensations(on=on).filter(declaration=OuterRef("pk")))
    )


def current_dispensations(*, on) -> QuerySet[Dispensation]:
    """Dispensations in force on the day: one past its end date has expired by itself."""
    return Dispensation.objects.filter(starts_on__lte=on, ends_on__gte=on)


def decision_participation_check(*, user, organisation=None, person_name: str = "") -> DecisionCheck:
    """May this user take part in a decision about this organisation (a conduct.Organisation) or person?

    The C4PC code: "A Partner with a potential conflict of interest will not participate in
    any decision … until the potential conflict is resolved"; the same holds for everyone who
    decides, partner or not (programme managers, reviewers, panel members, chairs,
    administrators). So the user may not take part while a declaration of theirs naming that
    organisation or person stands (see `standing_conflicts`), nor while they work for that
    organisation or are the person named (`personal_connection`): a party is never a judge,
    and no dispensation changes that. Names match whatever their case.
    """
    # A suspension decided on a breach case stops a partner taking part in any decision while it runs.
    suspension = suspension_of(user)
    if suspension is not None:
        return DecisionCheck(allowed=False, conflicts=(), suspension=suspension)
    connection = personal_connection(user, organisation=organisation, person_name=person_name)
    if connection:
        return DecisionCheck(allowed=False, conflicts=(), connection=connection)
    organisations = [organisation] if organisation is not None else []
    if not user.is_authenticated or not (organisations or normalised_name(person_name)):
        return DecisionCheck(allowed=True, conflicts=())
    conflicts = tuple(standing_conflicts(user_ids=[user.pk], organisations=organisations, person_names=[person_name]))
    return DecisionCheck(allowed=not conflicts, conflicts=conflicts)


def decision_participation_checks(*, users, organisations=(), person_names=(), on=None) -> dict[int, DecisionCheck]:
    """`decision_participation_check` for several people deciding together (an item at a meeting)
    about any of these organisations or people on the day: user id -> their check, in a fixed
    number of queries however many people decide."""
    users = list(users)
    on = on or timezone.localdate()
    suspensions = suspensions_stopping(users, on=on)
    conflicts: dict[int, list[Declaration]] = {}
    if organisations or any(normalised_name(name) for name in person_names):
        for declaration in standing_conflicts(
            user_ids=[user.pk for user in users], organisations=organisations, person_names=person_names, on=on
        ):
            conflicts.setdefault(declaration.declarant_id, []).append(declaration)
    checks = {}
    for user in users:
        if user.pk in suspensions:
            checks[user.pk] = DecisionCheck(allowed=False, conflicts=(), suspension=suspensions[user.pk])
        else:
            found = tuple(conflicts.get(user.pk, ()))
            checks[user.pk] = DecisionCheck(allowed=not found, conflicts=found)
    return checks


def open_annual_confirmations(person: User) -> QuerySet[AnnualConfirmation]:
    return (
        AnnualConfirmation.objects.filter(person=person, confirmed_at__isnull=True)
        .select_related("partnership")
        .order_by("partnership__name", "-year")
    )


def latest_round(confirmations: QuerySet[AnnualConfirmation]) -> QuerySet[AnnualConfirmation]:
    """Only the newest round's request for each person and partnership."""
    newer = AnnualConfirmation.objects.filter(
        person_id=OuterRef("person_id"), partnership_id=OuterRef("partnership_id"), year__gt=OuterRef("year")
    )
    return confirmations.exclude(Exists(newer))


def asked_to_confirm(partnership: Partnership) -> dict[int, datetime.datetime | None]:
    """Who a round of annual confirmations asks: every partner of the partnership and every
    one of its decision-making staff, whatever else they are, once each. For a decision-maker
    who is not a partner, when they were appointed (None if before that was recorded)."""
    asked = dict.fromkeys(partners_of_partnership(partnership).values_list("user_id", flat=True))
    appointed = PartnershipRole.objects.filter(
        partnership=partnership, role=PartnershipRole.Role.DECISION_MAKER, user__is_active=True
    ).values_list("user_id", "granted_at")
    for user_id, granted_at in appointed:
        asked.setdefault(user_id, granted_at)
    return asked


def _asks_to_confirm(*, person_id, partnership_id) -> Q:
    """The partnership asks the person (ids, or references to them) to confirm: they are a
    partner of a current member organisation, or one of its decision-makers."""
    decision_maker = PartnershipRole.objects.filter(
        user_id=person_id, partnership_id=partnership_id, role=PartnershipRole.Role.DECISION_MAKER
    )
    partner = current_memberships().filter(partnership_id=partnership_id, organisation__partners__user_id=person_id)
    return Q(Exists(decision_maker)) | Q(Exists(partner))


def still_asked_to_confirm(confirmations: QuerySet[AnnualConfirmation]) -> QuerySet[AnnualConfirmation]:
    """Requests whose person the partnership still asks; someone who is neither a partner of it
    nor a decision-maker any more is not reminded."""
    return confirmations.filter(
        _asks_to_confirm(person_id=OuterRef("person_id"), partnership_id=OuterRef("partnership_id"))
    )


def is_asked_to_confirm(person: User, partnership: Partnership) -> bool:
    return Partnership.objects.filter(
        _asks_to_confirm(person_id=person.pk, partnership_id=OuterRef("pk")), pk=partnership.pk
    ).exists()


def annual_confirmation_overview(user: User, *, partnership: Partnership | None = None) -> QuerySet[AnnualConfirmation]:
    """The newest round's requests for the partnerships the user reviews."""
    confirmations = AnnualConfirmation.objects.filter(partnership__in=reviewable_partnerships(user))
    if partnership is not None:
        confirmations = confirmations.filter(partnership=partnership)
    return (
        latest_round(confirmations)
        .select_related("person__partner__organisation", "partnership")
        .order_by(
            "partnership__name",
            "confirmed_at",
            "person__partner__organisation__name",
            "person__last_name",
            "person__first_name",
            "pk",
        )
    )


REGISTER_CSV_HEADER = [
    "Reference",
    "Partnership",
    "Partner",
    "Email",
    "Organisation",
    "Status",
    "Late",
    "Withheld",
    "Withheld reason",
    "Declared on",
    "Nil declaration",
    "Kind",
    "Situation",
    "Concerning member organisation",
    "Concerning (name)",
    "Description",
    "Arose on",
    "Ends on",
    "Ended on",
    "Estimated value (£)",
    "Cash or vouchers",
    "Accepted or declined",
    "Revision",
    "Management actions",
]
_REGISTER_CSV_COLUMNS = (
    "pk",
    "partnership__name",
    "declarant__first_name",
    "declarant__last_name",
    "declarant__username",
    "declarant__email",
    "organisation__name",
    "status",
    "is_late",
    "withheld_at",
    "withheld_reason",
    "first_submitted_at",
    "revision_id",
    "accepted_revision_id",
    "ended_on",
    "revision__is_nil",
    "revision__kind",
    "revision__situation",
    "revision__counterparty_organisation__name",
    "revision__counterparty_name",
    "revision__description",
    "revision__arose_on",
    "revision__ends_on",
    "revision__value",
    "revision__cash_or_vouchers",
    "revision__outcome",
    "revision__number",
)


def register_csv_rows(declarations: QuerySet[Declaration], *, chunk_size: int = 2000):
    """The register's rows for a download, read as plain values (building model
    instances for each row and its related rows would take several times longer)."""
    yes_no = {True: "yes", False: "no", None: ""}
    statuses, outcomes = dict(Declaration.Status.choices), dict(DeclarationRevision.Outcome.choices)
    zone = timezone.get_current_timezone()  # once: looking it up costs as much as the rest of a row
    rows = declarations.values_list(*_REGISTER_CSV_COLUMNS).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        # Actions show only while the latest revision is the accepted one.
        accepted = {row[12] for row in chunk if row[12] == row[13]}
        actions: dict[int, list[str]] = {}
        for action in ManagementAction.objects.filter(revision_id__in=accepted).select_related(
            "revision__counterparty_organisation"
        ):
            actions.setdefault(action.revision_id, []).append(action.text)
        for (
            pk,
            partnership,
            first_name,
            last_name,
            username,
            email,
            organisation,
            status,
            is_late,
            withheld_at,
            withheld_reason,
            first_submitted_at,
            revision_id,
            _,
            ended_on,
            is_nil,
            kind,
            situation,
            concerning_organisation,
            concerning_name,
            description,
            arose_on,
            ends_on,
            value,
            cash_or_vouchers,
            outcome,
            number,
        ) in chunk:
            yield [
                pk,
                partnership,
                f"{first_name} {last_name}".strip() or username,
                email,
                organisation or "",
                statuses[status],
                yes_no[is_late],
                yes_no[withheld_at is not None],
                withheld_reason,
                first_submitted_at.astimezone(zone).date().isoformat(),
                yes_no[is_nil],
                KIND_LABELS.get(kind, ""),
                SITUATION_LABELS.get(situation, ""),
                concerning_organisation or "",
                concerning_name,
                description,
                arose_on.isoformat() if arose_on else "",
                ends_on.isoformat() if ends_on else "",
                ended_on.isoformat() if ended_on else "",
                "" if value is None else f"{value:.2f}",
                yes_no[cash_or_vouchers],
                outcomes.get(outcome, ""),
                number,
                "; ".join(actions.get(revision_id, [])),
            ]


def declarations_ended_before(*, day: datetime.date) -> QuerySet:
    """Declarations that ended before the day (the retention schedule counts from then)."""
    return Declaration.objects.filter(status=Declaration.Status.ENDED, ended_on__lt=day)


# --- Subject access ------------------------------------------------------------------------------


def declarations_made_by(user: User) -> QuerySet[Declaration]:
    """Everything the person declared, with each revision, its management actions, the
    declaration's history and dispensations: a fixed number of queries however many there are."""
    revisions = DeclarationRevision.objects.select_related("counterparty_organisation").prefetch_related(
        "management_actions"
    )
    return (
        Declaration.objects.filter(declarant=user)
        .select_related("partnership")
        .prefetch_related(
            Prefetch("revisions", queryset=revisions),
            Prefetch("events", queryset=DeclarationEvent.objects.order_by("at", "pk")),
            "dispensations",
        )
        .order_by("created_at", "pk")
    )


def annual_confirmations_of(user: User) -> QuerySet[AnnualConfirmation]:
    return AnnualConfirmation.objects.filter(person=user).select_related("partnership").order_by("year", "pk")
