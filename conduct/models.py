"""Partnerships, organisations, partners, codes of conduct, their versions and signatures."""

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from govuk.object_urls import object_url


class User(AbstractUser):
    """Anyone who logs in: a partner, a programme manager, an administrator."""

    email = models.EmailField("email address", unique=True)

    class Meta(AbstractUser.Meta):
        indexes = [
            # Counting who is expected to sign joins thousands of partners to
            # their users only to ask whether each is active: this answers from the index.
            models.Index(fields=["id"], condition=Q(is_active=True), name="active_users"),
            # The signature dashboard's tallies rule out the few closed accounts instead.
            models.Index(fields=["id"], condition=Q(is_active=False), name="inactive_users"),
            # A partnership's people list walks accounts in name order and stops at a page's
            # fifty, rather than joining and sorting every partner of the partnership.
            models.Index(fields=["last_name", "first_name", "id"], name="users_by_name"),
        ]

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.username)


def display_name(first_name: str, last_name: str, username: str) -> str:
    """A person as the pages name them: their full name, or their username if they gave none."""
    return f"{first_name} {last_name}".strip() or username


class Principle(models.Model):
    """One of the seven principles of public life: a shared catalogue that
    breach reports can cite across codes, whatever each code's own wording."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    """A code of conduct, e.g. "The Health Creation Alliance Code of Conduct";
    what it says lives in its versions."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    owner = models.CharField(max_length=200, help_text="The body that publishes the code, under its current name.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conduct:code-detail", kwargs={"code_slug": self.slug})


class PartnershipKind(models.TextChoices):
    ALLIANCE = "alliance", "Alliance"
    COALITION = "coalition", "Coalition"
    COUNCIL_PARTNERSHIP = "council_partnership", "Council partnership"
    NHS_BODY = "nhs_body", "NHS body"
    INTEGRATED_CARE = "integrated_care", "Integrated care partnership or board"
    PRIMARY_CARE_NETWORK = "primary_care_network", "Primary care network"
    VOLUNTARY_SECTOR_ALLIANCE = "voluntary_sector_alliance", "Voluntary sector alliance"
    OTHER = "other", "Other"


class Partnership(models.Model):
    Kind = PartnershipKind

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    code = models.ForeignKey(
        Code, on_delete=models.PROTECT, related_name="partnerships", help_text="The code this partnership adopts."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PartnershipKind.values),
                name="partnership_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", kwargs={"slug": self.slug})


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    contact = models.ForeignKey(
        "Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner told of a concern that names someone with no account here (organisation_contact_set).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An organisation's membership of a partnership, from its start to its end."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["partnership__name", "organisation__name", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["organisation", "partnership"],
                condition=Q(ended_on__isnull=True),
                name="one_open_membership_per_partnership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class Suspension(models.Model):
    """An organisation, or one named person in it, suspended from a partnership
    for a period by a decision recorded elsewhere (a breach case), whose
    reference the reason cites. While it runs they take part in no decision.
    Lifted once: on its end date, or earlier when an appeal overturns it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="suspensions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="suspensions")
    person_name = models.CharField(max_length=200, blank=True, help_text="Empty: every partner of the organisation.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="suspension_ends_after_start"),
        ]
        indexes = [models.Index(fields=["organisation", "lifted_at"])]

    def __str__(self) -> str:
        who = f"{self.person_name} of {self.organisation}" if self.person_name else str(self.organisation)
        return f"{who} suspended from {self.partnership} until {self.ends_on}"


class Partner(models.Model):
    """A person in a member organisation."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="partner")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partners")
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.organisation})"


class Role(models.TextChoices):
    """The roles someone may hold for a partnership beyond being a partner; each partnership may rename them."""

    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    DECLARATIONS_REVIEWER = "declarations_reviewer", "Reviewer of declarations"
    PANEL_MEMBER = "panel_member", "Panel member (formal breach cases)"
    CHAIR = "chair", "Chair"
    ADMINISTRATOR = "administrator", "Administrator"
    # NHS England's guidance: staff who take decisions (on spending, contracts, commissioning)
    # declare on appointment and at least yearly, and the published register covers them.
    DECISION_MAKER = "decision_maker", "Decision-making staff"


class PartnershipRole(models.Model):
    """A role someone holds for one partnership, beyond being a partner."""

    Role = Role

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="partnership_roles")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)
    # Set by the doors that ask a decision-maker to declare on appointment (role_grant, the people
    # import): the round of annual confirmations under way counts that as its ask. Empty for roles
    # made otherwise (before this was recorded, or straight into the table), whom the round asks.
    granted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="one_role_per_user_partnership"),
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="partnership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name}: {self.get_role_display()}, {self.partnership}"


class RoleLabel(models.Model):
    """What one partnership calls a role, as its own code names it ("Partnership Manager")."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="role_labels")
    role = models.CharField(max_length=30, choices=Role.choices)
    label = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "role"], name="one_label_per_partnership_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_label_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_role_display()}), {self.partnership}"


class PublishedVersionImmutable(ValidationError):
    """A published, superseded or withdrawn version was asked to change."""

    def __init__(self, version: "CodeVersion | None" = None):
        label = f" ({version})" if version else ""
        super().__init__(
            f"This version{label} has been published and can never be changed. Start a new draft from it instead."
        )


class ImmutableWhenPublishedQuerySet(models.QuerySet):
    """Bulk updates and deletes go through here too, so they must not touch
    the content of a version that is no longer a draft."""

    version_path = "version"

    def _published_rows(self):
        return self.exclude(**{f"{self.version_path}__status": CodeVersion.Status.DRAFT})

    def update(self, **kwargs):
        if self._published_rows().exists():
            raise PublishedVersionImmutable()
        return super().update(**kwargs)

    def delete(self):
        if self._published_rows().exists():
            raise PublishedVersionImmutable()
        return super().delete()


class CodeVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Only the bookkeeping of publishing, superseding and withdrawing may
        # touch a version that has left draft, and the review schedule only
        # while the version is the published one.
        fields = set(kwargs)
        if (
            "status" in kwargs
            and self.filter(status__in=CodeVersion.statuses_that_cannot_become(kwargs["status"])).exists()
        ):
            raise PublishedVersionImmutable()
        if fields - CodeVersion.BOOKKEEPING_FIELDS and self.exclude(status=CodeVersion.Status.DRAFT).exists():
            raise PublishedVersionImmutable()
        if (
            fields & CodeVersion.REVIEW_FIELDS
            and self.exclude(status__in=[CodeVersion.Status.DRAFT, CodeVersion.Status.PUBLISHED]).exists()
        ):
            raise PublishedVersionImmutable()
        return super().update(**kwargs)

    def delete(self):
        if self.exclude(status=CodeVersion.Status.DRAFT).exists():
            raise PublishedVersionImmutable()
        return super().delete()


# At module level, so that the model's constraints can name the values.
class CodeVersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CodeVersion(models.Model):
    Status = CodeVersionStatus

    # The only moves a version can make; services enforce them.
    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.SUPERSEDED, Status.WITHDRAWN},
        Status.SUPERSEDED: set(),
        Status.WITHDRAWN: set(),
    }
    STATUS_FIELDS = {
        "status",
        "published_at",
        "published_by",
        "published_by_id",
        "ended_at",
        "canonical_sha256",
        "canonical_format",
    }
    # The review schedule is bookkeeping about a version, not its text: an
    # administrator sets a missing review date, and a full review resets it.
    REVIEW_FIELDS = {"last_full_review_on", "light_touch_review_months", "full_review_months"}
    BOOKKEEPING_FIELDS = STATUS_FIELDS | REVIEW_FIELDS

    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(help_text="1 for the first version of a code, then 2, 3…")
    title = models.CharField(max_length=200, help_text="The title as this version gives it.")
    label = models.CharField(
        max_length=100, blank=True, help_text='How the version names itself, e.g. "Draft October 2020".'
    )
    version_date = models.DateField(null=True, blank=True, help_text="The date the version carries.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    preamble = models.TextField(blank=True)
    last_full_review_on = models.DateField(
        "date of last full review", null=True, blank=True, help_text="Left empty where the code gives none."
    )
    light_touch_review_months = models.PositiveSmallIntegerField(default=12)
    full_review_months = models.PositiveSmallIntegerField(default=36)
    created_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="drafts_made_from_it"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it was superseded or withdrawn.")
    canonical_sha256 = models.CharField(max_length=64, blank=True)
    canonical_format = models.PositiveSmallIntegerField(
        default=2, help_text="The format of the canonical text its hash covers (see conduct/canonical_text.py)."
    )

    objects = CodeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="version_number_unique_per_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="one_published_version_per_code"
            ),
            models.UniqueConstraint(fields=["code"], condition=Q(status="draft"), name="one_draft_per_code"),
            models.CheckConstraint(
                condition=Q(status__in=CodeVersionStatus.values),
                name="code_version_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="code_version_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(light_touch_review_months__gte=1) & Q(full_review_months__gte=1),
                name="code_version_review_cadence_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.name}"

    def save(self, *args, **kwargs):
        if self.pk and not self._change_allowed(kwargs.get("update_fields")):
            raise PublishedVersionImmutable(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("conduct:version-detail", kwargs={"code_slug": self.code.slug, "number": self.number})

    @property
    def name(self) -> str:
        """The version as people know it: the document's own label ("Version 2", "Draft October 2020"),
        or its number where the document gives none. The number itself is internal."""
        return self.label or f"version {self.number}"

    @property
    def draft_name(self) -> str:
        """A draft as people call it ("draft version 3", "draft Version 2"), without saying
        "draft" twice where the document's label already does ("Draft October 2020")."""
        return self.name if self.label.lower().startswith("draft") else f"draft {self.name}"

    @classmethod
    def statuses_that_cannot_become(cls, status: str) -> list[str]:
        return [current for current, allowed in cls.TRANSITIONS.items() if current != status and status not in allowed]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_signable(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _change_allowed(self, update_fields) -> bool:
        stored = type(self)._base_manager.filter(pk=self.pk).values("status").first()
        if stored is None:
            return True
        if self.status != stored["status"] and self.status not in self.TRANSITIONS[stored["status"]]:
            return False
        if stored["status"] == self.Status.DRAFT:
            return True
        # Once published, only the bookkeeping may be saved.
        if update_fields is None or not set(update_fields) <= self.BOOKKEEPING_FIELDS:
            return False
        return stored["status"] == self.Status.PUBLISHED or not set(update_fields) & self.REVIEW_FIELDS

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise PublishedVersionImmutable(self)
        return super().delete(*args, **kwargs)


class ContentOfDraftOnlyMixin:
    """Sections and items change only while their version is a draft."""

    def _version_status(self) -> str:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        if self._version_status() != CodeVersion.Status.DRAFT:
            raise PublishedVersionImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_status() != CodeVersion.Status.DRAFT:
            raise PublishedVersionImmutable()
        return super().delete(*args, **kwargs)


class SectionQuerySet(ImmutableWhenPublishedQuerySet):
    version_path = "version"


class Section(ContentOfDraftOnlyMixin, models.Model):
    version = models.ForeignKey(CodeVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    heading = models.CharField(max_length=300, blank=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        # Not unique: the section services renumber them 1, 2, 3… one row at a time.
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.heading or f"Section {self.position}"

    def _version_status(self) -> str:
        return CodeVersion._base_manager.values_list("status", flat=True).get(pk=self.version_id)


class ItemQuerySet(ImmutableWhenPublishedQuerySet):
    version_path = "section__version"


class Item(ContentOfDraftOnlyMixin, models.Model):
    """One typed statement of a code, kept word for word."""

    class Kind(models.TextChoices):
        VALUE = "value", "Value"
        PRINCIPLE = "principle", "Principle"
        BEHAVIOUR = "behaviour", "Behaviour"
        COMMITMENT = "commitment", "Commitment"
        PROHIBITION = "prohibition", "Prohibition"
        RULE = "rule", "Rule"
        TEXT = "text", "Free text"

    class Topic(models.TextChoices):
        CONFLICTS = "conflicts", "Conflicts of interest"
        CONFIDENTIALITY = "confidentiality", "Confidentiality"
        BREACH = "breach", "Breach of the code"
        NON_DISCRIMINATION = "non_discrimination", "Non-discrimination"
        DUTIES = "duties", "Managers' duties"
        RIGHTS = "rights", "Managers' rights"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="The item this one is a sub-point of (one level only).",
    )
    position = models.PositiveIntegerField(help_text="Its place among the items at its level (its siblings).")
    number = models.CharField(
        max_length=30, blank=True, help_text='Its number or label as the document writes it, e.g. "4.2" or "(a)".'
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices, blank=True, help_text="For rules only.")
    principle = models.ForeignKey(
        Principle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        help_text="For principles only: which of the seven principles of public life this is.",
    )
    title = models.CharField(max_length=300, blank=True, help_text='A heading, e.g. "Integrity".')
    text = models.TextField(blank=True, help_text="Empty only for a principle the code names without wording.")

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["value", "principle", "behaviour", "commitment", "prohibition", "rule", "text"]),
                name="item_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(principle__isnull=True) | Q(kind="principle"), name="item_principle_only_on_principles"
            ),
            models.CheckConstraint(condition=Q(topic="") | Q(kind="rule"), name="item_topic_only_on_rules"),
        ]

    def __str__(self) -> str:
        heading = f"{self.heading}:" if self.heading and self.text else self.heading
        return " ".join(part for part in (self.number, heading, self.text) if part)

    @property
    def heading(self) -> str:
        """Its title; a principle named without wording shows the catalogue's name, once."""
        if self.title or self.text or not self.principle_id:
            return self.title
        return self.principle.name

    @property
    def cited_as(self) -> str:
        """Its number as a citation gives it: "4.2(a)" for sub-point (a) of clause 4.2.
        Expects `parent` fetched with it."""
        if self.parent_id and self.number and self.parent.number:
            return f"{self.parent.number}{self.number}"
        return self.number

    def _version_status(self) -> str:
        return CodeVersion._base_manager.values_list("status", flat=True).get(sections__pk=self.section_id)

    def clean(self):
        # The item's rules, all at once: the services' full_clean enforces them and the ModelForm
        # shows each beside its field.
        refused = {}
        if self.parent_id and self.parent.parent_id:
            refused["parent"] = "Items nest one level only: choose a top-level item."
        elif self.parent_id and self.parent.section_id != self.section_id:
            refused["parent"] = "A sub-point must be in the same section as its item."
        if self.kind == self.Kind.PRINCIPLE and not self.principle_id:
            refused["principle"] = "Choose which principle of public life this is"
        elif self.kind != self.Kind.PRINCIPLE and self.principle_id:
            refused["principle"] = "Only a principle links to a principle of public life"
        if self.kind != self.Kind.PRINCIPLE and not self.text.strip():
            refused["text"] = "Enter the item's text."
        if self.kind != self.Kind.RULE and self.topic:
            refused["topic"] = "Only a rule has a topic"
        if refused:
            raise ValidationError(refused)


class SignedText(models.Model):
    """The exact canonical text of a version as signed, stored once however
    many partners sign it, under its SHA-256."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()

    class Meta:
        verbose_name = "signed text"

    def __str__(self) -> str:
        return self.sha256

    def save(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError("A signed text is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A signed text is never deleted.")


class SignatureStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Signature(models.Model):
    """A partner's signature of one published version, keeping the exact text signed."""

    Status = SignatureStatus

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text="The partner's organisation when they signed.",
    )
    version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="signatures")
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    signed_text = models.ForeignKey(SignedText, on_delete=models.PROTECT, related_name="signatures")
    text_sha256 = models.CharField(max_length=64, help_text="The SHA-256 of the text, as computed when it was signed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            # One active signature: a partner whose signature ended (their membership ended, then was
            # restored on appeal) signs the same version again, and the ended one stays in the record.
            models.UniqueConstraint(
                fields=["partner", "version"],
                condition=Q(status="active"),
                name="one_active_signature_per_partner_version",
            ),
            models.CheckConstraint(condition=Q(status__in=SignatureStatus.values), name="signature_status_valid"),
            models.CheckConstraint(
                condition=Q(status="active") | Q(ended_at__isnull=False), name="signature_ended_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["version", "organisation"]),
            # Who has signed a version, read from the index alone.
            models.Index(
                fields=["version", "partner"], condition=Q(status="active"), name="active_signatures_of_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} signed {self.version}"

    def get_absolute_url(self) -> str:
        return object_url("conduct:signature-receipt", reference=self.reference)

    @property
    def signed_text_intact(self) -> bool:
        return hashlib.sha256(self.signed_text.text.encode("utf-8")).hexdigest() == self.text_sha256


class SignatureRequest(models.Model):
    """A partner asked to sign a newly published version."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="signature_requests")
    version = models.ForeignKey(CodeVersion, on_delete=models.CASCADE, related_name="signature_requests")
    previous_version = models.ForeignKey(
        CodeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version the partner signed last, to show them what changed.",
    )
    requested_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "version"], name="one_signature_request_per_partner_version"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} asked to sign {self.version}"


class CodeReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"


class CodeReview(models.Model):
    """A light-touch or full review of a code that has fallen due."""

    class Kind(models.TextChoices):
        LIGHT_TOUCH = "light_touch", "Light-touch review"
        FULL = "full", "Full review"

    Status = CodeReviewStatus

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "No change"
        MINOR_EDITS = "minor_edits", "Minor edits: start a new draft from the current version"
        NEW_VERSION = "new_version", "A new version: start a new draft, whose publication resets the review cycle"

    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(
        CodeVersion, on_delete=models.PROTECT, related_name="reviews", help_text="The version under review."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    assignees = models.ManyToManyField(User, related_name="code_reviews", blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    considered = models.TextField(blank=True, help_text="What the review considered.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    draft = models.ForeignKey(
        CodeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The draft the review started.",
    )

    class Meta:
        ordering = ["due_on", "code__title"]
        constraints = [
            # Two beat processes, or one run twice, still open each review once.
            models.UniqueConstraint(fields=["code", "kind", "due_on"], name="one_review_per_code_kind_due_date"),
            models.CheckConstraint(condition=Q(kind__in=["light_touch", "full"]), name="code_review_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=CodeReviewStatus.values), name="code_review_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(completed_at__isnull=False) & ~Q(outcome="")),
                name="code_review_completed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.code}, due {self.due_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return object_url("conduct:review-detail", review_id=self.pk)


class QueuedTask(models.Model):
    """Work for Celery, kept in the database until the broker has taken it, so
    that nothing is lost while Redis is down, and until a worker has run it, so
    that a worker dying part-way costs the sweeper's next run, not the work."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="queued_task_unsent"),
            models.Index(
                fields=["sent_at"],
                condition=Q(sent_at__isnull=False, finished_at__isnull=True),
                name="queued_task_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}({self.kwargs})"


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the every-minute task beat sends: old, and the
    workers (or beat) have stopped consuming, whatever the broker says."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class EmailDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"


class EmailDelivery(models.Model):
    """One email to one address for one purpose, rendered when it was queued.

    It is claimed (pending -> sending) before it goes and marked (sending -> sent)
    once the mail server has taken it, each in its own commit, so a retry sends only
    what was not sent. A claim left unfinished longer than the lease is a send that
    crashed; the sweeper makes it pending again. A finished send has `sent_at`.
    """

    Status = EmailDeliveryStatus

    purpose = models.CharField(max_length=200, help_text="What the email is for, e.g. signature-request:42.")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=400)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "email deliveries"
        constraints = [
            models.UniqueConstraint(fields=["purpose", "to"], name="one_email_per_purpose_and_address"),
            models.CheckConstraint(
                condition=Q(status__in=EmailDeliveryStatus.values), name="email_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=EmailDeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=EmailDeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="email_delivery_sent_when_sent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=[EmailDeliveryStatus.PENDING, EmailDeliveryStatus.SENDING]),
                name="email_delivery_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to} ({self.status})"


class AuditChain(models.Model):
    """The head of the audit log's hash chain: one row, locked by every append,
    so that entries are numbered and chained one at a time."""

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Audit chain at entry {self.last_sequence}"


class AuditEntry(models.Model):
    """Append-only record of who changed what, when and why. Each entry's hash
    covers its content and the previous entry's hash, so an edited or removed
    entry breaks the chain (`manage.py verify_audit_log`)."""

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=60)
    summary = models.TextField()
    reason = models.TextField(blank=True)
    # The chain hashes the salted digest of the summary and reason, not the
    # words, so that personal data can be erased (see conduct/audit_log.py).
    # Entries written before this have an empty digest and hash their words.
    personal_salt = models.CharField(max_length=32, blank=True)
    personal_digest = models.CharField(max_length=64, blank=True)
    erased_by = models.BigIntegerField(
        null=True, blank=True, help_text="The sequence number of the entry that recorded erasing this one's words."
    )
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_type} {self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit entries are never deleted.")
