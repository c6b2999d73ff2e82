from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from .models import CodeVersion, Item, Principle


def gds_helper(*fields, button: str, button_class: str = "primary") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, getattr(Button, button_class)("submit", button))
    return helper


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email address"
        self.helper = gds_helper(
            Field.text("username", field_width=20, autocomplete="username"),
            Field.text("password", field_width=20, autocomplete="current-password"),
            button="Log in",
        )


class PasswordResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("email", autocomplete="email"), button="Send reset link")


class SetNewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("new_password1", field_width=20, autocomplete="new-password"),
            Field.text("new_password2", field_width=20, autocomplete="new-password"),
            button="Set password",
        )


class SignatureForm(forms.Form):
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
        self.helper = gds_helper(
            Field.checkbox("confirm"),
            Field.text("typed_name", field_width=20, autocomplete="name"),
            button="Sign the code",
        )

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if not name:
            raise forms.ValidationError("Type your full name to sign")
        return name


class VersionCompareForm(forms.Form):
    from_number = forms.TypedChoiceField(label="Earlier version", coerce=int)
    to_number = forms.TypedChoiceField(label="Later version", coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, str(v)) for v in versions]
        self.fields["from_number"].choices = choices
        self.fields["to_number"].choices = choices
        self.helper = gds_helper(Field.select("from_number"), Field.select("to_number"), button="Compare", button_class="secondary")
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if data.get("from_number") is not None and data.get("from_number") == data.get("to_number"):
            raise forms.ValidationError("Choose two different versions to compare")
        return data


class DraftForm(forms.ModelForm):
    """Validates a draft's details; `code_version_edit_draft` saves them."""

    class Meta:
        model = CodeVersion
        fields = ["title", "label", "version_date", "preamble", "last_full_review_on", "light_touch_review_months", "full_review_months"]
        widgets = {
            "version_date": forms.DateInput(attrs={"type": "date"}),
            "last_full_review_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "title": {"required": "Enter the title of the code"},
            "version_date": {"invalid": "Enter the version's date as a real date, for example 2026-10-31"},
            "last_full_review_on": {"invalid": "Enter the date of the last full review as a real date, for example 2026-10-31"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["light_touch_review_months"].label = "Light-touch review every (months)"
        self.fields["full_review_months"].label = "Full review every (months)"
        for name in ("light_touch_review_months", "full_review_months"):
            self.fields[name].validators += [
                MinValueValidator(1, "Enter a number of months of at least 1"),
                MaxValueValidator(120, "Enter a number of months no more than 120 (ten years)"),
            ]
        self.helper = gds_helper(
            Field.text("title"),
            Field.text("label", field_width=20),
            Field.text("version_date", field_width=10),
            Field.textarea("preamble", rows=5),
            Field.text("last_full_review_on", field_width=10),
            Field.text("light_touch_review_months", field_width=3),
            Field.text("full_review_months", field_width=3),
            button="Save draft",
        )

    def clean(self):
        data = super().clean()
        light, full = data.get("light_touch_review_months"), data.get("full_review_months")
        if light and full and light > full:
            self.add_error("light_touch_review_months", "Light-touch reviews must come at least as often as full reviews")
        return data


class ItemForm(forms.ModelForm):
    """Validates an item; the item services save it."""

    class Meta:
        model = Item
        fields = ["kind", "topic", "principle", "title", "text"]
        error_messages = {
            "kind": {"required": "Choose what kind of item this is"},
            "text": {"required": "Enter the item's text"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = Principle.objects.all()
        self.fields["topic"].label = "Topic (rules only)"
        self.fields["principle"].label = "Principle of public life (principles only)"
        self.helper = gds_helper(
            Field.select("kind"),
            Field.select("topic"),
            Field.select("principle"),
            Field.text("title"),
            Field.textarea("text", rows=6),
            button="Save item",
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Item.Kind.PRINCIPLE and not data.get("principle"):
            self.add_error("principle", "Choose which principle of public life this is")
        if kind != Item.Kind.PRINCIPLE and data.get("principle"):
            self.add_error("principle", "Only a principle links to a principle of public life")
        if kind != Item.Kind.RULE and data.get("topic"):
            self.add_error("topic", "Only a rule has a topic")
        return data
