"""Forms of the fund's admin screens: amounts are typed in euros, stored in cents."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from donations.constants import (
    ADDRESS_MAX,
    CITY_MAX,
    COMPANY_MAX,
    NAME_MAX,
    DonorType,
    Recognition,
)
from donations.forms import COUNTRIES, siren_is_valid
from donations.models import DonationPage
from donations.models.donations import format_eur
from donations.services.offline import OFFLINE_CHANNELS
from home.forms import EurosField, PublicEmailField, PublicTextField
from home.money import euros_input
from projects.models import ProjectPage


class OfflineGiftForm(forms.Form):
    """A cheque, a transfer or cash, as staff received it."""

    page = forms.ModelChoiceField(
        label=_("Campagne"),
        queryset=DonationPage.objects.none(),
        help_text=_("Le don compte aussitôt dans la progression de cette campagne."),
    )
    amount = EurosField(label=_("Montant (en euros)"))
    channel = forms.ChoiceField(
        label=_("Moyen de paiement"),
        choices=[(channel.value, channel.label) for channel in OFFLINE_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Reçu le"),
        widget=AdminDateInput,
        help_text=_(
            "Date d'encaissement du chèque, d'arrivée du virement ou de remise des espèces."
        ),
    )
    donor_type = forms.ChoiceField(
        label=_("Donateur"),
        choices=DonorType.choices,
        initial=DonorType.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    company_name = PublicTextField(
        label=_("Raison sociale"), required=False, max_length=COMPANY_MAX
    )
    legal_form = PublicTextField(label=_("Forme juridique"), required=False, max_length=60)
    siren = forms.CharField(
        label=_("SIREN"), required=False, max_length=11, help_text=_("9 chiffres.")
    )
    first_name = PublicTextField(label=_("Prénom"), max_length=NAME_MAX)
    last_name = PublicTextField(label=_("Nom"), max_length=NAME_MAX)
    email = PublicEmailField(
        label=_("Adresse électronique"), max_length=254, help_text=_("Le reçu y est envoyé.")
    )
    address_line1 = PublicTextField(label=_("Adresse"), max_length=ADDRESS_MAX)
    address_line2 = PublicTextField(
        label=_("Complément d'adresse"), required=False, max_length=ADDRESS_MAX
    )
    postal_code = PublicTextField(label=_("Code postal"), max_length=10)
    city = PublicTextField(label=_("Ville"), max_length=CITY_MAX)
    country = forms.ChoiceField(label=_("Pays"), choices=COUNTRIES, initial="FR")
    recognition = forms.ChoiceField(
        label=_("Remerciement public"),
        choices=Recognition.choices,
        initial=Recognition.ANONYMOUS,
        help_text=_("Anonyme, sauf si le donateur a demandé à être nommé."),
    )
    earmark = forms.ModelChoiceField(
        label=_("Projet soutenu"),
        queryset=ProjectPage.objects.none(),
        required=False,
        empty_label=_("Là où le fonds en a le plus besoin"),
    )
    consent_processing = forms.BooleanField(
        label=_("Le donateur accepte que ses données soient conservées pour son reçu"),
        required=False,
        initial=True,
    )
    newsletter = forms.BooleanField(
        label=_("Le donateur souhaite recevoir la lettre d'information"), required=False
    )
    staff_note = PublicTextField(
        label=_("Note interne"),
        required=False,
        multiline=True,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    TEXT_FIELDS = (
        "donor_type",
        "company_name",
        "legal_form",
        "siren",
        "first_name",
        "last_name",
        "email",
        "address_line1",
        "address_line2",
        "postal_code",
        "city",
        "country",
        "recognition",
        "staff_note",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = DonationPage.objects.order_by("-live", "title")
        if not self.is_bound:
            live = DonationPage.objects.live().order_by("title")
            self.fields["page"].initial = live.values_list("pk", flat=True).first()
        self.fields["earmark"].queryset = ProjectPage.objects.live().order_by("title")
        self.fields["received_on"].initial = timezone.localdate

    def clean_siren(self):
        return "".join((self.cleaned_data.get("siren") or "").split())

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("La date de réception ne peut pas être dans le futur."))
        if received_on < datetime.date(2000, 1, 1):
            raise forms.ValidationError(_("Vérifiez l'année de la date de réception."))
        return received_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("donor_type") == DonorType.COMPANY:
            if not cleaned.get("company_name"):
                self.add_error("company_name", _("Indiquez la raison sociale de l'entreprise."))
            if not siren_is_valid(cleaned.get("siren") or ""):
                self.add_error(
                    "siren", _("Ce SIREN n'est pas valide : 9 chiffres, tels qu'au Kbis.")
                )
        else:
            cleaned["company_name"] = cleaned["legal_form"] = cleaned["siren"] = ""
            if cleaned.get("recognition") == Recognition.LOGO:
                cleaned["recognition"] = Recognition.NAME
        return cleaned

    def service_kwargs(self) -> dict:
        """What `services.offline.record_offline_gift` takes."""
        data = self.cleaned_data
        text = {name: data.get(name) or "" for name in self.TEXT_FIELDS}
        return {
            "page": data["page"],
            "amount_cents": data["amount"],
            "channel": data["channel"],
            "received_on": data["received_on"],
            "earmark": data.get("earmark"),
            "consent_processing": bool(data.get("consent_processing")),
            "newsletter": bool(data.get("newsletter")),
            **text,
        }


class RefundForm(forms.Form):
    amount = EurosField(
        label=_("Montant à rembourser (en euros)"),
        required=False,
    )

    def __init__(self, *args, refundable_cents: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_cents = refundable_cents
        self.fields["amount"].help_text = _(
            "Laissez vide pour rembourser tout ce qui reste (%(amount)s €)."
        ) % {"amount": format_eur(refundable_cents)}

    def clean_amount(self):
        cents = self.cleaned_data["amount"]
        if cents is not None and cents > self.refundable_cents:
            raise forms.ValidationError(
                _("Il reste %(max)s € à rembourser sur ce don, pas davantage.")
                % {"max": format_eur(self.refundable_cents)}
            )
        return cents


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)


class AllocationForm(WagtailAdminModelForm):
    """The fund's commitment to a project, its amounts typed in euros."""

    committed = EurosField(label=_("Montant engagé (en euros)"))
    paid = EurosField(label=_("Montant versé (en euros)"), required=False, allow_zero=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("committed", euros_input(self.instance.committed_cents))
            self.initial.setdefault("paid", euros_input(self.instance.paid_cents))

    def clean(self):
        cleaned = super().clean()
        committed, paid = cleaned.get("committed"), cleaned.get("paid") or 0
        if committed is None:
            return cleaned
        if paid > committed:
            # Said here, on the euros field: the model's own check names a cents field
            # that this form does not show.
            self.add_error("paid", _("Le montant versé ne peut pas dépasser le montant engagé."))
            return cleaned
        self.instance.committed_cents = committed
        self.instance.paid_cents = paid
        return cleaned
