"""The gift form of the campaign page (the rules live in donations.services)."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from donations.constants import (
    ADDRESS_MAX,
    CITY_MAX,
    COMPANY_MAX,
    DONOR_FIELDS,
    MIN_AMOUNT_CENTS,
    NAME_MAX,
    DonorType,
    Frequency,
    Recognition,
)
from donations.models.donations import format_eur
from home.abuse import HONEYPOT_FIELD
from home.forms import ErrorSummaryMixin, HoneypotField, PublicEmailField, PublicTextField
from home.money import parse_euros

OTHER = "autre"
COUNTRIES = [
    ("FR", _("France")),
    ("BE", _("Belgique")),
    ("CH", _("Suisse")),
    ("LU", _("Luxembourg")),
    ("DE", _("Allemagne")),
    ("IT", _("Italie")),
    ("ES", _("Espagne")),
]


def siren_is_valid(siren: str) -> bool:
    """9 digits whose Luhn checksum is right (INSEE's rule)."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(siren)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


class DonationForm(ErrorSummaryMixin, forms.Form):
    frequency = forms.ChoiceField(
        label=_("Je donne"),
        choices=Frequency.choices,
        initial=Frequency.ONCE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un don ponctuel ou mensuel.")},
    )
    amount_once = forms.ChoiceField(
        label=_("Montant de mon don"), required=False, widget=forms.RadioSelect
    )
    amount_monthly = forms.ChoiceField(
        label=_("Montant de mon don mensuel"), required=False, widget=forms.RadioSelect
    )
    other_amount = forms.CharField(
        label=_("Autre montant (en euros)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    donor_type = forms.ChoiceField(
        label=_("Je donne en tant que"),
        choices=DonorType.choices,
        initial=DonorType.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    company_name = PublicTextField(
        label=_("Raison sociale"),
        required=False,
        max_length=COMPANY_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    legal_form = PublicTextField(
        label=_("Forme juridique (SARL, SAS, association…)"), required=False, max_length=60
    )
    siren = forms.CharField(
        label=_("SIREN"),
        required=False,
        max_length=11,
        help_text=_("9 chiffres, par exemple 552 100 554."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    first_name = PublicTextField(
        label=_("Prénom"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Indiquez votre prénom.")},
    )
    last_name = PublicTextField(
        label=_("Nom"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Indiquez votre nom.")},
    )
    email = PublicEmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("Pour vous envoyer votre reçu, par exemple nom@exemple.fr."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique, pour recevoir votre reçu."),
            "invalid": _(
                "Saisissez une adresse électronique complète, par exemple nom@exemple.fr."
            ),
        },
    )
    address_line1 = PublicTextField(
        label=_("Adresse"),
        max_length=ADDRESS_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={"required": _("Indiquez votre adresse : elle figure sur le reçu.")},
    )
    address_line2 = PublicTextField(
        label=_("Complément d'adresse (facultatif)"),
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    postal_code = PublicTextField(
        label=_("Code postal"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        error_messages={"required": _("Indiquez votre code postal.")},
    )
    city = PublicTextField(
        label=_("Ville"),
        max_length=CITY_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"required": _("Indiquez votre ville.")},
    )
    country = forms.ChoiceField(label=_("Pays"), choices=COUNTRIES, initial="FR")
    earmark = forms.TypedChoiceField(
        label=_("Flécher mon don vers un projet (facultatif)"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    recognition = forms.ChoiceField(
        label=_("Remerciement public"),
        choices=Recognition.choices,
        initial=Recognition.ANONYMOUS,
        widget=forms.RadioSelect,
        help_text=_("Par défaut, votre don reste anonyme."),
    )
    consent_processing = forms.BooleanField(
        error_messages={
            "required": _(
                "Cochez cette case : sans votre accord, nous ne pouvons pas enregistrer votre "
                "don ni vous envoyer votre reçu."
            )
        }
    )
    newsletter = forms.BooleanField(
        label=_("Je souhaite recevoir les nouvelles du Clus'Ter Jura (facultatif)."),
        required=False,
    )

    def __init__(self, *args, page, projects=(), privacy_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["amount_once"].choices = [
            *((str(cents // 100), f"{format_eur(cents)} €") for cents in page.presets),
            (OTHER, _("Autre montant")),
        ]
        self.fields["amount_monthly"].choices = [
            *(
                (str(cents // 100), f"{format_eur(cents)} € par mois")
                for cents in page.monthly_presets
            ),
            (OTHER, _("Autre montant")),
        ]
        if page.presets:
            self.fields["amount_once"].initial = str(
                page.presets[min(1, len(page.presets) - 1)] // 100
            )
        if page.monthly_presets:
            self.fields["amount_monthly"].initial = str(page.monthly_presets[0] // 100)
        self.projects = {project.pk: project for project in projects}
        if self.projects:
            self.fields["earmark"].choices = [
                ("", _("Là où le fonds en a le plus besoin")),
                *((project.pk, project.title) for project in self.projects.values()),
            ]
        else:
            del self.fields["earmark"]
        text = _(
            "J'accepte que le Clus'Ter Jura conserve ces informations pour enregistrer mon don, "
            "m'envoyer mon reçu et tenir sa comptabilité."
        )
        self.fields["consent_processing"].label = (
            format_html('{} <a href="{}">{}</a>', text, privacy_url, _("Vos données et vos droits"))
            if privacy_url
            else text
        )
        self.fields[HONEYPOT_FIELD] = HoneypotField()

    def clean_siren(self):
        return "".join(self.cleaned_data.get("siren", "").split())

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        choice = cleaned.get("amount_monthly" if frequency == Frequency.MONTHLY else "amount_once")
        other = (cleaned.get("other_amount") or "").strip()
        if other or choice == OTHER:
            cents = parse_euros(other)
            if cents is None:
                self.add_error(
                    "other_amount",
                    _("Indiquez un montant en euros, par exemple 40 ou 40,50."),
                )
        elif choice:
            cents = int(choice) * 100
        else:
            cents = None
            self.add_error("other_amount", _("Choisissez un montant ou indiquez le vôtre."))
        if cents is not None:
            if cents < MIN_AMOUNT_CENTS:
                self.add_error("other_amount", _("Le don en ligne commence à 5 €."))
            elif cents > self.page.max_amount_cents:
                self.add_error(
                    "other_amount",
                    _(
                        "Au-delà de %(max)s € en ligne, merci de nous contacter pour un "
                        "virement : nous vous remettrons votre reçu de la même façon."
                    )
                    % {"max": format_eur(self.page.max_amount_cents)},
                )
        cleaned["amount_cents"] = cents
        if cleaned.get("donor_type") == DonorType.COMPANY:
            if not cleaned.get("company_name"):
                self.add_error("company_name", _("Indiquez la raison sociale de l'entreprise."))
            siren = cleaned.get("siren") or ""
            if not siren_is_valid(siren):
                self.add_error(
                    "siren",
                    _("Ce SIREN n'est pas valide : 9 chiffres, tels qu'ils figurent sur le Kbis."),
                )
        else:
            cleaned["company_name"] = cleaned["legal_form"] = cleaned["siren"] = ""
            if cleaned.get("recognition") == Recognition.LOGO:
                cleaned["recognition"] = Recognition.NAME
        earmark = cleaned.get("earmark")
        cleaned["earmark"] = self.projects.get(earmark) if earmark else None
        return cleaned

    def donation_fields(self) -> dict:
        """What `services.checkout.record_pending_donation` takes."""
        data = self.cleaned_data
        fields = {name: data.get(name) or "" for name in DONOR_FIELDS}
        fields["newsletter"] = bool(data.get("newsletter"))
        fields["earmark"] = data.get("earmark")
        return {
            "amount_cents": data["amount_cents"],
            "frequency": data["frequency"],
            **fields,
        }

    @classmethod
    def initial_from(cls, donation) -> dict:
        """The form as the donor left it (cancel on Stripe's page)."""
        euros = str(donation.amount_cents // 100) if donation.amount_cents % 100 == 0 else ""
        amount_field = (
            "amount_monthly" if donation.frequency == Frequency.MONTHLY else "amount_once"
        )
        initial = {
            name: getattr(donation, name) for name in (*DONOR_FIELDS, "frequency", "newsletter")
        }
        initial[amount_field] = OTHER
        initial["other_amount"] = euros or f"{donation.amount_cents / 100:.2f}".replace(".", ",")
        initial["earmark"] = donation.earmark_id
        return initial
