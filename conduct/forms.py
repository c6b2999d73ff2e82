from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxLengthValidator

from govuk.date_input import DayMonthYearField
from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import KeepsWhatIsTypedMixin
from govuk.form_layout import form_helper

from .code_import import MAX_UPLOAD_BYTES, DocumentError, document_text, read_code
from .models import CodeReview, CodeVersion, Item, Partnership, Principle, Section


class LoginForm(ErrorSummaryMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        # Django checks the length only in the browser; a longer name must be
        # refused here, before the login throttle tries to record it.
        self.fields["username"].validators.append(
            MaxLengthValidator(150, "Enter a username of 150 characters or fewer")
        )
        self.helper = form_helper(
            Field.text("username", field_width=20, autocomplete="username"),
            Field.text("password", field_width=20, autocomplete="current-password"),
            button="Log in",
        )
        # The page wraps the fields in its own <form> to carry the "next" address.
        self.helper.form_tag = False


class PasswordResetRequestForm(ErrorSummaryMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("email", autocomplete="email"), button="Send reset link")


class SetNewPasswordForm(ErrorSummaryMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("new_password1", field_width=20, autocomplete="new-password"),
            Field.text("new_password2", field_width=20, autocomplete="new-password"),
            button="Set password",
        )


class SignatureForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I have read this code of conduct and agree to follow it",
        error_messages={"required": "Confirm that you have read the code and agree to follow it"},
    )
    typed_name = forms.CharField(
        label="Your full name",
        help_text="Typing your name signs the code.",
        max_length=200,
        error_messages={
            "required": "Type your full name to sign",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.checkbox("confirm"),
            Field.text("typed_name", field_width=20, autocomplete="name"),
            button="Sign the code",
        )

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if not name:
            raise forms.ValidationError("Type your full name to sign")
        return name


class VersionCompareForm(ErrorSummaryMixin, forms.Form):
    from_number = forms.TypedChoiceField(label="Earlier version", coerce=int)
    to_number = forms.TypedChoiceField(label="Later version", coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, str(v)) for v in versions]
        self.fields["from_number"].choices = choices
        self.fields["to_number"].choices = choices
        self.helper = form_helper(
            Field.select("from_number"), Field.select("to_number"), button="Compare", button_class="secondary"
        )
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if data.get("from_number") is not None and data.get("from_number") == data.get("to_number"):
            raise forms.ValidationError("Choose two different versions to compare")
        return data


def set_review_cadence_fields(form) -> None:
    # A text input asking for digits, as GOV.UK advises for whole numbers: crispy-forms-gds
    # gives a number input neither GOV.UK's look nor a visible focus.
    for name, label in (
        ("light_touch_review_months", "Light-touch review every (months)"),
        ("full_review_months", "Full review every (months)"),
    ):
        form.fields[name] = forms.IntegerField(
            label=label,
            min_value=1,
            max_value=120,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            error_messages={
                "required": "Enter a number of months",
                "invalid": "Enter a whole number of months",
                "min_value": "Enter a number of months of at least 1",
                "max_value": "Enter a number of months no more than 120 (ten years)",
            },
        )


class DraftForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.ModelForm):
    """Validates a draft's details; `code_version_edit_draft` saves them."""

    # GOV.UK's date input: codes are dated by month ("October 2023") as often as by day.
    version_date = DayMonthYearField(
        label="Version date",
        what="the version's date",
        optional_day=True,
        required=False,
        help_text="The date the version carries, for example 10 2023. Leave the day empty if it gives only a month.",
    )
    last_full_review_on = DayMonthYearField(
        label="Date of last full review",
        what="the date of the last full review",
        optional_day=True,
        required=False,
        help_text="Leave empty where the code gives none; leave the day empty if it gives only a month.",
    )

    class Meta:
        model = CodeVersion
        fields = [
            "title",
            "label",
            "version_date",
            "preamble",
            "last_full_review_on",
            "light_touch_review_months",
            "full_review_months",
        ]
        error_messages = {
            "title": {
                "required": "Enter the title of the code",
                "max_length": "The title must be 200 characters or fewer",
            },
            "label": {"max_length": "The label must be 100 characters or fewer"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_review_cadence_fields(self)
        self.helper = form_helper(
            Field.text("title"),
            Field.text("label", field_width=20),
            Field("version_date"),
            Field.textarea("preamble", rows=5),
            Field("last_full_review_on"),
            Field.text("light_touch_review_months", field_width=3),
            Field.text("full_review_months", field_width=3),
            button="Save draft",
        )


class ProposedDetailsForm(DraftForm):
    """The title, label, dates and review cadence the importer proposes, as the administrator
    confirms them on the import preview: the draft page's fields and rules, less the preamble.
    `code_draft_import` saves them with the items."""

    class Meta(DraftForm.Meta):
        fields = [name for name in DraftForm.Meta.fields if name != "preamble"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="details", **kwargs)
        self.fields["label"].label = "The document's own label"
        self.fields["label"].help_text = 'How the document names this version, for example "Version 2".'
        self.helper.layout = Layout(
            Field.text("title"),
            Field.text("label", field_width=20),
            Field("version_date"),
            Field("last_full_review_on"),
            Field.text("light_touch_review_months", field_width=3),
            Field.text("full_review_months", field_width=3),
        )
        # Inside the preview's own <form>, whose one button makes the draft with its items.
        self.helper.form_tag = False


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item: Item) -> str:
        return str(item)[:90]


class ItemForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.ModelForm):
    """Validates an item, its number and the clause it is a sub-point of; the item services save it."""

    # Not a model field of the form: the services move the item when its clause changes.
    parent = ParentChoiceField(
        label="Sub-point of",
        queryset=Item.objects.none(),
        required=False,
        empty_label="None: it stands on its own",
        help_text="Choose a clause to make this one of its sub-points, as (a) and (b) are of clause 4.2.",
        error_messages={"invalid_choice": "Choose a clause of this section"},
    )

    class Meta:
        model = Item
        fields = ["kind", "topic", "principle", "number", "title", "text"]
        error_messages = {
            "kind": {"required": "Choose what kind of item this is"},
            "number": {"max_length": "The number must be 30 characters or fewer"},
        }

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = Principle.objects.all()
        self.fields["topic"].label = "Topic (rules only)"
        self.fields["principle"].label = "Principle of public life (principles only)"
        self.fields["number"].label = "Number (optional)"
        self.fields["number"].help_text = 'As the document writes it, for example "4.2" or "(a)".'
        self.fields["title"].required = False
        self.fields["text"].required = False
        clauses = section.items.filter(parent=None).select_related("principle").order_by("position", "pk")
        if self.instance.pk:
            clauses = clauses.exclude(pk=self.instance.pk)
            self.initial.setdefault("parent", self.instance.parent_id)
        self.fields["parent"].queryset = clauses
        self.helper = form_helper(
            Field.select("kind"),
            Field.select("topic"),
            Field.select("principle"),
            Field.text("number", field_width=5),
            Field.select("parent"),
            Field.text("title"),
            Field.textarea("text", rows=6),
            button="Save item",
        )


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, section: Section) -> str:
        return f"After: {section.heading or f'Section {section.position}'}"[:90]


class SectionForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """A section's heading and, when adding one, where it goes; the section services save it."""

    heading = forms.CharField(
        label="Heading",
        max_length=Section._meta.get_field("heading").max_length,
        error_messages={
            "required": "Enter the section's heading",
            "max_length": "The heading must be %(limit_value)d characters or fewer",
        },
    )

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.text("heading")]
        if sections is not None:
            self.fields["after"] = SectionChoiceField(
                label="Where it goes",
                queryset=sections,
                required=False,
                empty_label="At the end",
                error_messages={"invalid_choice": "Choose a section of this draft"},
            )
            layout.append(Field.select("after"))
        self.helper = form_helper(*layout, button="Save section")


class ReviewCompleteForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    considered = forms.CharField(
        label="What did the review consider?",
        help_text="For example the feedback received, changes in the partnership, breaches and their lessons.",
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={
            "required": "Say what the review considered",
            "max_length": "What the review considered must be 10,000 characters or fewer",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome", widget=forms.RadioSelect, error_messages={"required": "Choose the outcome of the review"}
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        outcomes = CodeReview.Outcome.choices
        if review.kind != CodeReview.Kind.FULL:
            outcomes = [c for c in outcomes if c[0] != CodeReview.Outcome.NEW_VERSION]
        self.fields["outcome"].choices = outcomes
        self.helper = form_helper(
            Field.textarea("considered", rows=6), Field.radios("outcome"), button="Complete the review"
        )


class ReviewScheduleForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.ModelForm):
    """Validates a version's review schedule; `code_version_set_review_schedule` saves it."""

    last_full_review_on = DayMonthYearField(
        label="Date of last full review",
        what="the date of the last full review",
        optional_day=True,
        help_text="For example 6 2024. Leave the day empty if the code gives only a month.",
    )

    class Meta:
        model = CodeVersion
        fields = ["last_full_review_on", "light_touch_review_months", "full_review_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_review_cadence_fields(self)
        self.helper = form_helper(
            Field("last_full_review_on"),
            Field.text("light_touch_review_months", field_width=3),
            Field.text("full_review_months", field_width=3),
            button="Save the review schedule",
        )


class CodeCreateForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """Validates a new code's title and partnership; `code_create` makes it."""

    title = forms.CharField(
        label="Title of the code",
        max_length=200,
        help_text='As the document gives it, for example "Riverside Members\' Code of Conduct".',
        error_messages={
            "required": "Enter the title of the code",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.select_related("code"),
        label="Partnership that owns it",
        help_text="The partnership adopts this code in place of the one it has now.",
        error_messages={"required": "Choose the partnership that owns the code"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].label_from_instance = lambda p: f"{p.name} (now adopts {p.code.title})"
        self.helper = form_helper(Field.text("title"), Field.select("partnership"), button="Create the code")


class CodeDocumentForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """The code's document, pasted or uploaded, read into the structure the importer proposes."""

    text = forms.CharField(
        label="Paste the code's text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Or upload the document",
        required=False,
        help_text="A Word document (.docx), Markdown (.md) or plain text (.txt) file, up to 5 MB.",
    )

    TOO_LARGE = (
        "The text is larger than {mb} MB, far more than any code of conduct. "
        "Paste the code alone, or upload its document as a file"
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        """too_large: the paste was larger than Django reads (DATA_UPLOAD_MAX_MEMORY_SIZE), so
        the form is shown again saying so by the text box, with nothing of it kept."""
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("text", rows=12), Field("file"), button="Check the document")
        self.document = ""
        self.proposal = None
        self.too_large = too_large

    def clean(self):
        if self.too_large:
            mb = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)
            raise forms.ValidationError({"text": self.TOO_LARGE.format(mb=f"{mb:g}")})
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if text.strip() and upload:
            raise forms.ValidationError("Paste the text or upload a file, not both")
        field = "file" if upload else "text"
        try:
            # One byte more than allowed is enough to tell a file that it is too large.
            self.document = (
                document_text(name=upload.name, content=upload.read(MAX_UPLOAD_BYTES + 1)) if upload else text
            )
            self.proposal = read_code(self.document)
        except DocumentError as error:
            self.add_error(field, str(error))
        return data


class ProposedItemForm(forms.Form):
    """One item of an imported document as the administrator corrects it on the preview."""

    number = forms.CharField(
        max_length=30, required=False, error_messages={"max_length": "A number has 30 characters or fewer"}
    )
    kind = forms.ChoiceField(choices=Item.Kind.choices)
    nested = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs.update({"class": "govuk-input govuk-input--width-5", "spellcheck": "false"})
        self.fields["number"].widget.attrs.pop("maxlength", None)
        self.fields["kind"].widget.attrs["class"] = "govuk-select"
        self.fields["nested"].widget.attrs["class"] = "govuk-checkboxes__input"


ProposedItemFormSet = forms.formset_factory(ProposedItemForm, extra=0)


def proposal_rows(proposal) -> list[dict]:
    """The preview formset's initial values: what the importer proposes for each item."""
    return [
        {"number": item.number, "kind": item.kind, "nested": parent is not None}
        for _section, item, parent in proposal.items()
    ]


def proposal_details(proposal, *, code) -> dict:
    """The preview's details form's initial values: what the importer read from the document."""
    return {
        "title": proposal.title or code.title,
        "label": proposal.label,
        "version_date": proposal.version_date,
        "last_full_review_on": proposal.last_full_review_on,
        "light_touch_review_months": proposal.light_touch_review_months,
        "full_review_months": proposal.full_review_months,
    }
