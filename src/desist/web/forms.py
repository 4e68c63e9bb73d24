from typing import Any

from django import forms
from django.conf import settings

from desist.formfields import set_choices

OTHER_PURPOSE = "other"


def purpose_choices(*, administrator: bool) -> list[tuple[str, str]]:
    """The purposes a user may state: record linkage is stated by the review pages themselves, and system
    administration only by administrators."""
    return [
        (key, label)
        for key, label in settings.DESIST_PURPOSES.items()
        if key != "record_linkage" and (key != "administration" or administrator)
    ]


class PurposeForm(forms.Form):
    """The purpose of a session's access (DPA 2018 s.62): one of the configured purposes, or "other" in
    words."""

    purpose = forms.ChoiceField(
        label="Why are you using desist?",
        choices=[],
        error_messages={
            "required": "Choose the purpose of your access",
            "invalid_choice": "Choose the purpose of your access",
        },
    )
    other_reason = forms.CharField(
        label="Say why",
        required=False,
        max_length=300,
        error_messages={"max_length": "Say why in 300 characters or fewer"},
    )
    next = forms.CharField(required=False)

    def __init__(self, *args: Any, administrator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "purpose", purpose_choices(administrator=administrator))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        reason = " ".join(str(data.get("other_reason") or "").split())
        data["other_reason"] = reason if data.get("purpose") == OTHER_PURPOSE else ""
        if data.get("purpose") == OTHER_PURPOSE and not reason:
            self.add_error("other_reason", "Say why you are using desist")
        return data
