from django import forms

BANNER = (
    "This is a restricted police information system. Use is limited to authorised staff for "
    "official business. Every action is recorded and monitored; misuse may lead to discipline "
    "and criminal prosecution. By signing in you consent to this monitoring."
)


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
    acknowledge = forms.BooleanField(
        label="I have read and accept the notice above.",
        error_messages={"required": "Accept the system-use notice to sign in."},
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label="Six-digit code",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
