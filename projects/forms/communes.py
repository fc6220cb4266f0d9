"""Choosing a commune on a public form: every commune of the taxonomy in one native
<select> (every browser, screen reader and phone knows it; typing the first letters
jumps to a commune), grouped by initial letter, with "Autre commune" first and a free
text field for a commune that is not in the list.

    commune = CommuneChoiceField(label=...)
    commune_other = OtherCommuneField()

    def __init__(...):
        self.fields["commune"].populate(Commune.objects.all())

    def clean(self):
        cleaned = super().clean()
        clean_commune_choice(self, required_message=...)
"""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from home.forms import PublicTextField
from projects.constants import COMMUNE_OTHER_MAX

OTHER = "autre"


def _sort_key(name: str) -> str:
    """Alphabetical order as a reader expects it: "Écrille" among the E."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class CommuneChoiceField(forms.ChoiceField):
    """A commune of the list (cleaned to the Commune), `OTHER`, or None when empty.

    Shown as required (a commune is asked for), but an empty choice is left to the
    form: a commune typed under "Autre commune" is an answer too
    (`clean_commune_choice`)."""

    def __init__(self, **kwargs):
        self.empty_label = kwargs.pop("empty_label", _("Choisissez une commune"))
        super().__init__(choices=(), **kwargs)
        self.communes = {}

    def populate(self, communes) -> None:
        """The options, from one query: "Autre commune", then the communes by initial."""
        self.communes = {str(commune.pk): commune for commune in communes}
        groups: dict[str, list[tuple[str, str]]] = {}
        for commune in sorted(self.communes.values(), key=lambda c: _sort_key(c.name)):
            initial = _sort_key(commune.name)[:1].upper() or "?"
            groups.setdefault(initial, []).append((str(commune.pk), str(commune)))
        self.choices = [
            ("", self.empty_label),
            (_("Hors de la liste"), [(OTHER, _("Autre commune (à écrire ci-dessous)"))]),
            *groups.items(),
        ]

    def validate(self, value):
        """Only a value outside the list is an error here (see the class docstring)."""
        if value and not self.valid_value(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if value == OTHER:
            return OTHER
        return self.communes[value]


class OtherCommuneField(PublicTextField):
    """The name of a commune that is not in the list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Autre commune"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", COMMUNE_OTHER_MAX)
        kwargs.setdefault(
            "help_text",
            _(
                "Seulement si la commune n'est pas dans la liste : son nom et, hors du Jura, "
                "son département (par exemple « Pontarlier, Doubs »)."
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "max_length": _(
                    "Le nom de la commune est trop long : %(limit_value)d caractères au plus "
                    "(vous en avez saisi %(show_value)d)."
                )
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "address-level2"}))
        super().__init__(**kwargs)


def clean_commune_choice(
    form: forms.Form,
    *,
    field: str = "commune",
    other_field: str = "commune_other",
    required_message: str,
) -> None:
    """Leave `cleaned_data[field]` a Commune or None and `cleaned_data[other_field]` the
    typed name or "": a commune of the list wins; "Autre commune" needs a name; a name
    typed with nothing chosen counts as "Autre commune"."""
    if field in form.errors or other_field in form.errors:
        return
    cleaned = form.cleaned_data
    commune, other = cleaned.get(field), (cleaned.get(other_field) or "").strip()
    if commune not in (None, OTHER):
        cleaned[other_field] = ""
        return
    cleaned[field] = None
    cleaned[other_field] = other
    if other:
        return
    if commune == OTHER:
        form.add_error(
            other_field,
            forms.ValidationError(
                _("Écrivez le nom de la commune, puisqu'elle n'est pas dans la liste."),
                code="required",
            ),
        )
    else:
        form.add_error(field, forms.ValidationError(required_message, code="required"))
