"""The public registration form of a workshop (the rules are in projects.services.workshops)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from home.abuse import HONEYPOT_FIELD, honeypot_filled
from home.forms import ErrorSummaryMixin, HoneypotField, PublicEmailField, PublicTextField
from projects.constants import REGISTRANT_NAME_MAX, REGISTRANT_ORGANISATION_MAX

TOO_LONG = _(
    "Ce champ est trop long : %(limit_value)d caractères au plus "
    "(vous en avez saisi %(show_value)d)."
)


class WorkshopRegistrationForm(ErrorSummaryMixin, forms.Form):
    name = PublicTextField(
        label=_("Nom et prénom"),
        max_length=REGISTRANT_NAME_MAX,
        error_messages={
            "required": _("Indiquez votre nom et votre prénom."),
            "max_length": TOO_LONG,
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = PublicEmailField(
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
    organisation = PublicTextField(
        label=_("Organisation (facultatif)"),
        max_length=REGISTRANT_ORGANISATION_MAX,
        error_messages={"max_length": TOO_LONG},
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Same field, name and check as every public form of the site (home.forms).
        self.fields[HONEYPOT_FIELD] = HoneypotField()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name",
            "email",
            "organisation",
            Div(HONEYPOT_FIELD, css_class="hp-field"),
        )

    def clean(self):
        cleaned = super().clean()
        if honeypot_filled(self.data):
            raise forms.ValidationError(
                _("Votre inscription n'a pas pu être enregistrée. Laissez vide le dernier champ."),
                code="honeypot",
            )
        return cleaned
