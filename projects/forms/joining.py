"""The "Rejoindre ce projet" form of a project that seeks people: it validates, and the
view hands the cleaned data to `projects.services.joining`."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from home.abuse import HONEYPOT_FIELD
from home.forms import (
    ErrorSummaryMixin,
    HoneypotField,
    PublicEmailField,
    PublicTextField,
    consent_label,
)
from projects.constants import EMAIL_MAX, JOIN_MESSAGE_MAX, JOIN_MESSAGE_MIN, NAME_MAX
from projects.forms.ideas import length_messages


class JoinProjectForm(ErrorSummaryMixin, forms.Form):
    """Who you are, how you would help, and your consent: nothing else."""

    name = PublicTextField(
        label=_("Votre nom"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Indiquez votre nom, pour que l'équipe du projet sache qui lui écrit."),
            **length_messages(_("Le nom"), None, NAME_MAX),
        },
    )
    email = PublicEmailField(
        label=_("Votre adresse électronique"),
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "L'équipe du projet vous répondra à cette adresse, par exemple nom@exemple.fr."
        ),
        error_messages={
            "required": _("Indiquez votre adresse électronique, pour recevoir la réponse."),
            "invalid": _(
                "Saisissez une adresse électronique complète, par exemple nom@exemple.fr."
            ),
            **length_messages(_("L'adresse électronique"), None, EMAIL_MAX),
        },
    )
    contribution = PublicTextField(
        label=_("Comment aimeriez-vous aider ?"),
        multiline=True,
        min_length=JOIN_MESSAGE_MIN,
        max_length=JOIN_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Porter le projet, donner un peu de temps, un savoir-faire, un local, un réseau… "
            "Entre 10 et 2 000 caractères."
        ),
        error_messages={
            "required": _("Dites en quelques mots comment vous aimeriez aider."),
            **length_messages(_("Votre message"), JOIN_MESSAGE_MIN, JOIN_MESSAGE_MAX),
        },
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _(
                "Cochez cette case pour que nous puissions transmettre votre message : sans "
                "votre accord, nous ne pouvons pas garder vos coordonnées."
            )
        },
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_label(
            _(
                "J'accepte que le Clus'Ter Jura transmette ces informations à l'équipe du projet "
                "pour qu'elle me réponde."
            ),
            organisation,
        )
        self.fields[HONEYPOT_FIELD] = HoneypotField()
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name", "email", "contribution", "consent", Div(HONEYPOT_FIELD, css_class="hp-field")
        )
