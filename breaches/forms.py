"""Forms for breach cases. They validate and normalise what was typed; the
services in services.py make the changes."""

from crispy_forms_gds.layout import HTML, Field
from django import forms
from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from conduct.models import Item, Partnership, Principle
from govuk.date_input import DayMonthYearField
from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import KeepsWhatIsTypedMixin
from govuk.form_layout import form_helper

from .evidence import ACCEPTED_DESCRIPTION, evidence_refusal
from .models import NAME_MAX_LENGTH, PLACE_MAX_LENGTH, TEXT_MAX_LENGTH, BreachCase, CaseMessage
from .receipt_codes import receipt_code_new, receipt_code_normalise


def _text(label: str, required_message: str, *, help_text: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": required_message,
            "max_length": f"{label.rstrip('?')} must be {TEXT_MAX_LENGTH:,} characters or fewer",
        },
    )


def _evidence_help() -> str:
    limit = settings.BREACH_EVIDENCE_MAX_BYTES // (1024 * 1024)
    return f"{ACCEPTED_DESCRIPTION[0].upper()}{ACCEPTED_DESCRIPTION[1:]}, smaller than {limit} MB."


class EvidenceField(forms.FileField):
    """An optional file, accepted when its content (not its name) is one of the
    allowed kinds and it is within the size limit."""

    def __init__(self, **kwargs):
        super().__init__(
            label="Attach a file (optional)",
            help_text=_evidence_help(),
            required=False,
            error_messages={"empty": "The selected file is empty"},
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        refusal = evidence_refusal(upload)
        if refusal:
            raise forms.ValidationError(refusal)
        return upload


# --- Reporting ---------------------------------------------------------------------------


class ReportStartForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """Which partnership and when: these decide whom it can be about and which
    version of the code applies. Sent with GET, so going back keeps the answers."""

    partnership = forms.ModelChoiceField(
        label="Which partnership's code of conduct is it about?",
        queryset=Partnership.objects.order_by("name"),
        to_field_name="slug",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the partnership",
            "invalid_choice": "Choose one of the partnerships listed",
        },
    )
    incident_date = DayMonthYearField(
        label="When did it happen?",
        what="the date it happened",
        help_text="For example, 27 3 2026. If it went on for a while, give the last date.",
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("partnership", legend_size="m"),
            Field("incident_date"),
            button="Continue",
            method="get",
            action=action,
        )

    def clean_incident_date(self):
        value = self.cleaned_data["incident_date"]
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError("The date it happened must be today or in the past")
        return value


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item: Item) -> str:
        """As a citation reads: "4.2(a) A member with a financial interest…"."""
        text = Truncator(item.text).words(40)
        heading = f"{item.heading}:" if item.heading and text else item.heading
        return " ".join(part for part in (item.cited_as, heading, text) if part)


class ReportDetailsForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    respondent_organisation = forms.ModelChoiceField(
        label="Which organisation is it about?",
        queryset=None,
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation the concern is about",
            "invalid_choice": "Choose one of the organisations listed",
        },
    )
    respondent_person_name = forms.CharField(
        label="The person it is about (optional)",
        help_text="Leave this empty if the concern is about the organisation rather than one person.",
        required=False,
        max_length=NAME_MAX_LENGTH,
        error_messages={"max_length": f"The person's name must be {NAME_MAX_LENGTH} characters or fewer"},
    )
    incident_place = forms.CharField(
        label="Where did it happen?",
        help_text="For example, a partnership meeting, an event, an email or a social media post.",
        max_length=PLACE_MAX_LENGTH,
        error_messages={
            "required": "Enter where it happened",
            "max_length": f"Where it happened must be {PLACE_MAX_LENGTH} characters or fewer",
        },
    )
    description = _text(
        "What happened?", "Describe what happened", help_text="Say what was done or said, by whom, and who saw it."
    )
    principles = forms.ModelMultipleChoiceField(
        label="Which principles of public life does it go against?",
        help_text="The seven principles of public life (the Nolan principles), which every code here includes.",
        queryset=Principle.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose from the principles listed",
            "invalid_pk_value": "Choose from the principles listed",
        },
    )
    confidentiality_breach = forms.BooleanField(
        label="This is about a breach of confidentiality",
        help_text="The programme manager is told at once.",
        required=False,
    )
    identity = forms.ChoiceField(
        label="How do you want to report?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to report confidentially or anonymously",
            "invalid_choice": "Choose confidentially or anonymously",
        },
    )
    reporter_name = forms.CharField(
        label="Your name",
        help_text="Only if you report confidentially.",
        required=False,
        max_length=NAME_MAX_LENGTH,
        error_messages={"max_length": f"Your name must be {NAME_MAX_LENGTH} characters or fewer"},
    )
    reporter_email = forms.EmailField(
        label="Your email address (optional)",
        help_text="Only if you report confidentially: we email you when there is news. You also get a receipt code.",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    evidence = EvidenceField()
    # A receipt code made when the form is shown: sent twice, the form makes one case
    # (breach_case_report), and both answers show this code.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, organisations, sections, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", receipt_code_new())
        self.fields["respondent_organisation"].queryset = organisations
        self.fields["evidence"].help_text = _evidence_help() + " You can add more files later."
        self.item_field_names = []
        item_layout = []
        # Each principle is offered once: with the code's own wording where the code has it
        # among its entries, otherwise in the list of principles.
        worded = {item.principle_id for _section, items in sections for item in items if item.principle_id}
        principles = self.fields["principles"]
        principles.widget.choices = [
            (value, label) for value, label in principles.choices if value and value.value not in worded
        ]
        for section, items in sections:
            name = f"items_{section.pk}"
            self.fields[name] = ItemChoiceField(
                label=section.heading or f"Section {section.position}",
                # Tree order: each clause, then its sub-points (whose positions count among themselves).
                queryset=Item.objects.filter(pk__in=[item.pk for item in items])
                .select_related("parent", "principle")
                .order_by(
                    Coalesce("parent__position", "position"),
                    Coalesce("parent_id", "pk"),
                    F("parent_id").asc(nulls_first=True),
                    "position",
                    "pk",
                ),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": "Choose from the entries listed",
                    "invalid_pk_value": "Choose from the entries listed",
                },
            )
            self.item_field_names.append(name)
            item_layout.append(Field.checkboxes(name, legend_size="s", small=True))
        self.logged_in = user.is_authenticated
        if self.logged_in:
            self.fields["identity"].choices = [
                (
                    BreachCase.Identity.CONFIDENTIAL,
                    f"Confidentially, as {user.display_name}: "
                    "only the programme manager and those handling the case will know it was you",
                ),
                (
                    BreachCase.Identity.ANONYMOUS,
                    "Anonymously: your name is not recorded and you get a receipt code to follow your report up",
                ),
            ]
            del self.fields["reporter_name"], self.fields["reporter_email"]
            reporter_fields = []
        else:
            self.fields["identity"].choices = [
                (
                    BreachCase.Identity.CONFIDENTIAL,
                    "Confidentially: give your name, "
                    "which only the programme manager and those handling the case will see",
                ),
                (
                    BreachCase.Identity.ANONYMOUS,
                    "Anonymously: give no name; you get a receipt code to follow your report up",
                ),
            ]
            reporter_fields = [
                Field.text("reporter_name", field_width="two-thirds"),
                Field.text("reporter_email", field_width="two-thirds"),
            ]
        self.helper = form_helper(
            Field.select("respondent_organisation"),
            Field.text("respondent_person_name", field_width="two-thirds"),
            Field.text("incident_place"),
            Field.textarea("description", rows=8),
            HTML(
                '<h2 class="govuk-heading-m">Which parts of the code does it concern?</h2>'
                '<p class="govuk-body">Choose at least one entry of the code or one principle of public life.</p>'
            ),
            *item_layout,
            *([Field.checkboxes("principles", legend_size="s", small=True)] if principles.widget.choices else []),
            HTML('<h2 class="govuk-heading-m">About your report</h2>'),
            Field.checkbox("confidentiality_breach"),
            Field.radios("identity", legend_size="s"),
            *reporter_fields,
            Field("evidence"),
            Field("submission"),
            button="Send the report",
        )

    def clean(self):
        data = super().clean()
        items = [item for name in self.item_field_names for item in data.get(name) or []]
        if not items and not data.get("principles") and not any(name in self.errors for name in self.item_field_names):
            first = self.item_field_names[0] if self.item_field_names else "principles"
            self.add_error(
                first, "Choose at least one part of the code, or a principle of public life, that this concerns"
            )
        data["cited_items"] = items
        # Citing a code's principle cites that principle of public life too.
        named = {item.principle for item in items if item.principle_id}
        data["principles"] = [*(data.get("principles") or []), *(named - set(data.get("principles") or []))]
        if (
            not self.logged_in
            and data.get("identity") == BreachCase.Identity.CONFIDENTIAL
            and not data.get("reporter_name", "").strip()
        ):
            self.add_error("reporter_name", "Enter your name, or choose to report anonymously")
        return data


# --- Following a report up -------------------------------------------------------------------


class ReceiptCodeForm(ErrorSummaryMixin, forms.Form):
    code = forms.CharField(
        label="Receipt code",
        help_text="The code you were given when you reported, for example 7KQM-2XPD-9RTB-4HWC-0NVA.",
        max_length=60,
        error_messages={
            "required": "Enter your receipt code",
            "max_length": "Enter the receipt code exactly as it was shown to you",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("code", field_width=20, autocomplete="off", spellcheck="false"), button="See your report"
        )

    def clean_code(self):
        code = receipt_code_normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the receipt code exactly as it was shown to you: 20 letters and numbers")
        return code


class InformationForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    text = _text(
        "What do you want to add?",
        "Write the information you want to add",
        required=False,
        help_text="Answer a question you were asked, or tell us something new.",
    )
    evidence = EvidenceField()

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("text", rows=6), Field("evidence"), button="Add to the report", action=action
        )

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("evidence") and "evidence" not in self.errors:
            self.add_error("text", "Write the information you want to add, or choose a file")
        return data


class ResponseForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    text = _text(
        "Your response",
        "Write your response",
        help_text="Say what happened from your side. The people deciding the case will read it before they decide.",
    )
    evidence = EvidenceField()

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("text", rows=8), Field("evidence"), button="Send your response", action=action
        )


# --- Handling a case -----------------------------------------------------------------------------


class CaseActionForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """A form that moves a case carries the version of the case it was shown,
    so that if someone else moved it in the meantime the move is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            del self.errors["version"]
            raise forms.ValidationError("This page is out of date. Reload it and try again.")
        return data


class TriageForm(CaseActionForm):
    severity = forms.ChoiceField(
        label="How serious is the breach?",
        choices=BreachCase.Severity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the breach is minor or serious",
            "invalid_choice": "Choose minor or serious",
        },
    )
    deliberate = forms.ChoiceField(
        label="Was it deliberate?",
        choices=BreachCase.Deliberate.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the breach was deliberate, or not known",
            "invalid_choice": "Choose yes, no or not known",
        },
    )
    respondent_summary = _text(
        "What the respondent will be told",
        "Write what the respondent will be told the concern is",
        help_text=(
            "They see only this, the parts of the code cited and the day of the report: never who reported it "
            "nor the reporter's own words. Say when and where it happened if they need that to respond, and leave "
            "out anything that would identify the reporter."
        ),
    )
    note = _text(
        "Notes on the triage (optional)",
        "",
        required=False,
        help_text="Kept in the case history, where only those handling the case read it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("severity", legend_size="s", inline=True),
            Field.radios("deliberate", legend_size="s", inline=True),
            Field.textarea("respondent_summary", rows=5),
            Field.textarea("note", rows=3),
            "version",
            button="Triage and route the case",
        )


class ReasonForm(CaseActionForm):
    reason = _text("Reason", "Give the reason")

    def __init__(self, *args, label: str, required_message: str, button: str, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label, field.help_text = label, help_text
        field.error_messages["required"] = required_message
        self.helper = form_helper(Field.textarea("reason", rows=5), "version", button=button)


class DecisionForm(CaseActionForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome", "invalid_choice": "Choose one of the outcomes listed"},
    )
    suspended_until = DayMonthYearField(
        label="Suspended until",
        what="the date the suspension ends",
        required=False,
        help_text="Only for a suspension. For example, 31 12 2026.",
    )
    finding = _text(
        "Finding",
        "Write the finding",
        help_text="What the evidence shows happened, and which parts of the code it breached, if any.",
    )
    reasons = _text(
        "Reasons", "Give the reasons for the decision", help_text="Why this outcome, in words the respondent will read."
    )
    wider_causes = _text(
        "Wider causes",
        "Describe the wider causes, or write that none were found",
        help_text="What beyond the people involved made this possible: workload, unclear rules, culture, training.",
    )
    lessons = _text(
        "Lessons",
        "Describe the lessons to learn, or write that there are none",
        help_text="What the partnership should change so that it does not happen again.",
    )
    confirm_termination = forms.BooleanField(
        label=(
            "I understand that termination ends the organisation's membership of the partnership "
            "and its signatures of the code"
        ),
        required=False,
    )

    def __init__(self, *args, track: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (value, BreachCase.Outcome(value).label) for value in BreachCase.OUTCOMES[track]
        ]
        fields = [Field.radios("outcome", legend_size="s")]
        if track == BreachCase.Track.FORMAL:
            fields += [Field("suspended_until")]
        else:
            del self.fields["suspended_until"], self.fields["confirm_termination"]
        fields += [Field.textarea(name, rows=5) for name in ("finding", "reasons", "wider_causes", "lessons")]
        if track == BreachCase.Track.FORMAL:
            fields.append(Field.checkbox("confirm_termination"))
        self.helper = form_helper(*fields, "version", button="Record the decision")

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == BreachCase.Outcome.TERMINATION and not data.get("confirm_termination"):
            self.add_error("confirm_termination", "Confirm that you understand what termination does")
        return data


class PanelMemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class ConveneForm(CaseActionForm):
    members = PanelMemberChoiceField(
        queryset=None,
        label="Who sits on the panel?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the members of the panel"},
    )

    def __init__(self, *args, candidates, size: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.size = size
        self.fields["members"].queryset = candidates
        self.fields[
            "members"
        ].help_text = (
            f"Choose {size}. Nobody involved in the case or with a conflict of interest in it can sit on the panel."
        )
        self.helper = form_helper(Field.checkboxes("members", legend_size="s"), "version", button="Convene the panel")

    def clean_members(self):
        members = self.cleaned_data["members"]
        if len(members) != self.size:
            raise forms.ValidationError(f"Choose {self.size} members of the panel")
        return members


class PanelViewForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="What outcome do you think right?",
        choices=[(value, BreachCase.Outcome(value).label) for value in BreachCase.OUTCOMES[BreachCase.Track.FORMAL]],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome you think right",
            "invalid_choice": "Choose one of the outcomes listed",
        },
    )
    reasons = _text(
        "Your reasons",
        "Give the reasons for your view",
        help_text="Your view and reasons stay in the case record, whatever the panel decides.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("outcome", legend_size="s"), Field.textarea("reasons", rows=5), button="Record my view"
        )


class CloseForm(CaseActionForm):
    feedback = _text(
        "Final feedback to the person who reported the concern",
        "Write the final feedback",
        help_text=(
            "What was done about their concern. "
            "Do not share the respondent's response or anything confidential to them."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("feedback", rows=6), "version", button="Close the case")


class PublishForm(CaseActionForm):
    summary = _text(
        "What happened, for publication",
        "Write what happened for publication",
        help_text=(
            "Anyone can read this. Name no person or organisation and leave out anything that would tell "
            "who was involved: say “a member organisation”, “a partner”."
        ),
    )
    lessons = _text(
        "The lessons, for publication",
        "Write the lessons for publication",
        help_text="What the partnership has learned or changed. The same care: no names, nothing that identifies.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("summary", rows=5), Field.textarea("lessons", rows=5), "version", button="Publish"
        )


class ReporterMessageForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of message is it?",
        choices=[(kind, CaseMessage.Kind(kind).label) for kind in CaseMessage.TO_REPORTER],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of message it is",
            "invalid_choice": "Choose one of the kinds of message listed",
        },
    )
    text = _text(
        "Message",
        "Write the message",
        help_text=(
            "Written for the reporter: they read it as it is on their report's page and, if they gave an email "
            "address, are told it is there. Anything only those handling the case should read goes in a note."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("kind", legend_size="s", inline=True),
            Field.textarea("text", rows=5),
            button="Send the message",
        )


# --- Appeals -------------------------------------------------------------------------------------


class AppealForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    grounds = _text(
        "Your grounds of appeal",
        "Give your grounds of appeal",
        help_text=(
            "Why the decision should be changed: for example, evidence that was not considered, "
            "a step of the process that was not followed, or an outcome out of proportion to the breach."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("grounds", rows=8), button="Send your appeal")


class AppealViewForm(PanelViewForm):
    def __init__(self, *args, appealed: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        field.label = "What outcome should stand?"
        field.error_messages["required"] = "Choose the outcome you think should stand"
        field.choices = [
            (value, f"{label} (the decision appealed against)" if value == appealed else label)
            for value, label in field.choices
        ]


class AppealDecisionForm(CaseActionForm):
    suspended_until = DayMonthYearField(
        label="Suspended until",
        what="the date the suspension ends",
        required=False,
        help_text="Only when the appeal varies the decision to a suspension. For example, 31 12 2026.",
    )
    reasons = _text(
        "Reasons",
        "Give the reasons for the appeal's decision",
        help_text="Why the panel upheld, overturned or varied the decision, in words the respondent will read.",
    )
    reporter_feedback = _text(
        "What the person who reported the concern is told",
        "Write what the person who reported the concern is told",
        help_text=(
            "As with any feedback: what was done about their concern. "
            "Do not share the grounds of appeal, the reasons or anything confidential to the respondent."
        ),
    )

    def __init__(self, *args, varies_to_suspension: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.textarea("reasons", rows=5), Field.textarea("reporter_feedback", rows=4)]
        if varies_to_suspension:
            fields.insert(0, Field("suspended_until"))
        else:
            del self.fields["suspended_until"]
        self.helper = form_helper(*fields, "version", button="Record the appeal's decision")


# --- Need to know ---------------------------------------------------------------------------------


class RevealForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    reason = _text(
        "Why do you need to know who reported this concern?",
        "Enter why you need to know who reported this concern",
        help_text="For example, to ask them about a date only they can confirm.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason", rows=4), button="Reveal who reported it")


class NoteForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    text = _text(
        "Note",
        "Write the note",
        help_text="Only those handling the case read it: never the reporter or the respondent.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("text", rows=5), button="Add the note")
