"""Forms for partnership administration: they validate and normalise; conduct's services make the changes."""

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from breaches.models import BreachPolicy
from conduct.models import Code, Partnership, Role
from declarations.models import DeclarationPolicy
from govuk.date_input import DayMonthYearField
from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import DrawnFieldsMixin, KeepsWhatIsTypedMixin
from govuk.form_layout import form_helper
from meetings.models import MeetingPolicy

from .people_import import MAX_BYTES

NAME_MAX_LENGTH = 200


def _text(label: str, what: str, *, max_length: int = NAME_MAX_LENGTH, required: bool = True, **kwargs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"required": f"Enter {what}", "max_length": f"{label} must be {max_length} characters or fewer"},
        **kwargs,
    )


class GovForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    pass


class PartnershipForm(GovForm):
    name = _text("Name", "the partnership's name")
    kind = forms.ChoiceField(
        label="Kind of partnership",
        choices=Partnership.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of partnership"},
    )
    code = forms.ModelChoiceField(
        label="Code of conduct it adopts",
        queryset=Code.objects.order_by("title"),
        empty_label="Choose a code",
        error_messages={"required": "Choose the code of conduct the partnership adopts"},
    )

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name"), Field.radios("kind", legend_size=Size.MEDIUM), Field.select("code"), button=button
        )


class OrganisationJoinForm(GovForm):
    name = _text(
        "Organisation",
        "the organisation's name",
        help_text="An organisation already known to Conduct is matched by its name, whatever its case.",
    )
    started_on = DayMonthYearField(what="the date its membership starts", label="Membership starts on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name"), Field("started_on", legend_size=Size.SMALL), button="Add the organisation"
        )


class MembershipEndForm(GovForm):
    ended_on = DayMonthYearField(what="the date the membership ends", label="Membership ends on")
    reason = _text("Why the membership ends", "why the membership ends", max_length=1000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("ended_on", legend_size=Size.SMALL), Field.textarea("reason", rows=3), button="End the membership"
        )


class PersonForm(GovForm):
    name = _text("Full name", "the person's full name")
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their invitation goes here; it is how they are known in every partnership.",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        required=False,
        empty_label="None: they only hold a role here",
        help_text="Partners belong to one of the partnership's member organisations.",
    )
    job_title = _text("Job title", "", required=False)
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple, help_text="Select all that apply."
    )

    def __init__(self, *args, organisations, role_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["roles"].choices = role_choices
        self.helper = form_helper(
            Field.text("name"),
            Field.text("email", autocomplete="off", spellcheck="false"),
            Field.select("organisation"),
            Field.text("job_title"),
            Field.checkboxes("roles", legend_size=Size.SMALL),
            button="Add the person",
        )

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("roles"):
            self.add_error("organisation", "Choose the person's organisation, or give them a role")
        return data


class PersonUpdateForm(GovForm):
    name = _text("Full name", "the person's full name")
    job_title = _text("Job title", "", required=False)
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple, help_text="Select all that apply."
    )
    organisation_contact = forms.BooleanField(
        required=False,
        help_text=(
            "When a concern names someone there who has no account, this person is told of it instead of "
            "every partner. One contact per organisation: choosing this person replaces any other."
        ),
    )

    def __init__(self, *args, role_choices, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices
        self.fields["organisation_contact"].label = f"The contact at {organisation} for concerns raised about it"
        self.helper = form_helper(
            Field.text("name"),
            Field.text("job_title"),
            Field.checkboxes("roles", legend_size=Size.SMALL),
            Field.checkbox("organisation_contact"),
            button="Save",
        )


class RoleLabelsForm(GovForm):
    """One box per role: what the partnership's own code calls it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role, standard in Role.choices:
            self.fields[role] = _text(
                standard,
                "",
                max_length=80,
                required=False,
                help_text=f"Leave empty to call it “{standard}”.",
            )
        self.helper = form_helper(
            Fieldset(
                *(Field.text(role, field_width=20) for role in Role.values),
                legend="What this partnership calls each role",
            ),
            button="Save the names",
        )


class PeopleUploadForm(GovForm):
    file = forms.FileField(
        label="Upload a list of people",
        help_text=(
            "A CSV or Excel (.xlsx) file with the columns organisation, name, email, job_title, roles "
            "(separated by ;), start_date and end_date, smaller than 10 MB."
        ),
        error_messages={"required": "Choose a CSV or Excel file to upload", "empty": "The selected file is empty"},
    )

    full_list = forms.BooleanField(
        label="This is the full list: everyone of the partnership who is not on it has left",
        help_text="You will see their names before anything changes.",
        required=False,
    )

    adds_organisations = forms.BooleanField(
        label="Add the organisations on the list that are not yet members of the partnership",
        help_text="Otherwise a row naming one is an error. You will see their names before anything changes.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("file"), Field.checkbox("adds_organisations"), Field.checkbox("full_list"), button="Check the list"
        )

    def clean_file(self):
        file = self.cleaned_data["file"]
        # The size Django counted as it wrote the file to disk: nothing of it is read to know.
        if file.size > MAX_BYTES:
            raise forms.ValidationError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
        return file


class PeopleFilterForm(ErrorSummaryMixin, forms.Form):
    """The search over a partnership's people."""

    q = forms.CharField(
        label="Search by name or email",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer to search by"},
    )
    waiting = forms.BooleanField(label="Only people who have not accepted their invitation", required=False)

    def __init__(self, data):
        # The page lays the inputs out itself, with ids the error summary links to.
        super().__init__(data, auto_id="%s")

    @property
    def search(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    @property
    def waiting_only(self) -> bool:
        return self.cleaned_data.get("waiting", False) if self.is_valid() else False


class PolicyForm(DrawnFieldsMixin, KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.ModelForm):
    """Every field of a policy model but its partnership, so a field added to the model appears
    here by itself: its label and hint from the model, its default and limits (the model's
    validators) in the hint, and GOV.UK messages built from them. It validates; a service saves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            label = str(field.label)
            if isinstance(field, forms.BooleanField):
                continue
            if model_field.choices:
                default = dict(model_field.choices)[model_field.default]
                field.help_text = f"{field.help_text} {default} unless you change it.".strip()
                field.widget = forms.RadioSelect(choices=field.choices)
                field.error_messages.update(
                    {
                        "required": f"Choose what happens to {label[0].lower()}{label[1:]}",
                        "invalid_choice": "Choose one of the options",
                    }
                )
                continue
            low, high = _limits(model_field)
            field.help_text = (
                f"{field.help_text} Between {low:,} and {high:,}; {model_field.default} unless you change it."
            )
            # A DecimalField is an IntegerField too.
            whole = not isinstance(field, forms.DecimalField)
            field.widget = forms.TextInput(
                attrs={"inputmode": "numeric" if whole else "decimal", "spellcheck": "false"}
            )
            field.error_messages.update(
                {
                    "required": f"Enter the {label.lower()}",
                    "invalid": f"{label} must be a {'whole number' if whole else 'number'}",
                    "min_value": f"{label} must be {low:,} or more",
                    "max_value": f"{label} must be {high:,} or less",
                    "max_decimal_places": f"{label} must have no more than 2 decimal places",
                    "max_digits": f"{label} must be {high:,} or less",
                    "max_whole_digits": f"{label} must be {high:,} or less",
                }
            )


def _limits(model_field) -> tuple:
    """A policy field's limits, from its model validators (which the database constraints agree with)."""
    limits = {
        type(validator).__name__: validator.limit_value
        for validator in model_field.validators
        if isinstance(validator, MinValueValidator | MaxValueValidator)
    }
    return limits["MinValueValidator"], limits["MaxValueValidator"]


def _policy_fields(model) -> list[str]:
    return [field.name for field in model._meta.fields if field.name not in {"id", "partnership"}]


class DeclarationPolicyForm(PolicyForm):
    legend = "Declarations of interest"

    class Meta:
        model = DeclarationPolicy
        fields = _policy_fields(DeclarationPolicy)


class MeetingPolicyForm(PolicyForm):
    legend = "Attendees of meetings with a conflict of interest"

    class Meta:
        model = MeetingPolicy
        fields = _policy_fields(MeetingPolicy)


class BreachPolicyForm(PolicyForm):
    legend = "Breaches of the code"

    class Meta:
        model = BreachPolicy
        fields = _policy_fields(BreachPolicy)


class AuthenticatorResetForm(GovForm):
    reason = forms.CharField(
        label="Why are you resetting their authenticator?",
        help_text="For example, how they told you they lost their phone and recovery codes. It goes in the audit log.",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why you are resetting their authenticator",
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("reason", rows=4), button="Reset their authenticator", button_class="warning"
        )
