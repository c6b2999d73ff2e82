"""Conflict-of-interest declarations: what a partner declared, every version of it,
how it was reviewed and managed, and the thresholds each partnership sets."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from conduct.models import Organisation, Partner, Partnership, User
from govuk.object_urls import object_url

# Limits shared by the forms and the database, so that nothing is ever truncated.
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
# A gift or hospitality worth more than this is a typing mistake, not a gift.
MAX_GIFT_VALUE = Decimal("100000")
# Private practice is recorded in hours a week, to the half hour.
MIN_PRACTICE_HOURS, HOURS_IN_A_WEEK = Decimal("0.5"), Decimal("168")


class DeclarationPolicy(models.Model):
    """The thresholds one partnership sets for declarations, edited on the partnership's policies page
    (every field but the partnership appears there, with its limits)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="declaration_policy")
    # The defaults are NHS England's "Managing Conflicts of Interest in the NHS" (2017) figures.
    gift_threshold = models.DecimalField(
        "gift threshold (£)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
        help_text=(
            "Gifts from one source worth less than this in all over the gift period need not be declared "
            "(they may be, as voluntary entries)."
        ),
    )
    gift_period_months = models.PositiveSmallIntegerField(
        "gift period (months)",
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        default=12,
        help_text="Gifts from one source within this many months count together against the gift threshold.",
    )
    supplier_gift_limit = models.DecimalField(
        "promotional item limit for suppliers' gifts (£)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("6.00"),
        validators=[MinValueValidator(0), MaxValueValidator(1_000)],
        help_text=(
            "Gifts from suppliers or contractors are declined whatever their value, "
            "except low-cost promotional items worth less than this."
        ),
    )
    hospitality_threshold = models.DecimalField(
        "hospitality threshold (£)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
        help_text="Hospitality worth less than this may be accepted and need not be declared.",
    )
    hospitality_approval_above = models.DecimalField(
        "hospitality needing approval above (£)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("75.00"),
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
        help_text=(
            "Hospitality worth more than this is refused unless a senior person the partnership names "
            "approved it in advance."
        ),
    )
    historic_months = models.PositiveSmallIntegerField(
        "months an ended interest stays on the public register",
        validators=[MinValueValidator(0), MaxValueValidator(120)],
        default=6,
        help_text="An interest that has ended leaves the public register this many months later; the record stays.",
    )
    public_register_decision_makers_only = models.BooleanField(
        "the public register covers decision-making staff only",
        default=False,
        help_text="Publish only the declarations of those holding the decision-making role; otherwise everyone's.",
    )
    public_register_lists_voluntary = models.BooleanField(
        "the public register lists voluntary declarations",
        default=True,
        help_text="Declarations below a threshold, made voluntarily, appear on the public register too.",
    )
    late_after_days = models.PositiveSmallIntegerField(
        "days after which a declaration is late",
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        default=28,
        help_text="A declaration made more than this many days after the interest arose is flagged as late.",
    )
    cash_must_be_declined = models.BooleanField(
        "cash and vouchers must be declined",
        default=True,
        help_text="Refuse to record cash or vouchers as accepted, whatever their value.",
    )
    annual_confirmation_month = models.PositiveSmallIntegerField(
        "month of the annual confirmation (1 to 12)",
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        default=4,
        help_text="Each year from the first of this month (1–12), partners are asked to confirm their declarations.",
    )

    class Meta:
        verbose_name_plural = "declaration policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(gift_threshold__gte=0), name="declaration_policy_threshold_not_negative"
            ),
            models.CheckConstraint(condition=Q(late_after_days__gte=1), name="declaration_policy_late_after_positive"),
            models.CheckConstraint(
                condition=Q(annual_confirmation_month__gte=1, annual_confirmation_month__lte=12),
                name="declaration_policy_confirmation_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Declaration policy of {self.partnership}"


class Kind(models.TextChoices):
    FINANCIAL = "financial", "Financial"
    PROFESSIONAL = "professional", "Professional"
    PERSONAL = "personal", "Personal"
    INDIRECT = "indirect", "Indirect (through a relative, close friend or associate)"


class Situation(models.TextChoices):
    GIFT = "gift", "Gift"
    HOSPITALITY = "hospitality", "Hospitality"
    OUTSIDE_EMPLOYMENT = "outside_employment", "Outside employment"
    SHAREHOLDING = "shareholding", "Shareholding or other ownership"
    PATENT = "patent", "Patent"
    LOYALTY_INTEREST = "loyalty_interest", "Loyalty interest"
    DONATION = "donation", "Donation"
    SPONSORED_EVENT = "sponsored_event", "Sponsored event"
    SPONSORED_RESEARCH = "sponsored_research", "Sponsored research"
    SPONSORED_POST = "sponsored_post", "Sponsored post"
    PRIVATE_PRACTICE = "private_practice", "Private practice"
    OTHER = "other", "Other"


KIND_LABELS = dict(Kind.choices)
SITUATION_LABELS = dict(Situation.choices)

# Situations that have an estimated value and were accepted or declined.
VALUED_SITUATIONS = {Situation.GIFT, Situation.HOSPITALITY}
# Situations that need prior permission, recorded with the declaration.
PERMITTED_SITUATIONS = {Situation.OUTSIDE_EMPLOYMENT, Situation.PRIVATE_PRACTICE}


# At module level, so that the model's constraints can name the values.
class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    ACCEPTED = "accepted", "Accepted"
    ENDED = "ended", "Ended"


class Declaration(models.Model):
    """Someone's declaration of an interest (or of having none) to one partnership: a
    partner's, or that of anyone else who takes part in its decisions (a programme
    manager, reviewer, panel member, chair or administrator).

    What was declared lives in its revisions; the declaration points at the latest
    submitted one and at the one accepted, which stays as it was accepted.
    """

    Status = DeclarationStatus

    # The only moves a declaration can make; services enforce them. Submitted to
    # submitted is a partner correcting a declaration before it is reviewed.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.ENDED},
        Status.RETURNED: {Status.SUBMITTED, Status.ENDED},
        Status.ACCEPTED: {Status.SUBMITTED, Status.ENDED},
        Status.ENDED: set(),
    }
    # Not yet resolved: the partner has a potential conflict concerning whom it names.
    UNRESOLVED = (Status.SUBMITTED, Status.RETURNED)

    declarant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="declarations")
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        help_text="The declarant as a partner, if they are one.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations_made",
        help_text="The declarant's organisation when they declared, if they are a partner.",
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="declarations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="When it was last accepted.")
    is_late = models.BooleanField(default=False)
    is_voluntary = models.BooleanField(
        default=False, help_text="Below the partnership's threshold when last submitted: declared voluntarily."
    )
    revision = models.ForeignKey(
        "DeclarationRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest submitted revision.",
    )
    accepted_revision = models.ForeignKey(
        "DeclarationRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision accepted last, kept as it was accepted.",
    )
    ended_on = models.DateField(null=True, blank=True)
    withheld_at = models.DateTimeField(null=True, blank=True)
    withheld_reason = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    # The declarant asks for it to be withheld; the programme manager grants (withholds) or refuses.
    withholding_asked_at = models.DateTimeField(null=True, blank=True)
    withholding_asked_reason = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    # The one-off value the start page carried: the same page sent twice (a double
    # click, a retry) starts one declaration, not two.
    start_token = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = [F("first_submitted_at").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["declarant", "start_token"], condition=~Q(start_token=""), name="declaration_started_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeclarationStatus.values),
                name="declaration_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(first_submitted_at__isnull=False) & Q(revision__isnull=False)),
                name="declaration_submitted_has_revision",
            ),
            models.CheckConstraint(
                condition=Q(accepted_revision__isnull=True, accepted_at__isnull=True)
                | Q(accepted_revision__isnull=False, accepted_at__isnull=False),
                name="declaration_accepted_revision_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_revision__isnull=False),
                name="declaration_accepted_has_accepted_revision",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_on__isnull=False), name="declaration_ended_has_date"
            ),
            models.CheckConstraint(
                condition=Q(withheld_at__isnull=True) | ~Q(withheld_reason=""), name="declaration_withheld_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(withholding_asked_at__isnull=True) | ~Q(withholding_asked_reason=""),
                name="declaration_withholding_asked_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["declarant", "status"]),
            # The register lists a partnership's declarations newest first, a page at a time.
            models.Index(
                F("partnership"), F("first_submitted_at").desc(), F("id").desc(), name="declaration_register_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Declaration {self.pk}"

    def get_absolute_url(self) -> str:
        return object_url("declarations:declaration-detail", pk=self.pk)

    def may_become(self, status: str) -> bool:
        """Whether TRANSITIONS allow this move; the services enforce it, pages offer only what it allows."""
        return status in self.TRANSITIONS[self.status]

    @property
    def is_unresolved(self) -> bool:
        return self.status in self.UNRESOLVED

    @property
    def is_withheld(self) -> bool:
        return self.withheld_at is not None


class DeclarationRevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(submitted_at__isnull=False).exists():
            raise ValidationError("A submitted revision is never changed: start a new revision instead.")
        return super().update(**kwargs)

    def erase_personal_data(self, **fields):
        # Erasure at the end of the retention period is the one change a submitted revision allows.
        return super().update(**fields)

    def delete(self):
        raise ValidationError("Revisions of a declaration are never deleted.")


class DeclarationRevision(models.Model):
    """One version of what a partner declared. Once submitted it never changes;
    until then it is the partner's draft, filled in one question at a time."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    is_nil = models.BooleanField("nil declaration", default=False, help_text="I have no interests to declare.")
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    situation = models.CharField(max_length=30, choices=Situation.choices, blank=True)
    counterparty_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations_concerning"
    )
    counterparty_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    description = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    arose_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    value = models.DecimalField("estimated value (£)", max_digits=8, decimal_places=2, null=True, blank=True)
    cash_or_vouchers = models.BooleanField(null=True, blank=True)
    from_supplier = models.BooleanField(
        null=True, blank=True, help_text="A gift from a supplier or contractor (of the declarant's organisation)."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    approved_by = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, help_text="Hospitality above the approval limit: who approved it."
    )
    approved_on = models.DateField(null=True, blank=True, help_text="And on what day.")
    # Outside employment and private practice need prior permission (NHS England's guidance).
    permitted_by = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, help_text="Outside employment or private practice: who permitted it."
    )
    permitted_on = models.DateField(null=True, blank=True, help_text="And on what day.")
    practice_place = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, help_text="Private practice: where.")
    practice_times = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, help_text="Private practice: when (days and times)."
    )
    practice_hours = models.DecimalField(
        "hours a week of private practice", max_digits=4, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = DeclarationRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="declaration_revision_number_unique"),
            models.UniqueConstraint(
                fields=["declaration"],
                condition=Q(submitted_at__isnull=True),
                name="one_draft_revision_per_declaration",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["", *Kind.values]),
                name="declaration_revision_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(situation__in=["", *Situation.values]), name="declaration_revision_situation_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "accepted", "declined"]), name="declaration_revision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(arose_on__isnull=True) | Q(ends_on__gte=F("arose_on")),
                name="declaration_revision_ends_after_it_arose",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=0) & Q(value__lte=MAX_GIFT_VALUE)),
                name="declaration_revision_value_plausible",
            ),
            models.CheckConstraint(
                condition=Q(practice_hours__isnull=True) | (Q(practice_hours__gt=0) & Q(practice_hours__lte=168)),
                name="declaration_revision_practice_hours_plausible",
            ),
            models.CheckConstraint(
                condition=Q(is_nil=False)
                | (Q(kind="") & Q(situation="") & Q(counterparty_organisation__isnull=True) & Q(counterparty_name="")),
                name="declaration_revision_nil_has_no_interest",
            ),
            # A submitted interest says what it is, whom it concerns and when it arose.
            models.CheckConstraint(
                condition=(
                    Q(submitted_at__isnull=True)
                    | Q(is_nil=True)
                    | (
                        ~Q(kind="")
                        & ~Q(situation="")
                        & ~Q(description="")
                        & Q(arose_on__isnull=False)
                        & (Q(counterparty_organisation__isnull=False) | ~Q(counterparty_name=""))
                    )
                ),
                name="declaration_revision_submitted_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Declaration {self.declaration_id}, revision {self.number}"

    def save(self, *args, **kwargs):
        if self.pk and type(self)._base_manager.filter(pk=self.pk, submitted_at__isnull=False).exists():
            raise ValidationError("A submitted revision is never changed: start a new revision instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Revisions of a declaration are never deleted.")

    @property
    def unanswered(self) -> str | None:
        """The first question still to answer before this revision can be submitted."""
        if self.is_nil:
            return None
        if not self.kind:
            return "kind"
        if not self.situation:
            return "situation"
        if not (self.counterparty_organisation_id or self.counterparty_name):
            return "concerning"
        if not (self.description and self.arose_on):
            return "details"
        if self.is_valued and (self.value is None or not self.outcome):
            return "details"
        if self.situation == Situation.GIFT and self.cash_or_vouchers is None:
            return "details"
        if self.permission_problems:
            return "details"
        return None

    @property
    def permission_problems(self) -> dict[str, str]:
        """What outside employment or private practice still lacks, by answer: NHS England's
        guidance wants prior permission recorded (who gave it, when), and for private practice
        where, when and how many hours a week. The services refuse a declaration without it,
        whichever page, command or meeting it comes from."""
        problems = {}
        if self.situation in PERMITTED_SITUATIONS:
            if not self.permitted_by.strip():
                problems["permitted_by"] = "Enter who gave you permission"
            if self.permitted_on is None:
                problems["permitted_on"] = "Enter the date permission was given"
        if self.situation == Situation.PRIVATE_PRACTICE:
            if not self.practice_place.strip():
                problems["practice_place"] = "Enter where you practise"
            if not self.practice_times.strip():
                problems["practice_times"] = "Enter when you practise"
            if self.practice_hours is None:
                problems["practice_hours"] = "Enter how many hours a week you practise"
            elif self.practice_hours < MIN_PRACTICE_HOURS:
                problems["practice_hours"] = "Enter at least half an hour a week"
            elif self.practice_hours > HOURS_IN_A_WEEK:
                problems["practice_hours"] = "A week has 168 hours: enter 168 or fewer"
        return problems

    @property
    def is_valued(self) -> bool:
        return self.situation in VALUED_SITUATIONS

    @property
    def counterparty(self) -> str:
        """Whom the interest concerns, as one phrase."""
        names = [self.counterparty_organisation.name] if self.counterparty_organisation_id else []
        if self.counterparty_name and (not names or self.counterparty_name.casefold() != names[0].casefold()):
            names.append(self.counterparty_name)
        return " and ".join(names)

    @property
    def summary(self) -> str:
        if self.is_nil:
            return "No interests to declare"
        # get_FOO_display() would rebuild a dict of the choices on every call: registers call this for every row.
        kind, situation = KIND_LABELS.get(self.kind, self.kind), SITUATION_LABELS.get(self.situation, self.situation)
        return f"{kind} interest: {situation.lower()} concerning {self.counterparty}"


class ManagementAction(models.Model):
    """An action a reviewer set when accepting a revision, to manage the conflict."""

    class Kind(models.TextChoices):
        EXCLUDED_FROM_DECISIONS = (
            "excluded_from_decisions",
            "Excluded from decisions concerning the organisation or person",
        )
        NO_CONFIDENTIAL_PAPERS = "no_confidential_papers", "May not receive confidential papers concerning them"
        STEP_DOWN = "step_down", "Step down from a role"
        OTHER = "other", "Other action"

    revision = models.ForeignKey(DeclarationRevision, on_delete=models.PROTECT, related_name="management_actions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    details = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["revision", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "kind"], name="one_management_action_of_a_kind_per_revision"),
            models.CheckConstraint(
                condition=Q(kind__in=["excluded_from_decisions", "no_confidential_papers", "step_down", "other"]),
                name="management_action_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(details=""), name="management_action_other_has_details"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The action in words, naming whom it concerns (needs the revision's counterparty)."""
        concerning = self.revision.counterparty
        sentence = {
            self.Kind.EXCLUDED_FROM_DECISIONS: f"Excluded from decisions concerning {concerning}",
            self.Kind.NO_CONFIDENTIAL_PAPERS: f"May not receive confidential papers concerning {concerning}",
            self.Kind.STEP_DOWN: "Step down from role",
            self.Kind.OTHER: "",
        }[self.kind]
        if sentence and self.details:
            return f"{sentence}: {self.details}"
        return sentence or self.details


class DispensationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("A dispensation is never changed: it expires by itself on its end date.")

    def delete(self):
        raise ValidationError("A dispensation is never deleted: it stays on the record.")


class Dispensation(models.Model):
    """Leave for the person who made a declaration to take part in decisions despite the interest
    it declares, granted by the partnership's chair or programme manager for a reason, from one
    day to another; outside those days it has no effect, so it expires by itself."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="dispensations")
    reason = models.CharField(max_length=NOTE_MAX_LENGTH)
    starts_on = models.DateField()
    ends_on = models.DateField()
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = DispensationQuerySet.as_manager()

    class Meta:
        ordering = ["declaration", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="dispensation_ends_after_it_starts"),
            models.CheckConstraint(condition=~Q(reason=""), name="dispensation_has_reason"),
        ]
        indexes = [models.Index(fields=["declaration", "ends_on"])]

    def __str__(self) -> str:
        return f"Dispensation on declaration {self.declaration_id}, {self.starts_on} to {self.ends_on}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("A dispensation is never changed: it expires by itself on its end date.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A dispensation is never deleted: it stays on the record.")


class DeclarationEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Only the record that the event's email went out may be added later.
        if set(kwargs) != {"notified_at"}:
            raise ValidationError("The history of a declaration is never changed.")
        return super().update(**kwargs)

    def erase_personal_data(self, **fields):
        # Erasure at the end of the retention period is the one change history allows.
        return super().update(**fields)

    def delete(self):
        raise ValidationError("The history of a declaration is never deleted.")


class DeclarationEvent(models.Model):
    """Append-only history: who moved a declaration, when, from what to what, and why."""

    class Action(models.TextChoices):
        STARTED = "started", "Started"
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Answered and resubmitted"
        UPDATED = "updated", "Updated"
        RETURNED = "returned", "Returned with a question"
        ACCEPTED = "accepted", "Accepted"
        ENDED = "ended", "Ended"
        WITHHELD = "withheld", "Withheld from the public register"
        RELEASED = "released", "Released for the public register"
        WITHHOLDING_ASKED = "withholding_asked", "Asked to be withheld from the public register"
        WITHHOLDING_REFUSED = "withholding_refused", "Withholding refused"

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="events")
    revision = models.ForeignKey(DeclarationRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Declaration.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Declaration.Status.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = DeclarationEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    action__in=[
                        "started",
                        "submitted",
                        "resubmitted",
                        "updated",
                        "returned",
                        "accepted",
                        "ended",
                        "withheld",
                        "released",
                        "withholding_asked",
                        "withholding_refused",
                    ]
                ),
                name="declaration_event_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(from_status__in=["", *Declaration.Status.values])
                & Q(to_status__in=Declaration.Status.values),
                name="declaration_event_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} (declaration {self.declaration_id})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("The history of a declaration is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The history of a declaration is never deleted.")


class AnnualConfirmation(models.Model):
    """Once a year each partner, and each of a partnership's decision-making staff whatever
    their role, is asked to confirm that their declarations to the partnership are complete
    and up to date (or to update them, or to make a nil declaration), and is reminded until
    they do."""

    class How(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed as complete"
        DECLARED = "declared", "Made or updated a declaration"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="annual_confirmations")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="annual_confirmations")
    year = models.PositiveSmallIntegerField()
    requested_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    how = models.CharField(max_length=20, choices=How.choices, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "partnership__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "partnership", "year"], name="one_annual_confirmation_a_year"),
            models.CheckConstraint(
                condition=(Q(confirmed_at__isnull=True) & Q(how=""))
                | (Q(confirmed_at__isnull=False) & Q(how__in=["confirmed", "declared"])),
                name="annual_confirmation_how_when_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.display_name} – {self.partnership}, {self.year}"
