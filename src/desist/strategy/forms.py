from __future__ import annotations

from django import forms

from desist.strategy.models import Rag


class UpdateForm(forms.Form):
    rag = forms.ChoiceField(label="RAG status this quarter", choices=Rag.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="What has happened this quarter",
        widget=forms.Textarea,
        max_length=4000,
        help_text="The board reads this beside the status in its pack.",
    )
