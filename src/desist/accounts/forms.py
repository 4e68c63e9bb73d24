from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=12, error_messages={"required": "Enter the 6-digit code from your authenticator app"}
    )

    backup_allowed = False

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if self.backup_allowed and len(code) == 8 and code.isalnum():
            return code
        raise forms.ValidationError(
            "Enter the 6-digit code from your authenticator app, like 123456"
            + (", or a backup code" if self.backup_allowed else "")
        )


class SignInCodeForm(CodeForm):
    """At sign-in, a backup code (8 letters and digits) works in place of the app's code."""

    backup_allowed = True
