"""Form pieces shared by every public form of the site (ideas, workshops, donations).

- `PublicTextField`: free text from the public, cleaned by `home.text.clean_text`
  (controls refused, bidi overrides and invisible characters stripped);
- `PublicEmailField`: an address in its canonical form (`home.text.normalize_email`);
- `HoneypotField`: the field robots fill and people never see (`.hp-field`);
- `ErrorSummaryMixin`: the list of errors announced above a form;
- `consent_label`: a consent checkbox's label with the link to the privacy page.
"""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from home import abuse
from home.money import euros_input, parse_euros
from home.text import clean_text, normalize_email


class PublicTextField(forms.CharField):
    """A CharField for what the public types: one line unless `multiline`."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, multiline=self.multiline) if value else value


class PublicEmailField(forms.EmailField):
    def clean(self, value):
        value = super().clean(value)
        return normalize_email(value) if value else value


class _AlwaysEmptyInput(forms.TextInput):
    def format_value(self, value):
        return ""  # a re-shown form never carries back what a robot typed


class HoneypotField(forms.CharField):
    """Left empty by people (hidden by the stylesheet, out of the tab order)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Laissez ce champ vide"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget", _AlwaysEmptyInput(attrs={"autocomplete": "off", "tabindex": "-1"})
        )
        super().__init__(**kwargs)


HONEYPOT_FIELD = abuse.HONEYPOT_FIELD


def consent_label(text: str, organisation=None) -> str:
    """A consent checkbox's label, followed by a link to the privacy page of the site's
    settings (home.OrganisationSettings) when there is one."""
    privacy_page = organisation.privacy_page if organisation is not None else None
    if privacy_page is None:
        return text
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
        text,
        privacy_page.url,
        _("Politique de confidentialité (nouvel onglet)"),
    )


class ErrorSummaryMixin:
    """(anchor, message) for each error, in the order of the form, for the summary."""

    def error_summary(self) -> list[tuple[str, str]]:
        items = [("", str(error)) for error in self.non_field_errors()]
        for name, field in self.fields.items():
            for error in self.errors.get(name, []):
                widget = field.widget
                multiple = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                items.append((f"id_{name}_0" if multiple else f"id_{name}", str(error)))
        return items


class EurosField(forms.CharField):
    """A model field in cents, typed in euros ("50", "50,5", "1 000,00 €") by staff."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return euros_input(value) if isinstance(value, int) else value

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        if self.allow_zero and "".join(value.replace("€", "").split()) in {"0", "0,00", "0.00"}:
            return 0
        cents = parse_euros(value, exact=True)
        if cents is None:
            raise forms.ValidationError(
                _("Indiquez un montant en euros, par exemple 150 ou 150,50."), code="invalid"
            )
        return cents
