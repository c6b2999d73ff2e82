"""GOV.UK tags ("Submitted", "Late") written directly, for the filters that
show a record's status on every row of a list."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString


def govuk_tags(*tags: tuple[str, str]) -> SafeString:
    """One tag per (colour, label), separated by spaces."""
    return format_html_join(" ", '<strong class="govuk-tag govuk-tag--{}">{}</strong>', tags)
