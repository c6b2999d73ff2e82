"""A partnership's meetings: who attended, the agenda and whom each item concerns, what
happened to each conflict of interest, and each item's decision, published once recorded.

The rule comes from NHS practice and the codes Conduct holds: everyone declares their
interests in the agenda's items, a financial interest means leaving the room for the item
and another interest means staying without voting, unless a dispensation lets them take part.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat

from conduct.models import Organisation, Partnership, User
from declarations.models import Declaration, Dispensation
from govuk.object_urls import object_url

PURPOSE_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200
OUTCOME_MAX_LENGTH = 4000


class Handling(models.TextChoices):
    """What happened to a conflicted attendee during an item."""

    LEFT_ROOM = "left_room", "Left the room for the item"
    STAYED_NOT_VOTING = "stayed_not_voting", "Stayed but did not vote"
    DISPENSATION = "dispensation", "Took part under a dispensation"


# From the strictest: an attendee may always be handled more strictly than the rule asks.
STRICTNESS = [Handling.LEFT_ROOM, Handling.STAYED_NOT_VOTING]
RULE_CHOICES = [(value, Handling(value).label) for value in STRICTNESS]


class MeetingPolicy(models.Model):
    """One partnership's rule for attendees with a conflict; without one, the defaults apply."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="meeting_policy")
    financial_interest = models.CharField(
        "an attendee with a financial interest in an item",
        max_length=20,
        choices=RULE_CHOICES,
        default=Handling.LEFT_ROOM,
    )
    other_interest = models.CharField(
        "an attendee with any other interest in an item",
        max_length=20,
        choices=RULE_CHOICES,
        default=Handling.STAYED_NOT_VOTING,
        help_text="Professional, personal and indirect interests.",
    )

    class Meta:
        verbose_name_plural = "meeting policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(financial_interest__in=STRICTNESS) & Q(other_interest__in=STRICTNESS),
                name="meeting_policy_rule_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting policy of {self.partnership}"

    def required_for(self, kind: str) -> str:
        """What the rule asks of an attendee with an interest of this kind (a declarations.Kind)."""
        return self.financial_interest if kind == "financial" else self.other_interest


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PUBLISHED = "published", "Record published"


class Meeting(models.Model):
    """A meeting of a partnership. Its record (conflicts, how each was handled, decisions) is
    kept until the chair publishes it; from then on it never changes."""

    Status = MeetingStatus
    TRANSITIONS = {Status.PLANNED: {Status.PUBLISHED}, Status.PUBLISHED: set()}

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    purpose = models.CharField(max_length=PURPOSE_MAX_LENGTH)
    chair = models.ForeignKey(User, on_delete=models.PROTECT, related_name="meetings_chaired")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(
                condition=Q(status=MeetingStatus.PLANNED, published_at__isnull=True)
                | Q(status=MeetingStatus.PUBLISHED, published_at__isnull=False),
                name="meeting_published_has_date",
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="meeting_has_purpose"),
        ]
        indexes = [models.Index(fields=["partnership", "status", "-held_on"])]

    def __str__(self) -> str:
        return f"Meeting of {self.partnership} on {dateformat.format(self.held_on, 'j F Y')}"

    def get_absolute_url(self) -> str:
        return object_url("meetings:meeting-detail", pk=self.pk)

    def get_public_url(self) -> str:
        return reverse("meetings:public-record", kwargs={"partnership_slug": self.partnership.slug, "pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="meetings_attended")

    class Meta:
        ordering = ["meeting_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendee_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.user.display_name} at {self.meeting}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    confidential = models.BooleanField(
        default=False, help_text="Taken in private: the public record says only that it was, and any conflicts."
    )

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_has_title"),
        ]

    def __str__(self) -> str:
        return f"Item {self.number}: {self.title}"

    def get_decision_url(self) -> str:
        return object_url("meetings:item-decide", pk=self.meeting_id, item_id=self.pk)


class ItemSubject(models.Model):
    """An organisation or person an agenda item concerns, named as typed (spacing tidied);
    an organisation is linked to Conduct's record of it where there is one."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["item_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["organisation", "person"]), name="item_subject_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="item_subject_has_name"),
            models.CheckConstraint(
                condition=Q(kind="organisation") | Q(organisation__isnull=True), name="item_subject_person_no_link"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConflictHandling(models.Model):
    """What happened, under the partnership's rule, to one attendee's conflict on one item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="handlings")
    attendee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="+", help_text="The declared interest it was about."
    )
    handling = models.CharField(max_length=20, choices=Handling.choices)
    dispensation = models.ForeignKey(Dispensation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "attendee"], name="one_handling_per_attendee_and_item"),
            models.CheckConstraint(condition=Q(handling__in=Handling.values), name="conflict_handling_valid"),
            models.CheckConstraint(
                condition=Q(handling=Handling.DISPENSATION, dispensation__isnull=False)
                | (~Q(handling=Handling.DISPENSATION) & Q(dispensation__isnull=True)),
                name="conflict_handling_dispensation_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_handling_display()} ({self.item})"


class ItemDecision(models.Model):
    """What was decided on an item, and who took part in deciding it."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=OUTCOME_MAX_LENGTH)
    participants = models.ManyToManyField(User, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(outcome=""), name="item_decision_has_outcome")]

    def __str__(self) -> str:
        return f"Decision on {self.item}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("A decision, once recorded, is never changed.")
        super().save(*args, **kwargs)
