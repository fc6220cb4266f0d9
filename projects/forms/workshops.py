"""The public registration form of a workshop (the rules are in projects.services)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from projects import abuse

TOO_LONG = _(
    "Ce champ est trop long : %(limit_value)d caractères au plus "
    "(vous en avez saisi %(show_value)d)."
)


class WorkshopRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Nom et prénom"),
        max_length=150,
        error_messages={
            "required": _("Indiquez votre nom et votre prénom."),
            "max_length": TOO_LONG,
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique, par exemple nom@exemple.fr."),
            "invalid": _(
                "Cette adresse électronique n'est pas valide : vérifiez-la "
                "(par exemple nom@exemple.fr)."
            ),
            "max_length": TOO_LONG,
        },
        help_text=_("Pour vous confirmer votre place. Format attendu : nom@exemple.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation (facultatif)"),
        max_length=150,
        error_messages={"max_length": TOO_LONG},
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bots fill every field; people never see this one (display: none, out of the
        # tab order). Same name and check as the idea form's (projects.abuse).
        self.fields[abuse.HONEYPOT_FIELD] = forms.CharField(
            label=_("Ne remplissez pas ce champ"),
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name",
            "email",
            "organisation",
            Div(abuse.HONEYPOT_FIELD, css_class="hp-field"),
        )

    def clean(self):
        cleaned = super().clean()
        if abuse.honeypot_filled(self.data):
            raise forms.ValidationError(
                _("Votre inscription n'a pas pu être enregistrée. Laissez vide le dernier champ."),
                code="honeypot",
            )
        return cleaned


class WorkshopRegistrationAdminForm(WagtailAdminModelForm):
    """The staff edit form: cancelling goes through the service, so the freed place
    goes to the first person on the waiting list, who is told by email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initial_status = self.instance.status

    def save(self, commit=True):
        from projects.models import WorkshopRegistration
        from projects.services import cancel_registration

        cancelling = (
            commit
            and not self.instance._state.adding
            and self._initial_status != WorkshopRegistration.Status.CANCELLED
            and self.instance.status == WorkshopRegistration.Status.CANCELLED
        )
        if not cancelling:
            return super().save(commit=commit)
        with transaction.atomic():
            self.instance.status = self._initial_status
            registration = super().save(commit=True)
            cancel_registration(registration=registration)
        return registration
