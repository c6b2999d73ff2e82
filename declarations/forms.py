"""Forms for declaring, reviewing and withholding: they validate and normalise; services save."""

import secrets
from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms

from govuk.date_input import DayMonthYearField
from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import KeepsWhatIsTypedMixin
from govuk.form_layout import form_helper

from .models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_GIFT_VALUE,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PERMITTED_SITUATIONS,
    DeclarationPolicy,
    DeclarationRevision,
    Kind,
    ManagementAction,
    Situation,
)
from .selectors import counterparty_organisations

KIND_HINTS = {
    Kind.FINANCIAL: "You could gain or lose money, for example from a shareholding, a job or a gift.",
    Kind.PROFESSIONAL: "Your professional role or reputation could benefit, for example as an adviser or trustee.",
    Kind.PERSONAL: "A personal belief, role or relationship that others could think affects what you do.",
    Kind.INDIRECT: "The interest is someone else's: a relative, close friend or associate.",
}


def _one_line(value: str) -> str:
    return " ".join(value.split())


def practice_hours_field(label: str) -> forms.DecimalField:
    """The hours a week of private practice, wherever a declaration records them."""
    return forms.DecimalField(
        label=label,
        max_digits=4,
        decimal_places=1,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the hours a week as a number, for example 8 or 7.5",
            "max_digits": "A week has 168 hours: enter 168 or fewer",
            "max_whole_digits": "A week has 168 hours: enter 168 or fewer",
            "max_decimal_places": "Enter the hours to the nearest half hour, for example 7.5",
        },
    )


class GovForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """A declarations form. Every textarea with a character count has a hint:
    crispy-forms-gds 2.0.1 cannot render one without."""


class PoundsField(forms.DecimalField):
    """An amount in pounds; "£1,250.50" is read as 1250.50."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "")
        return super().to_python(value)


# --- Declaring, one question a page -----------------------------------------------------


class QuestionForm(GovForm):
    """One page of questions about the partner's unsubmitted revision."""

    title = ""

    def __init__(self, data=None, *, policy: DeclarationPolicy, revision: DeclarationRevision):
        super().__init__(data, initial=self.initial_from(revision))
        self.policy = policy
        self.revision = revision

    @staticmethod
    def initial_from(revision: DeclarationRevision) -> dict:
        raise NotImplementedError

    def answers(self) -> dict:
        return dict(self.cleaned_data)


class StartForm(GovForm):
    declaring = forms.ChoiceField(
        label="What are you declaring?",
        choices=[
            Choice("interest", "I have an interest to declare"),
            Choice(
                "nil",
                "I have no interests to declare",
                hint="A nil declaration. It appears on the public register as such.",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you have an interest to declare"},
    )
    # A one-off value per page shown: the page sent twice starts one declaration (declaration_start).
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", secrets.token_urlsafe(24))
        layout = []
        listed = list(partnerships)
        if len(listed) > 1:
            self.fields["partnership"] = forms.ModelChoiceField(
                label="Which partnership are you declaring to?",
                queryset=partnerships,
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={
                    "required": "Choose the partnership you are declaring to",
                    "invalid_choice": "Choose one of your organisation's partnerships",
                },
            )
            self.order_fields(["partnership", "declaring"])
            layout.append(Field.radios("partnership", legend_size=Size.MEDIUM))
        self.default_partnership = listed[0] if len(listed) == 1 else None
        self.helper = form_helper(
            *layout, Field.radios("declaring", legend_size=Size.MEDIUM), Field("submission"), button="Continue"
        )

    @staticmethod
    def initial_from(declaration, revision) -> dict:
        return {"partnership": declaration.partnership_id, "declaring": "nil" if revision.is_nil else "interest"}

    def answers(self) -> dict:
        return {
            "partnership": self.cleaned_data.get("partnership") or self.default_partnership,
            "is_nil": self.cleaned_data["declaring"] == "nil",
        }


class KindForm(QuestionForm):
    title = "What kind of interest is it?"
    kind = forms.ChoiceField(
        label=title,
        choices=[Choice(value, label, hint=KIND_HINTS[value]) for value, label in Kind.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of interest"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("kind", legend_size=Size.LARGE, legend_tag="h1"), button="Continue")

    @staticmethod
    def initial_from(revision) -> dict:
        return {"kind": revision.kind}


class SituationForm(QuestionForm):
    title = "What is the interest?"
    situation = forms.ChoiceField(
        label=title,
        choices=Situation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the interest is"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gift_hint = f"Gifts worth less than £{self.policy.gift_threshold:,.2f} need not be declared."
        if self.policy.cash_must_be_declined:
            gift_hint += " Cash and vouchers must always be declined."
        hints = {
            Situation.GIFT: gift_hint,
            Situation.HOSPITALITY: "Meals, travel, tickets or accommodation offered to you.",
            Situation.SHAREHOLDING: "Shares in a company. Pension funds and unit trusts are excluded.",
            Situation.OUTSIDE_EMPLOYMENT: "Work outside your role here. It needs permission before it starts.",
            Situation.PRIVATE_PRACTICE: "Practice on your own account. It needs permission before it starts.",
            Situation.OTHER: "You will describe it on a later page.",
        }
        self.fields["situation"].choices = [
            Choice(value, label, hint=hints.get(value, "")) for value, label in Situation.choices
        ]
        self.helper = form_helper(Field.radios("situation", legend_size=Size.LARGE, legend_tag="h1"), button="Continue")

    @staticmethod
    def initial_from(revision) -> dict:
        return {"situation": revision.situation}


class ConcerningForm(QuestionForm):
    title = "Who does the interest concern?"
    counterparty_organisation = forms.ModelChoiceField(
        label="A member organisation",
        help_text="If it concerns one of the partnerships' member organisations, choose it.",
        queryset=None,
        required=False,
        empty_label="Not a member organisation",
        error_messages={"invalid_choice": "Choose a member organisation from the list"},
    )
    counterparty_name = forms.CharField(
        label="Name of the organisation or person",
        help_text="For example, the company that gave you a gift, or the relative the interest is through.",
        required=False,
        max_length=NAME_MAX_LENGTH,
        error_messages={"max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty_organisation"].queryset = counterparty_organisations()
        self.helper = form_helper(
            Field.select("counterparty_organisation"),
            Field.text("counterparty_name", autocomplete="off"),
            button="Continue",
        )

    @staticmethod
    def initial_from(revision) -> dict:
        return {
            "counterparty_organisation": revision.counterparty_organisation_id,
            "counterparty_name": revision.counterparty_name,
        }

    def clean_counterparty_name(self):
        return _one_line(self.cleaned_data["counterparty_name"])

    def clean(self):
        data = super().clean()
        if not data.get("counterparty_organisation") and not data.get("counterparty_name") and not self.errors:
            self.add_error(
                "counterparty_name",
                "Choose a member organisation or enter the name of the organisation or person the interest concerns",
            )
        return data


class DetailsForm(QuestionForm):
    description = forms.CharField(
        label="Describe the interest",
        help_text="For example, what the gift was and who gave it, or your role and the hours you work.",
        widget=forms.Textarea,
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "required": "Describe the interest",
            "max_length": f"The description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer",
        },
    )
    arose_on = DayMonthYearField(
        what="the date the interest arose",
        label="When did the interest arise?",
        help_text="For a gift or hospitality, the date it was offered. For example, 27 3 2026",
    )
    ends_on = DayMonthYearField(
        what="the end date",
        label="When does it end? (optional)",
        help_text="Leave this empty if you do not know. For example, 31 12 2026",
        required=False,
    )
    value = PoundsField(
        label="Estimated value in pounds",
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_GIFT_VALUE,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the estimated value in pounds, for example 40 or 39.99",
            "invalid": "Enter the estimated value as an amount in pounds, for example 40 or 39.99",
            "min_value": "The estimated value cannot be negative",
            "max_value": f"Enter an estimated value of £{MAX_GIFT_VALUE:,.0f} or less",
            "max_digits": f"Enter an estimated value of £{MAX_GIFT_VALUE:,.0f} or less",
            "max_whole_digits": f"Enter an estimated value of £{MAX_GIFT_VALUE:,.0f} or less",
            "max_decimal_places": "Enter the estimated value in pounds and pence, for example 39.99",
        },
    )
    cash_or_vouchers = forms.TypedChoiceField(
        label="Was it cash or vouchers?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it was cash or vouchers"},
    )
    from_supplier = forms.TypedChoiceField(
        label="Is it from a supplier or contractor?",
        help_text="One that does, or may, do business with your organisation.",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is from a supplier or contractor"},
    )
    outcome = forms.ChoiceField(
        label="Did you accept or decline it?",
        choices=DeclarationRevision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you accepted or declined it"},
    )
    approved_by = forms.CharField(
        label="Who approved it in advance? (only if you accepted it)",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"The name must be {NAME_MAX_LENGTH:,} characters or fewer"},
    )
    approved_on = DayMonthYearField(
        what="the date it was approved",
        label="When was it approved? (only if you accepted it)",
        help_text="For example, 20 3 2026",
        required=False,
    )

    # Required by the service, which says by each answer what is missing (DeclarationRevision.permission_problems):
    # the same rule for this page, a meeting's record of a declaration and any other way in.
    permitted_by = forms.CharField(
        label="Who gave you permission?",
        help_text="Outside employment and private practice need permission before they start: name who gave it.",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"The name must be {NAME_MAX_LENGTH:,} characters or fewer"},
    )
    permitted_on = DayMonthYearField(
        what="the date permission was given",
        label="When was permission given?",
        help_text="For example, 1 3 2026",
        required=False,
    )
    practice_place = forms.CharField(
        label="Where do you practise?",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"Where you practise must be {NAME_MAX_LENGTH:,} characters or fewer"},
    )
    practice_times = forms.CharField(
        label="When do you practise?",
        help_text="The days and times, for example Tuesday and Thursday afternoons.",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"When you practise must be {NAME_MAX_LENGTH:,} characters or fewer"},
    )
    practice_hours = practice_hours_field("How many hours a week?")

    PERMISSION_FIELDS = ("permitted_by", "permitted_on")
    PRACTICE_FIELDS = ("practice_place", "practice_times", "practice_hours")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = self.policy
        self.situation = self.revision.situation
        layout = [
            Field.textarea("description", rows=6, max_characters=DESCRIPTION_MAX_LENGTH),
            Field("arose_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field("ends_on", context={"legend_size": "govuk-fieldset__legend--s"}),
        ]
        if self.situation in (Situation.GIFT, Situation.HOSPITALITY):
            noun = "gift" if self.situation == Situation.GIFT else "hospitality"
            self.title = f"About the {noun}"
            self.fields["value"].help_text = (
                f"Gifts from one source worth less than £{policy.gift_threshold:,.2f} in all over "
                f"{policy.gift_period_months} months need not be declared, but you may declare them."
                if self.situation == Situation.GIFT
                else f"What it would have cost you. Hospitality worth less than £{policy.hospitality_threshold:,.2f} "
                f"need not be declared; over £{policy.hospitality_approval_above:,.2f} it is refused unless a "
                "senior person approved it in advance."
            )
            layout.append(Field.text("value", field_width=10))
            if self.situation == Situation.GIFT:
                self.fields["from_supplier"].help_text += (
                    " Their gifts are declined whatever their value, except low-cost promotional items worth "
                    f"less than £{policy.supplier_gift_limit:,.2f}."
                )
                layout.append(Field.radios("from_supplier", legend_size=Size.SMALL, inline=True))
                if policy.cash_must_be_declined:
                    self.fields[
                        "cash_or_vouchers"
                    ].help_text = "Cash and vouchers must always be declined, whatever their value."
                layout.append(Field.radios("cash_or_vouchers", legend_size=Size.SMALL, inline=True))
            else:
                del self.fields["cash_or_vouchers"], self.fields["from_supplier"]
            layout.append(Field.radios("outcome", legend_size=Size.SMALL, inline=True))
            if self.situation == Situation.HOSPITALITY:
                self.fields["approved_by"].help_text = (
                    f"Only for hospitality worth more than £{policy.hospitality_approval_above:,.2f}: "
                    "the senior person your partnership names."
                )
                layout += [
                    Field.text("approved_by"),
                    Field("approved_on", context={"legend_size": "govuk-fieldset__legend--s"}),
                ]
            else:
                del self.fields["approved_by"], self.fields["approved_on"]
        else:
            self.title = "About the interest"
            for name in ("value", "cash_or_vouchers", "from_supplier", "outcome", "approved_by", "approved_on"):
                del self.fields[name]
        if self.situation in PERMITTED_SITUATIONS:
            layout += [
                Field.text("permitted_by"),
                Field("permitted_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            ]
        else:
            for name in self.PERMISSION_FIELDS:
                del self.fields[name]
        if self.situation == Situation.PRIVATE_PRACTICE:
            layout += [
                Field.text("practice_place"),
                Field.text("practice_times"),
                Field.text("practice_hours", field_width=4),
            ]
        else:
            for name in self.PRACTICE_FIELDS:
                del self.fields[name]
        if self.situation == Situation.SHAREHOLDING:
            self.fields[
                "description"
            ].help_text = (
                "The company and the shares you hold. Pension funds and unit trusts are excluded: do not declare them."
            )
        self.helper = form_helper(*layout, button="Continue")

    @staticmethod
    def initial_from(revision) -> dict:
        cash = {True: "yes", False: "no"}.get(revision.cash_or_vouchers)
        return {
            "description": revision.description,
            "arose_on": revision.arose_on,
            "ends_on": revision.ends_on,
            "value": revision.value,
            "cash_or_vouchers": cash,
            "from_supplier": {True: "yes", False: "no"}.get(revision.from_supplier),
            "outcome": revision.outcome,
            "approved_by": revision.approved_by,
            "approved_on": revision.approved_on,
            "permitted_by": revision.permitted_by,
            "permitted_on": revision.permitted_on,
            "practice_place": revision.practice_place,
            "practice_times": revision.practice_times,
            "practice_hours": revision.practice_hours,
        }

    def clean_description(self):
        return self.cleaned_data["description"].strip()


QUESTION_FORMS = {"kind": KindForm, "situation": SituationForm, "concerning": ConcerningForm, "details": DetailsForm}
STEPS = tuple(QUESTION_FORMS)


class SubmitForm(GovForm):
    """The note that goes with a submission: the answer to a reviewer's question, or what changed."""

    note = forms.CharField(
        widget=forms.Textarea,
        max_length=NOTE_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"Keep it to {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, answering: bool, updating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        if answering:
            self.fields["note"].label = "Your answer to the question"
            self.fields["note"].help_text = "The reviewer sees your answer with the declaration."
            self.fields["note"].required = True
            self.fields["note"].error_messages["required"] = "Answer the reviewer's question"
            layout.append(Field.textarea("note", label_size=Size.MEDIUM, rows=4, max_characters=NOTE_MAX_LENGTH))
        elif updating:
            self.fields["note"].label = "What has changed? (optional)"
            self.fields["note"].help_text = "For example, the end date is now known."
            layout.append(Field.textarea("note", label_size=Size.MEDIUM, rows=3, max_characters=NOTE_MAX_LENGTH))
        else:
            del self.fields["note"]
        self.helper = form_helper(*layout, button="Submit declaration")

    def clean_note(self):
        return self.cleaned_data["note"].strip()


class EndForm(GovForm):
    ended_on = DayMonthYearField(
        what="the date the interest ended", label="When did the interest end?", help_text="For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Anything the reviewer should know (optional)",
        help_text="For example, you resigned from the role or sold the shares.",
        widget=forms.Textarea,
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"Keep it to {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("ended_on", context={"legend_size": "govuk-fieldset__legend--m"}),
            Field.textarea("reason", rows=3, max_characters=NOTE_MAX_LENGTH),
            button="End this interest",
        )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


# --- Reviewing ---------------------------------------------------------------------------


class ReviewForm(GovForm):
    ACCEPT, ACCEPT_WITH_ACTIONS, RETURN = "accept", "accept_with_actions", "return"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            Choice(ACCEPT, "Accept: no conflict to manage"),
            Choice(ACCEPT_WITH_ACTIONS, "Accept with management actions"),
            Choice(RETURN, "Return it to the partner with a question"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept the declaration or return it"},
    )
    actions = forms.MultipleChoiceField(
        label="Management actions",
        help_text="Only when accepting with management actions. Select all that apply.",
        choices=ManagementAction.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose management actions from the list"},
    )
    other_action = forms.CharField(
        label="Describe the other action",
        help_text="For example, “may not chair the commissioning panel”.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"The other action must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )
    note = forms.CharField(
        label="Your question for the partner, or a note about your decision",
        help_text="A question is needed when you return the declaration. The partner sees it.",
        widget=forms.Textarea,
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"Keep it to {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.checkboxes("actions", legend_size=Size.SMALL),
            Field.text("other_action"),
            Field.textarea("note", rows=4, max_characters=NOTE_MAX_LENGTH),
            button="Record the decision",
        )

    def clean_other_action(self):
        return _one_line(self.cleaned_data["other_action"])

    def clean_note(self):
        return self.cleaned_data["note"].strip()

    def clean(self):
        data = super().clean()
        decision, actions = data.get("decision"), data.get("actions") or []
        if decision == self.ACCEPT_WITH_ACTIONS and not actions and "actions" not in self.errors:
            self.add_error("actions", "Choose at least one management action")
        if decision in (self.ACCEPT, self.RETURN) and actions:
            self.add_error(
                "actions",
                "Management actions apply only when you accept with management actions: "
                "clear them or change your decision",
            )
        if (
            ManagementAction.Kind.OTHER in actions
            and not data.get("other_action")
            and "other_action" not in self.errors
        ):
            self.add_error("other_action", "Describe the other management action")
        if decision == self.RETURN and not data.get("note") and "note" not in self.errors:
            self.add_error("note", "Enter your question for the partner")
        return data

    def management_actions(self) -> list[tuple[str, str]]:
        other = self.cleaned_data.get("other_action", "")
        return [
            (kind, other if kind == ManagementAction.Kind.OTHER else "")
            for kind in self.cleaned_data.get("actions", [])
        ]


class WithholdForm(GovForm):
    reason = forms.CharField(
        widget=forms.Textarea,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"The reason must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, withholding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if withholding:
            field.label = "Why is it withheld from the public register?"
            field.help_text = "For example, a risk to someone's personal safety. The public does not see this."
            field.error_messages["required"] = "Enter the reason for withholding this declaration"
        else:
            field.label = "Why can it be published again?"
            field.help_text = "The reason is kept in the declaration's history."
            field.error_messages["required"] = "Enter the reason for publishing this declaration again"
        self.helper = form_helper(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4, max_characters=NOTE_MAX_LENGTH),
            button="Withhold from the public register" if withholding else "Publish on the public register",
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class AnnualConfirmationFilterForm(ErrorSummaryMixin, forms.Form):
    """Which partnership the list of annual confirmations shows: one of the reader's, or all of them."""

    partnership = forms.ChoiceField(
        label="Partnership",
        required=False,
        error_messages={"invalid_choice": "Choose one of the partnerships listed"},
    )

    def __init__(self, data, *, partnerships: list):
        # The page lays the select out itself, with the id the error summary links to.
        super().__init__(data, auto_id="%s")
        self.fields["partnership"].choices = [("", "All your partnerships")] + [
            (partnership.slug, partnership.name) for partnership in partnerships
        ]


class WithholdingRequestForm(GovForm):
    """The declarant's request to withhold, or the programme manager's refusal of one."""

    reason = forms.CharField(
        widget=forms.Textarea,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"The reason must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, refusing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if refusing:
            field.label = "Why is it not withheld?"
            field.help_text = "The declarant sees this in the declaration's history."
            field.error_messages["required"] = "Enter why it is not withheld"
        else:
            field.label = "Why should it be withheld from the public register?"
            field.help_text = (
                "For example, a risk to your or someone's personal safety. "
                "The programme manager decides; the public does not see this."
            )
            field.error_messages["required"] = "Enter why it should be withheld from the public register"
        self.helper = form_helper(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4, max_characters=NOTE_MAX_LENGTH),
            button="Refuse the request" if refusing else "Ask for it to be withheld",
        )
