"""The search of the published receipts: a receipt code, and maybe one resolution. GET
only; it changes nothing and works without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from extranet.services.assemblies import normalize_receipt


class ReceiptSearchForm(forms.Form):
    code = forms.CharField(
        label=_("Votre code de reçu"),
        required=False,
        max_length=40,
        help_text=_("Tel qu'affiché après votre vote (les tirets et les espaces ne comptent pas)."),
    )
    resolution = forms.TypedChoiceField(
        label=_("Résolution"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, resolutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].choices = [("", _("Toutes les résolutions"))] + [
            (resolution.pk, f"{number}. {resolution.title}")
            for number, resolution in enumerate(resolutions, start=1)
        ]

    def clean_code(self) -> str:
        return normalize_receipt(self.cleaned_data.get("code") or "")

    def filters(self) -> dict:
        """The code and the resolution id asked, or nothing for what is not valid."""
        self.is_valid()
        return {
            "code": self.cleaned_data.get("code", ""),
            "resolution": self.cleaned_data.get("resolution"),
        }
