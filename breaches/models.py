"""Breach cases: a concern about a partner organisation (and perhaps a person
in it), triaged by the programme manager, handled informally or by a panel,
decided fairly and closed, with every move recorded."""

import datetime
import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from conduct.models import (
    CodeVersion,
    Item,
    Organisation,
    Partnership,
    Principle,
    Role,
    Suspension,
    User,
)
from govuk.object_urls import object_url

from .deadlines import ACKNOWLEDGEMENT_WARNING_DAYS, FEEDBACK_WARNING_DAYS
from .evidence import KINDS, evidence_storage

# Limits shared by the forms and the database, so nothing typed is ever cut short.
NAME_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 10_000


class BreachPolicy(models.Model):
    """One partnership's timescales for breach cases, edited on the partnership's policies page
    (every field but the partnership appears there, with its limits). A partnership without one
    uses these defaults."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="breach_policy")
    repeat_window_months = models.PositiveSmallIntegerField(
        "continued-breach window (months)",
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        default=24,
        help_text="A breach upheld this many months ago or less makes a new one 'continued'.",
    )
    triage_target_working_days = models.PositiveSmallIntegerField(
        "triage target (working days)",
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        default=5,
        help_text="Working days (Monday to Friday) from the report to triage.",
    )
    acknowledgement_days = models.PositiveSmallIntegerField(
        "acknowledgement time (days)",
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        default=7,
        help_text="Days from the report to acknowledging it to the reporter.",
    )
    feedback_months = models.PositiveSmallIntegerField(
        "feedback time (months)",
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        default=3,
        help_text="Months from the report to telling the reporter what is being done.",
    )
    response_days = models.PositiveSmallIntegerField(
        "time to respond (days)",
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        default=14,
        help_text="Days the respondent has to respond in writing before a decision can be made without it.",
    )
    decision_target_working_days = models.PositiveSmallIntegerField(
        "decision target (working days)",
        validators=[MinValueValidator(1), MaxValueValidator(260)],
        default=20,
        help_text="Working days from triage to a decision.",
    )
    panel_size = models.PositiveSmallIntegerField(
        "panel size (members)",
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        default=3,
        help_text="How many members sit on the panel that decides a formal case or hears an appeal.",
    )
    panel_unanimous = models.BooleanField(
        "a panel decides only when unanimous",
        default=False,
        help_text="A panel decides only when every member agrees; otherwise the majority decides.",
    )
    warning_expiry_months = models.PositiveSmallIntegerField(
        "warning expiry (months)",
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        default=12,
        help_text="Months a formal warning stays live, and counts towards a 'continued' breach.",
    )
    appeal_window_days = models.PositiveSmallIntegerField(
        "appeal window (days)",
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        default=14,
        help_text="Days from a formal decision in which the respondent may appeal against it.",
    )

    class Meta:
        verbose_name_plural = "breach policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_window_months__gte=1)
                & Q(triage_target_working_days__gte=1)
                & Q(acknowledgement_days__gte=1)
                & Q(feedback_months__gte=1)
                & Q(response_days__gte=1)
                & Q(decision_target_working_days__gte=1),
                name="breach_policy_periods_positive",
            ),
            models.CheckConstraint(
                condition=Q(panel_size__gte=1) & Q(warning_expiry_months__gte=1) & Q(appeal_window_days__gte=1),
                name="breach_policy_panel_and_appeal_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach policy of {self.partnership}"


@dataclass(frozen=True)
class CaseDeadlines:
    age_days: int
    triage_overdue: bool
    decision_overdue: bool
    acknowledgement_due_soon: bool
    feedback_due_soon: bool


REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def case_reference_new() -> str:
    """How people name a case: BC-7K3MQ-X9PDA, ten random characters of Crockford's
    base 32 (50 bits, so two cases never share one), which say nothing of how many
    cases there are. Cases from before kept their BC-00042."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"BC-{code[:5]}-{code[5:]}"


# At module level, so that the model's constraints can name the values.
class BreachCaseStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    INFORMAL = "informal", "Informal resolution"
    FORMAL = "formal", "Formal investigation"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BreachCase(models.Model):
    Status = BreachCaseStatus

    class Action(models.TextChoices):
        REPORT = "report", "Reported"
        TRIAGE = "triage", "Triaged"
        ESCALATE = "escalate", "Escalated to the panel"
        DE_ESCALATE = "de_escalate", "Returned to informal resolution"
        CONVENE = "convene", "Panel convened"
        DECIDE = "decide", "Decided"
        CLOSE = "close", "Closed"
        WITHDRAW = "withdraw", "Withdrawn"
        APPEAL = "appeal", "Appealed"
        APPEAL_CONVENE = "appeal_convene", "Appeal panel convened"
        APPEAL_DECIDE = "appeal_decide", "Appeal decided"
        PUBLISH = "publish", "Published on the anonymised register"
        # Not a move: the case stays where it is, and the history keeps who needed to know and why.
        REVEAL = "reveal", "Reporter's identity revealed to someone handling the case"

    class Track(models.TextChoices):
        INFORMAL = "informal", "Informal, by the programme manager"
        FORMAL = "formal", "Formal, by the panel"

    class Identity(models.TextChoices):
        CONFIDENTIAL = "confidential", "Confidential"
        ANONYMOUS = "anonymous", "Anonymous"

    class Severity(models.TextChoices):
        MINOR = "minor", "Minor"
        SERIOUS = "serious", "Serious"

    class Deliberate(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    class Outcome(models.TextChoices):
        NOT_UPHELD = "not_upheld", "Not upheld"
        RESOLVED_INFORMALLY = "resolved_informally", "Upheld and resolved informally"
        FORMAL_WARNING = "formal_warning", "Formal warning"
        SUSPENSION = "suspension", "Suspension"
        TERMINATION = "termination", "Termination of partnership"

    # The only moves a case can make: (action, from status) -> (to statuses, the
    # role that may make it). Administrators hold every role. Services enforce it.
    TRANSITIONS = {
        (Action.TRIAGE, Status.REPORTED): ({Status.INFORMAL, Status.FORMAL}, Role.PROGRAMME_MANAGER),
        (Action.ESCALATE, Status.INFORMAL): ({Status.FORMAL}, Role.PROGRAMME_MANAGER),
        (Action.DE_ESCALATE, Status.FORMAL): ({Status.INFORMAL}, Role.PROGRAMME_MANAGER),
        (Action.DECIDE, Status.INFORMAL): ({Status.DECIDED}, Role.PROGRAMME_MANAGER),
        (Action.DECIDE, Status.FORMAL): ({Status.DECIDED}, Role.PANEL_MEMBER),
        (Action.CLOSE, Status.DECIDED): ({Status.CLOSED}, Role.PROGRAMME_MANAGER),
        (Action.WITHDRAW, Status.REPORTED): ({Status.WITHDRAWN}, Role.PROGRAMME_MANAGER),
        (Action.WITHDRAW, Status.INFORMAL): ({Status.WITHDRAWN}, Role.PROGRAMME_MANAGER),
        (Action.WITHDRAW, Status.FORMAL): ({Status.WITHDRAWN}, Role.PROGRAMME_MANAGER),
        # Publishing an anonymised account leaves the case where it is.
        (Action.PUBLISH, Status.DECIDED): ({Status.DECIDED}, Role.PROGRAMME_MANAGER),
        (Action.PUBLISH, Status.CLOSED): ({Status.CLOSED}, Role.PROGRAMME_MANAGER),
    }
    OPEN = (Status.REPORTED, Status.INFORMAL, Status.FORMAL)
    OUTCOMES = {
        Track.INFORMAL: (Outcome.NOT_UPHELD, Outcome.RESOLVED_INFORMALLY),
        Track.FORMAL: (Outcome.NOT_UPHELD, Outcome.FORMAL_WARNING, Outcome.SUSPENSION, Outcome.TERMINATION),
    }
    UPHELD = (Outcome.RESOLVED_INFORMALLY, Outcome.FORMAL_WARNING, Outcome.SUSPENSION, Outcome.TERMINATION)

    # What the concern is about.
    reference = models.CharField(max_length=20, unique=True, default=case_reference_new, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="breach_cases")
    respondent_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="breach_cases")
    respondent_person_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    incident_date = models.DateField()
    incident_place = models.CharField(max_length=PLACE_MAX_LENGTH)
    description = models.TextField(max_length=TEXT_MAX_LENGTH)
    code_version = models.ForeignKey(
        CodeVersion, on_delete=models.PROTECT, related_name="+", help_text="The version in force on the incident date."
    )
    cited_items = models.ManyToManyField(Item, blank=True, related_name="+")
    cited_principles = models.ManyToManyField(Principle, blank=True, related_name="+")
    confidentiality_breach = models.BooleanField(default=False)

    # Who reported it: seen only by the programme manager and those handling the case.
    identity = models.CharField(max_length=20, choices=Identity.choices)
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reporter_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    reporter_email = models.EmailField(blank=True)
    receipt_code_sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The hash of the one-off value the report form carried: the same form sent twice,
    # or twenty times at once, makes one case.
    submission_sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    reported_at = models.DateTimeField()

    # Deadlines fixed from the partnership's policy when the report arrives.
    triage_due_on = models.DateField()
    acknowledge_due_on = models.DateField()
    feedback_due_on = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_given_at = models.DateTimeField(null=True, blank=True)

    # Triage and routing.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REPORTED)
    track = models.CharField(max_length=20, choices=Track.choices, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)
    deliberate = models.CharField(max_length=20, choices=Deliberate.choices, blank=True)
    continued = models.BooleanField(null=True, blank=True)
    routing_reason = models.TextField(blank=True)
    respondent_summary = models.TextField(
        max_length=TEXT_MAX_LENGTH, blank=True, help_text="What the respondent is told the concern is."
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    respondent_notified_at = models.DateTimeField(null=True, blank=True)
    response_due_on = models.DateField(null=True, blank=True)
    decision_due_on = models.DateField(
        null=True, blank=True, help_text="Set at triage from the policy's decision target."
    )

    # The decision.
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    finding = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    reasons = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    wider_causes = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    lessons = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    suspension = models.ForeignKey(
        Suspension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The suspension this decision started, which an appeal may lift.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # Counts the case's moves; a form carries the number it was shown, so that
    # of two people acting at once only the first succeeds.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BreachCaseStatus.values),
                name="breach_case_status_valid",
            ),
            models.CheckConstraint(condition=Q(track__in=["", "informal", "formal"]), name="breach_case_track_valid"),
            models.CheckConstraint(
                condition=Q(severity__in=["", "minor", "serious"]), name="breach_case_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(deliberate__in=["", "yes", "no", "not_known"]), name="breach_case_deliberate_valid"
            ),
            models.CheckConstraint(
                condition=Q(identity__in=["confidential", "anonymous"]), name="breach_case_identity_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    outcome__in=["", "not_upheld", "resolved_informally", "formal_warning", "suspension", "termination"]
                ),
                name="breach_case_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~Q(identity="anonymous") | Q(reporter__isnull=True, reporter_name="", reporter_email=""),
                name="breach_case_anonymous_has_no_identity",
            ),
            models.CheckConstraint(
                condition=~Q(identity="confidential") | Q(reporter__isnull=False) | ~Q(reporter_name=""),
                name="breach_case_confidential_is_named",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["reported", "withdrawn"]) | ~Q(track=""))
                & (~Q(status="reported") | Q(track=""))
                & (~Q(status="informal") | Q(track="informal"))
                & (~Q(status="formal") | Q(track="formal")),
                name="breach_case_track_matches_status",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["decided", "closed"]) & ~Q(outcome="") & Q(decided_at__isnull=False))
                | (~Q(status__in=["decided", "closed"]) & Q(outcome="")),
                name="breach_case_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(outcome="")
                | Q(track="informal", outcome__in=["not_upheld", "resolved_informally"])
                | Q(track="formal", outcome__in=["not_upheld", "formal_warning", "suspension", "termination"]),
                name="breach_case_outcome_fits_track",
            ),
            models.CheckConstraint(
                condition=Q(outcome="suspension", suspended_until__isnull=False)
                | (~Q(outcome="suspension") & Q(suspended_until__isnull=True)),
                name="breach_case_suspension_has_end",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["respondent_organisation", "partnership"]),
        ]

    def __str__(self) -> str:
        return f"Case {self.reference}"

    def get_absolute_url(self) -> str:
        return object_url("breaches:case-detail", pk=self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def standing_outcome(self) -> str:
        """The outcome that stands: the appeal's, once one is decided, or the case's own.
        (Read with select_related("appeal"), or it costs a query.)"""
        try:
            appeal = self.appeal
        except Appeal.DoesNotExist:
            return self.outcome
        return appeal.outcome or self.outcome

    @property
    def is_upheld(self) -> bool:
        return self.standing_outcome in self.UPHELD

    def deadlines_on(self, today: datetime.date) -> "CaseDeadlines":
        """Where the case stands against its deadlines on a day: a list of cases
        asks once for today rather than once per flag of each case."""
        running = self.is_running
        return CaseDeadlines(
            age_days=(today - timezone.localdate(self.reported_at)).days,
            triage_overdue=self.status == self.Status.REPORTED and today > self.triage_due_on,
            decision_overdue=(
                self.status in (self.Status.INFORMAL, self.Status.FORMAL)
                and self.decision_due_on is not None
                and today > self.decision_due_on
            ),
            acknowledgement_due_soon=(
                running
                and self.acknowledged_at is None
                and (self.acknowledge_due_on - today).days <= ACKNOWLEDGEMENT_WARNING_DAYS
            ),
            feedback_due_soon=(
                running
                and self.feedback_given_at is None
                and (self.feedback_due_on - today).days <= FEEDBACK_WARNING_DAYS
            ),
        )

    @property
    def deadlines(self) -> "CaseDeadlines":
        return self.deadlines_on(timezone.localdate())

    @property
    def is_running(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.WITHDRAWN)

    @property
    def response_window_open(self) -> bool:
        return self.response_due_on is not None and timezone.localdate() <= self.response_due_on


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The history of a case is never changed.")

    def erase_personal_data(self, **fields):
        # Erasure at the end of the retention period is the one change history allows.
        return super().update(**fields)

    def delete(self):
        raise ValidationError("The history of a case is never deleted.")


class AppendOnlyModel(models.Model):
    """Written once, never changed or deleted, at any door."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("The history of a case is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The history of a case is never deleted.")


class CaseEvent(AppendOnlyModel):
    """One move of a case: who made it, when and why."""

    case = models.ForeignKey(BreachCase, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20, choices=BreachCase.Action.choices)
    from_status = models.CharField(max_length=20, choices=BreachCase.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=BreachCase.Status.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=BreachCase.Action.values),
                name="case_event_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(from_status__in=["", *BreachCaseStatus.values]) & Q(to_status__in=BreachCaseStatus.values),
                name="case_event_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status or '—'} → {self.to_status}"


class CaseMessage(AppendOnlyModel):
    """What passes between the people handling a case, the reporter and the respondent."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        QUESTION = "question", "Question"
        FEEDBACK = "feedback", "Feedback"
        REPORTER_INFORMATION = "reporter_information", "Information from the reporter"
        RESPONSE = "response", "Response from the respondent"

    TO_REPORTER = (Kind.ACKNOWLEDGEMENT, Kind.QUESTION, Kind.FEEDBACK)

    case = models.ForeignKey(BreachCase, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    author = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a reporter without an account.",
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["acknowledgement", "question", "feedback", "reporter_information", "response"]),
                name="case_message_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case}"

    @property
    def is_to_reporter(self) -> bool:
        return self.kind in self.TO_REPORTER


class CaseNote(AppendOnlyModel):
    """A note those handling a case keep for each other: never shown to the reporter or the respondent."""

    case = models.ForeignKey(BreachCase, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.case}"


class Panel(models.Model):
    """The members convened to decide a formal case. Convened once, never changed:
    its rule (size, majority or unanimity) is the partnership's policy on the day."""

    case = models.ForeignKey(BreachCase, on_delete=models.PROTECT, related_name="panels")
    appeal = models.OneToOneField(
        "Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel",
        help_text="Empty for the panel that decides the case; set for the one that hears its appeal.",
    )
    size = models.PositiveSmallIntegerField()
    unanimous = models.BooleanField()
    convened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(User, through="PanelMember", related_name="breach_panels")

    class Meta:
        ordering = ["convened_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="panel_size_positive"),
        ]

    def __str__(self) -> str:
        return f"Panel on {self.case}"

    @property
    def rule(self) -> str:
        return "every member must agree" if self.unanimous else "the majority decides"


class PanelMember(AppendOnlyModel):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="seats")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["panel", "member"], name="one_seat_per_panel_member")]

    def __str__(self) -> str:
        return f"{self.member} on {self.panel}"


class PanelView(AppendOnlyModel):
    """One member's view of the outcome, with reasons: recorded once, kept whatever the panel decides."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="views")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=30, choices=BreachCase.Outcome.choices)
    reasons = models.TextField(max_length=TEXT_MAX_LENGTH)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "member"], name="one_view_per_panel_member"),
            models.CheckConstraint(
                condition=Q(outcome__in=["not_upheld", "formal_warning", "suspension", "termination"]),
                name="panel_view_outcome_formal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_outcome_display()} ({self.panel})"


class AppealStatus(models.TextChoices):
    LODGED = "lodged", "Lodged"
    DECIDED = "decided", "Decided"


class Appeal(models.Model):
    """The respondent's appeal against a formal decision, heard by a second panel. The
    decision appealed against stays as it was on the case; the appeal holds what now stands."""

    Status = AppealStatus

    class Result(models.TextChoices):
        UPHELD = "upheld", "Decision upheld"
        OVERTURNED = "overturned", "Decision overturned"
        VARIED = "varied", "Decision varied"

    # Only an upheld formal decision is appealed: there is nothing to appeal against in "not upheld".
    APPEALABLE = (
        BreachCase.Outcome.FORMAL_WARNING,
        BreachCase.Outcome.SUSPENSION,
        BreachCase.Outcome.TERMINATION,
    )

    case = models.OneToOneField(BreachCase, on_delete=models.PROTECT, related_name="appeal")
    grounds = models.TextField(max_length=TEXT_MAX_LENGTH)
    lodged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LODGED)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    outcome = models.CharField(
        max_length=30, choices=BreachCase.Outcome.choices, blank=True, help_text="The outcome that stands after it."
    )
    suspended_until = models.DateField(null=True, blank=True)
    suspension = models.ForeignKey(
        Suspension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The suspension a variation to suspension started.",
    )
    reasons = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"),
            models.CheckConstraint(
                condition=(
                    Q(status=AppealStatus.DECIDED)
                    & Q(result__in=["upheld", "overturned", "varied"])
                    & Q(outcome__in=["not_upheld", "formal_warning", "suspension", "termination"])
                    & Q(decided_at__isnull=False)
                )
                | (Q(status=AppealStatus.LODGED) & Q(result="") & Q(outcome="")),
                name="appeal_decided_has_result",
            ),
            models.CheckConstraint(
                condition=Q(outcome="suspension", suspended_until__isnull=False)
                | (~Q(outcome="suspension") & Q(suspended_until__isnull=True)),
                name="appeal_suspension_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal on {self.case}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()

    @property
    def outcome_phrase(self) -> str:
        """What the appeal decided, in words: "Decision varied: formal warning"."""
        if not self.result:
            return ""
        if self.result == self.Result.VARIED:
            until = f", until {self.suspended_until:%-d %B %Y}" if self.suspended_until else ""
            return f"{self.get_result_display()}: {self.get_outcome_display().lower()}{until}"
        return self.get_result_display()


def evidence_path(evidence: "Evidence", filename: str) -> str:
    # The name given by the uploader is kept in the database only, never in a path.
    return f"case-{evidence.case_id}/{uuid.uuid4().hex}.{KINDS[evidence.content_type].extension}"


class PublishedCase(models.Model):
    """A decided case as the partnership's public register of breaches shows it, so that
    lessons are shared: the items of the code cited, the track, the outcome, the month it
    was decided, and only the words the programme manager wrote for publication. Nothing
    here names or points to a person or organisation; it is copied at publishing and
    never changed."""

    case = models.OneToOneField(BreachCase, on_delete=models.PROTECT, related_name="publication")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="published_cases")
    track = models.CharField(max_length=20, choices=BreachCase.Track.choices)
    outcome = models.CharField(max_length=30, choices=BreachCase.Outcome.choices)
    decided_in = models.DateField(help_text="The first day of the month the case was decided in.")
    cited_items = models.ManyToManyField(Item, blank=True, related_name="+")
    cited_principles = models.ManyToManyField(Principle, blank=True, related_name="+")
    summary = models.TextField(max_length=TEXT_MAX_LENGTH, help_text="What happened, written for publication.")
    lessons = models.TextField(max_length=TEXT_MAX_LENGTH, help_text="The lessons, written for publication.")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided_in", "-published_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "-decided_in"])]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_outcome_display()}, {self.decided_in:%B %Y}"


class EvidenceScan(models.TextChoices):
    NOT_SCANNED = "not_scanned", "Not scanned (no virus scanner was configured)"
    HELD = "held", "Being checked for viruses"
    CLEAN = "clean", "Scanned: no virus found"
    REFUSED = "refused", "Refused: it contained a virus"


class Evidence(models.Model):
    class Source(models.TextChoices):
        REPORTER = "reporter", "The reporter"
        RESPONDENT = "respondent", "The respondent"

    Scan = EvidenceScan

    # A held file waits for the scanner's verdict, however many times it is tried.
    SCAN_TRANSITIONS = {Scan.HELD: {Scan.CLEAN, Scan.REFUSED}}
    SERVED = {Scan.NOT_SCANNED, Scan.CLEAN}

    case = models.ForeignKey(BreachCase, on_delete=models.PROTECT, related_name="evidence")
    source = models.CharField(max_length=20, choices=Source.choices)
    file = models.FileField(storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scan = models.CharField(max_length=20, choices=Scan.choices, default=Scan.NOT_SCANNED)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_attempts = models.PositiveIntegerField(default=0)
    virus_found = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=["reporter", "respondent"]), name="evidence_source_valid"),
            models.CheckConstraint(condition=Q(content_type__in=list(KINDS)), name="evidence_content_type_accepted"),
            models.CheckConstraint(condition=Q(scan__in=EvidenceScan.values), name="evidence_scan_valid"),
            # A refused file is deleted: only the record that it was refused, and why, remains.
            models.CheckConstraint(
                condition=~Q(scan=EvidenceScan.REFUSED) | (Q(file="") & ~Q(virus_found="")),
                name="evidence_refused_is_not_kept",
            ),
        ]
        indexes = [models.Index(fields=["scan"], condition=Q(scan=EvidenceScan.HELD), name="evidence_held")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("breaches:evidence-download", kwargs={"pk": self.pk})

    @property
    def is_served(self) -> bool:
        return self.scan in self.SERVED

    @property
    def download_name(self) -> str:
        """The uploader's name for the file with the extension of what it was found to
        be: `minutes.hta` holding text downloads as `minutes.txt`, so the name never
        tells a computer to run it as something else."""
        stem = self.original_name.rsplit(".", 1)[0].strip(" .") or "evidence"
        return f"{stem}.{KINDS[self.content_type].extension}"


class CaseEmail(models.Model):
    """An email a step of the case sends, recorded in the step's transaction and
    sent by Celery once it commits; sent once, however often the task runs."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "New report, to the programme manager"
        CONFIDENTIALITY = "confidentiality", "Breach of confidentiality, to the programme manager"
        RECEIVED = "received", "Report received, to the reporter"
        RESPONDENT_TOLD = "respondent_told", "Case opened, to the respondent"
        PANEL_REFERRAL = "panel_referral", "Case for the panel, to the panel"
        TRACK_CHANGED = "track_changed", "Track changed, to the respondent"
        TO_REPORTER = "to_reporter", "Message, to the reporter"
        REPORTER_INFORMATION = "reporter_information", "Information from the reporter, to those handling the case"
        RESPONSE = "response", "Response from the respondent, to those handling the case"
        DECISION = "decision", "Decision, to the respondent"
        CLOSED = "closed", "Case closed or withdrawn, to the reporter and the respondent"
        TRIAGE_OVERDUE = "triage_overdue", "Triage overdue, to the programme manager"
        DECISION_OVERDUE = "decision_overdue", "Decision overdue, to those deciding"
        ACKNOWLEDGEMENT_DUE = (
            "acknowledgement_due",
            "Acknowledgement to the reporter due soon, to the programme manager",
        )
        FEEDBACK_DUE = "feedback_due", "Feedback to the reporter due soon, to the programme manager"
        APPEAL = "appeal", "Appeal lodged, to the programme manager and the chair"
        APPEAL_DECISION = "appeal_decision", "Appeal decided, to the respondent and the programme manager"

    case = models.ForeignKey(BreachCase, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "reported",
                        "confidentiality",
                        "received",
                        "respondent_told",
                        "panel_referral",
                        "track_changed",
                        "to_reporter",
                        "reporter_information",
                        "response",
                        "decision",
                        "closed",
                        "triage_overdue",
                        "decision_overdue",
                        "acknowledgement_due",
                        "feedback_due",
                        "appeal",
                        "appeal_decision",
                    ]
                ),
                name="case_email_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"
