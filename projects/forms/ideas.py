"""The public submission form of a call for ideas: it validates, and the view hands
the cleaned data to `projects.services.ideas`, where the rules live."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
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
from projects.constants import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    EMAIL_MAX,
    NAME_MAX,
    ORGANISATION_MAX,
    PHONE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Involvement,
    phone_validator,
)
from projects.forms.communes import CommuneChoiceField, OtherCommuneField, clean_commune_choice
from projects.models import Commune, Theme


def length_messages(field_label: str, minimum: int | None, maximum: int) -> dict[str, str]:
    """French messages for a field's length bounds (shared by the public forms)."""
    messages = {
        "max_length": _(
            "%(field)s est trop long : %(max)s caractères au plus (vous en avez saisi "
            "%%(show_value)d). Raccourcissez-le."
        )
        % {"field": field_label, "max": f"{maximum:,}".replace(",", "\u202f")},
    }
    if minimum:
        messages["min_length"] = _(
            "%(field)s est trop court : %(min)s caractères au moins (vous en avez saisi "
            "%%(show_value)d). Précisez-le un peu."
        ) % {"field": field_label, "min": minimum}
    return messages


class IdeaForm(ErrorSummaryMixin, forms.Form):
    """The submission form of an open call. No account: who you are is asked here."""

    title = PublicTextField(
        label=_("Titre de votre idée"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text=_("En quelques mots, par exemple « Une recyclerie de matériaux à Morez »."),
        error_messages={
            "required": _("Donnez un titre à votre idée."),
            **length_messages(_("Le titre"), TITLE_MIN, TITLE_MAX),
        },
    )
    description = PublicTextField(
        label=_("Votre idée"),
        multiline=True,
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "Entre 30 et 5 000 caractères : le besoin que vous voyez, ce que vous imaginez, "
            "qui pourrait s'y associer."
        ),
        error_messages={
            "required": _("Décrivez votre idée en quelques phrases."),
            **length_messages(_("Le texte de votre idée"), DESCRIPTION_MIN, DESCRIPTION_MAX),
        },
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Theme.objects.none(),
        empty_label=_("Choisissez un thème"),
        error_messages={
            "required": _("Choisissez le thème le plus proche de votre idée."),
            "invalid_choice": _("Choisissez un thème dans la liste."),
        },
    )
    commune = CommuneChoiceField(
        label=_("Commune concernée"),
        help_text=_(
            "La commune où votre idée prendrait place, ou la vôtre. Toutes les communes du "
            "Jura sont dans la liste ; sinon, choisissez « Autre commune »."
        ),
        error_messages={"invalid_choice": _("Choisissez une commune dans la liste.")},
    )
    commune_other = OtherCommuneField()
    involvement = forms.ChoiceField(
        label=_("Comment souhaitez-vous vous impliquer ?"),
        choices=Involvement.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Dites-nous comment vous souhaitez vous impliquer."),
            "invalid_choice": _("Choisissez une des propositions."),
        },
    )
    name = PublicTextField(
        label=_("Votre nom"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Indiquez votre nom, pour que nous sachions qui vous répondre."),
            **length_messages(_("Le nom"), None, NAME_MAX),
        },
    )
    email = PublicEmailField(
        label=_("Votre adresse électronique"),
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Pour vous envoyer un accusé de réception, par exemple nom@exemple.fr."),
        error_messages={
            "required": _("Indiquez votre adresse électronique, pour recevoir notre réponse."),
            "invalid": _(
                "Saisissez une adresse électronique complète, par exemple nom@exemple.fr."
            ),
            **length_messages(_("L'adresse électronique"), None, EMAIL_MAX),
        },
    )
    organisation = PublicTextField(
        label=_("Votre organisation (facultatif)"),
        required=False,
        max_length=ORGANISATION_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_("Entreprise, association, collectivité…"),
        error_messages=length_messages(_("Le nom de l'organisation"), None, ORGANISATION_MAX),
    )
    phone = PublicTextField(
        label=_("Votre téléphone (facultatif)"),
        required=False,
        max_length=PHONE_MAX,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages=length_messages(_("Le numéro de téléphone"), None, PHONE_MAX),
    )
    consent_processing = forms.BooleanField(
        error_messages={
            "required": _(
                "Cochez cette case pour que nous puissions étudier votre idée : sans votre "
                "accord, nous ne pouvons pas conserver vos coordonnées."
            )
        },
    )
    consent_contact = forms.BooleanField(
        label=_(
            "J'accepte que le Clus'Ter Jura me tienne informé·e des suites de mon idée et de "
            "ses actualités (facultatif)."
        ),
        required=False,
    )

    def __init__(self, *args, call, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        themes = Theme.objects.filter(calls=call)
        if not themes.exists():
            themes = Theme.objects.all()
        self.fields["theme"].queryset = themes
        self.fields["commune"].populate(Commune.objects.only("pk", "name", "postal_code"))
        self.fields["consent_processing"].label = self._consent_label(organisation)
        self.fields[HONEYPOT_FIELD] = HoneypotField()
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Votre idée"),
                "title",
                "description",
                "theme",
                "commune",
                "commune_other",
                "involvement",
            ),
            Fieldset(
                _("Vos coordonnées"),
                "name",
                "email",
                "organisation",
                "phone",
            ),
            Fieldset(_("Vos accords"), "consent_processing", "consent_contact"),
            Div(HONEYPOT_FIELD, css_class="hp-field"),
        )

    def clean(self):
        cleaned = super().clean()
        clean_commune_choice(
            self,
            required_message=_(
                "Choisissez la commune concernée par votre idée, ou « Autre commune » si elle "
                "n'est pas dans la liste."
            ),
        )
        return cleaned

    @staticmethod
    def _consent_label(organisation):
        return consent_label(
            _(
                "J'accepte que le Clus'Ter Jura conserve les informations de ce formulaire pour "
                "étudier mon idée et me répondre."
            ),
            organisation,
        )
