"""What every form that takes text shares, whichever app it belongs to."""


class KeepsWhatIsTypedMixin:
    """Inputs never cut off what is typed or pasted: a maxlength attribute makes
    the browser drop the rest silently, so the length is checked on submit
    instead, with a message that gives the limit, and the text is shown back whole."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
