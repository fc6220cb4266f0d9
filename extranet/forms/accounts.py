"""Forms of the accounts: Django's own authentication forms, in the site's French and
with the error summary of every form of the site (`home.forms.ErrorSummaryMixin`)."""

import unicodedata

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from extranet.services import accounts
from home.forms import ErrorSummaryMixin

EMAIL_MAX_LENGTH = 254


class LoginForm(ErrorSummaryMixin, AuthenticationForm):
    """Username or email address, then the password. django-axes counts each failure
    against the account's real username, whichever of the two was typed."""

    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez les majuscules et réessayez."
        ),
        "inactive": _("Ce compte est désactivé. Écrivez à l'équipe du site."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Identifiant ou adresse électronique")
        # Room for an email address (a username is at most 150 characters).
        username.max_length = EMAIL_MAX_LENGTH
        username.validators = [
            *(v for v in username.validators if not isinstance(v, MaxLengthValidator)),
            MaxLengthValidator(EMAIL_MAX_LENGTH),
        ]
        username.widget.attrs.update({"maxlength": EMAIL_MAX_LENGTH, "autocomplete": "username"})
        username.widget.attrs.pop("autofocus", None)
        self.fields["password"].label = _("Mot de passe")

    @sensitive_variables()
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            username = self._username_for(username)
            self.cleaned_data["username"] = username
            # AuthenticationForm.clean() would authenticate again with the typed value.
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    @staticmethod
    def _username_for(typed: str) -> str:
        """The username of the one active account with this email address, when the
        visitor typed an address that is nobody's username; otherwise what was typed."""
        if "@" not in typed:
            return typed
        User = get_user_model()
        if User._default_manager.filter(**{User.USERNAME_FIELD: typed}).exists():
            return typed
        email_field = User.get_email_field_name()
        matches = list(
            User._default_manager.filter(
                **{f"{email_field}__iexact": typed.strip()}, is_active=True
            )[:2]
        )
        return matches[0].get_username() if len(matches) == 1 else typed


class PasswordResetRequestForm(ErrorSummaryMixin, PasswordResetForm):
    """Django's reset form, sending through the site's outbox. It answers the same for
    every address: the view never says whether an account exists."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("Celle de votre compte, par exemple nom@exemple.fr."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        """Active accounts with this address, including those invited but without a
        password yet (Django skips them: here every account is local, and an associate
        whose invitation expired asks for a new link through this form)."""
        User = get_user_model()
        email_field = User.get_email_field_name()
        users = User._default_manager.filter(**{f"{email_field}__iexact": email}, is_active=True)
        wanted = _casefold(email)
        return (user for user in users if _casefold(getattr(user, email_field) or "") == wanted)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        accounts.send_password_reset(
            user=context["user"], to=to_email, uidb64=context["uid"], token=context["token"]
        )


def _casefold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


class ChoosePasswordForm(ErrorSummaryMixin, SetPasswordForm):
    """A first password (invitation) or a new one (reset link)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Le même mot de passe, une seconde fois")


class ChangePasswordForm(ErrorSummaryMixin, PasswordChangeForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Mot de passe actuel")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Le même nouveau mot de passe, une seconde fois")


class CodeField(forms.CharField):
    """The six digits shown by the authenticator app."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code à six chiffres"))
        kwargs.setdefault(
            "help_text", _("Affiché par votre application d'authentification, par exemple 123456.")
        )
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "pattern": r"[0-9 ]*",
                    "size": 8,
                }
            ),
        )
        super().__init__(**kwargs)


class _CodeFormMixin(ErrorSummaryMixin):
    """Checks the code against one device (django-otp's throttling and replay guard)."""

    confirm = False

    def check_code(self, device, code: str) -> None:
        try:
            accounts.verify_code(device=device, code=code, confirm=self.confirm)
        except accounts.CodeRefused as refusal:
            if refusal.wait_seconds:
                raise forms.ValidationError(
                    _("Trop de codes erronés : attendez %(seconds)s secondes avant de réessayer."),
                    code="throttled",
                    params={"seconds": refusal.wait_seconds},
                ) from None
            raise forms.ValidationError(
                _(
                    "Ce code n'est pas le bon, ou il a déjà servi. Saisissez le code affiché "
                    "maintenant par votre application (il change toutes les 30 secondes)."
                ),
                code="invalid",
            ) from None


class VerifyCodeForm(_CodeFormMixin, forms.Form):
    """The second step of a login, for an account with an authenticator."""

    code = CodeField()

    def __init__(self, *args, device, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.check_code(self.device, code)
        return code


class EnrolForm(VerifyCodeForm):
    """Setting up an authenticator: a first good code confirms it."""

    confirm = True


class DisableTwoFactorForm(_CodeFormMixin, forms.Form):
    """Turning two-factor authentication off takes the password and a current code."""

    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = CodeField()

    def __init__(self, *args, user, device, **kwargs):
        self.user = user
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce n'est pas votre mot de passe."), code="password")
        return password

    def clean(self):
        cleaned = super().clean()
        # The code is spent only once the password is right.
        if "password" in cleaned and cleaned.get("code"):
            try:
                self.check_code(self.device, cleaned["code"])
            except forms.ValidationError as error:
                self.add_error("code", error)
        return cleaned
