from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(max_length=12, error_messages={"required": "Enter the 6-digit code from your authenticator app"})

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app, like 123456")
        return code
