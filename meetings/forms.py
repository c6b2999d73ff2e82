"""Forms for meetings: they validate and normalise; services save."""

import re

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.validators import validate_email

from conduct.models import User
from declarations.forms import practice_hours_field
from declarations.models import DESCRIPTION_MAX_LENGTH, VALUED_SITUATIONS, Kind, Situation
from govuk.date_input import DayMonthYearField
from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import KeepsWhatIsTypedMixin
from govuk.form_layout import form_helper

from .models import NAME_MAX_LENGTH, OUTCOME_MAX_LENGTH, PURPOSE_MAX_LENGTH, TITLE_MAX_LENGTH, Handling

MAX_ATTENDEES = 200
MAX_NAMES = 50


def _text(label: str, required: str, *, limit: int, help_text: str = "", textarea: bool = False, optional=False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=not optional,
        max_length=limit,
        widget=forms.Textarea if textarea else forms.TextInput,
        error_messages={"required": required, "max_length": f"Keep it to {limit:,} characters or fewer"},
    )


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


class GovForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    pass


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.display_name


def _emails(text: str) -> list[str]:
    return [email.lower() for email in re.split(r"[\s,;]+", text) if email]


class MeetingForm(GovForm):
    partnership = forms.ModelChoiceField(
        queryset=None,
        label="Which partnership is meeting?",
        empty_label=None,
        error_messages={"required": "Choose the partnership", "invalid_choice": "Choose one of the partnerships"},
    )
    held_on = DayMonthYearField(
        what="the date of the meeting", label="Date of the meeting", help_text="For example, 14 1 2027"
    )
    purpose = _text(
        "What is the meeting for?",
        "Enter the purpose of the meeting",
        limit=PURPOSE_MAX_LENGTH,
        help_text="It is published with the record of the meeting.",
        textarea=True,
    )
    chair = forms.CharField(
        label="Email address of the chair",
        error_messages={"required": "Enter the email address of the chair"},
    )
    attendees = forms.CharField(
        label="Email addresses of the people attending",
        help_text="One a line. The chair attends too. Each must belong to a member organisation or hold a role.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the email addresses of the people attending"},
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.helper = form_helper(
            Field.select("partnership"),
            Field("held_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.textarea("purpose", rows=3, max_characters=PURPOSE_MAX_LENGTH),
            Field.text("chair", field_width="two-thirds", autocomplete="off", spellcheck="false"),
            Field.textarea("attendees", rows=8),
            button="Record the meeting",
        )

    def _people(self, emails: list[str]) -> list[User]:
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{email[:100]}” is not an email address") from None
        found = {user.email.lower(): user for user in User.objects.filter(email__in=emails, is_active=True)}
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise forms.ValidationError(f"Nobody has the email address {', '.join(unknown[:5])}")
        return [found[email] for email in dict.fromkeys(emails)]

    def clean_chair(self):
        emails = _emails(self.cleaned_data["chair"])
        if len(emails) != 1:
            raise forms.ValidationError("Enter one email address for the chair")
        return self._people(emails)[0]

    def clean_attendees(self):
        emails = _emails(self.cleaned_data["attendees"])
        if len(emails) > MAX_ATTENDEES:
            raise forms.ValidationError(f"Enter at most {MAX_ATTENDEES} people")
        return self._people(emails)


class AgendaItemForm(GovForm):
    title = _text("Title of the item", "Enter the title of the item", limit=TITLE_MAX_LENGTH)
    organisations = forms.CharField(
        label="Organisations it concerns (optional)",
        help_text="One a line, for example a supplier, a bidder or a member organisation.",
        widget=forms.Textarea,
        required=False,
    )
    people = forms.CharField(
        label="People it concerns (optional)",
        help_text="One a line, by their full name.",
        widget=forms.Textarea,
        required=False,
    )
    confidential = forms.TypedChoiceField(
        label="Is the item taken in private?",
        choices=[("no", "No, in public"), ("yes", "Yes, it is confidential")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the item is taken in private",
            "invalid_choice": "Choose one of the options",
        },
        help_text="The public record says only that a confidential item was taken in private, and any conflicts.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title"),
            Field.textarea("organisations", rows=3),
            Field.textarea("people", rows=3),
            Field.radios("confidential", legend_size="s", inline=True),
            button="Add the item",
        )

    def _names(self, name: str) -> list[str]:
        names = _lines(self.cleaned_data[name])
        if len(names) > MAX_NAMES:
            raise forms.ValidationError(f"Name at most {MAX_NAMES}")
        if any(len(line) > NAME_MAX_LENGTH for line in names):
            raise forms.ValidationError(f"Keep each name to {NAME_MAX_LENGTH} characters or fewer")
        return names

    def clean_organisations(self):
        return self._names("organisations")

    def clean_people(self):
        return self._names("people")


# Gifts and hospitality carry a value and a choice to accept them, which only their recipient gives.
SPOKEN_SITUATIONS = [(value, label) for value, label in Situation.choices if value not in VALUED_SITUATIONS]
ONLY_FOR_WORK = "Outside employment and private practice only"


class MeetingDeclarationForm(GovForm):
    attendee = PersonChoiceField(
        queryset=None,
        label="Who is declaring?",
        empty_label=None,
        error_messages={"required": "Choose who is declaring", "invalid_choice": "Choose one of the attendees"},
    )
    kind = forms.ChoiceField(
        label="What kind of interest is it?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of interest", "invalid_choice": "Choose one of the options"},
    )
    situation = forms.ChoiceField(
        label="What is the interest?",
        choices=SPOKEN_SITUATIONS,
        help_text="Gifts and hospitality are declared by the person themselves, with their value.",
        error_messages={"required": "Choose what the interest is", "invalid_choice": "Choose one of the interests"},
    )
    concerning = _text(
        "Which organisation or person does it concern?",
        "Enter the organisation or person the interest concerns",
        limit=NAME_MAX_LENGTH,
    )
    description = _text(
        "Describe the interest",
        "Describe the interest",
        limit=DESCRIPTION_MAX_LENGTH,
        help_text="As it was declared, for example: director of the company bidding for item 2.",
        textarea=True,
    )
    arose_on = DayMonthYearField(
        what="the date the interest arose", label="When did the interest arise?", help_text="For example, 1 4 2025"
    )
    # Required for outside employment and private practice by the declarations service, which
    # says by each answer what is missing; optional here, as every other interest has none.
    permitted_by = _text(
        "Who gave them permission?",
        "",
        limit=NAME_MAX_LENGTH,
        help_text="Outside employment and private practice need permission before they start.",
        optional=True,
    )
    permitted_on = DayMonthYearField(
        what="the date permission was given",
        label="When was permission given?",
        help_text="For example, 1 3 2026",
        required=False,
    )
    practice_place = _text("Private practice: where?", "", limit=NAME_MAX_LENGTH, optional=True)
    practice_times = _text(
        "Private practice: when?",
        "",
        limit=NAME_MAX_LENGTH,
        help_text="The days and times, for example Tuesday and Thursday afternoons.",
        optional=True,
    )
    practice_hours = practice_hours_field("Private practice: how many hours a week?")

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = attendees
        self.helper = form_helper(
            Field.select("attendee"),
            Field.radios("kind", legend_size="s"),
            Field.select("situation"),
            Field.text("concerning", field_width="two-thirds"),
            Field.textarea("description", rows=3, max_characters=DESCRIPTION_MAX_LENGTH),
            Field("arose_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Fieldset(
                Field.text("permitted_by", field_width="two-thirds"),
                Field("permitted_on", context={"legend_size": "govuk-fieldset__legend--s"}),
                Field.text("practice_place", field_width="two-thirds"),
                Field.text("practice_times", field_width="two-thirds"),
                Field.text("practice_hours", field_width=4),
                legend=ONLY_FOR_WORK,
                legend_size=Size.MEDIUM,
            ),
            button="Record the declaration",
        )


class HandlingForm(GovForm):
    handling = forms.ChoiceField(
        label="What happened?",
        choices=Handling.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened", "invalid_choice": "Choose one of the options"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("handling", legend_size="m"), button="Record what happened")


class DecisionForm(GovForm):
    outcome = _text(
        "What was decided?",
        "Enter what was decided",
        limit=OUTCOME_MAX_LENGTH,
        help_text="For a confidential item this stays off the public record.",
        textarea=True,
    )
    participants = PeopleChoiceField(
        queryset=None,
        label="Who took part in the decision?",
        help_text="Leave out anyone who left the room or did not vote.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who took part in the decision"},
    )

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = attendees
        self.helper = form_helper(
            Field.textarea("outcome", rows=4, max_characters=OUTCOME_MAX_LENGTH),
            Field.checkboxes("participants", legend_size="s", small=True),
            button="Record the decision",
        )


class PublishForm(GovForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(button="Publish the record")
