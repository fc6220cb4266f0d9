"""The filters of the project index (/projets/?theme=…&status=…&commune=…).

One Django form, rendered once by the template: an unknown or malformed value is
ignored (the filter is dropped), never answered with an error page. Each taxonomy is
read once (3 queries), for the options and for the lookup of what was chosen. The
communes offered are those of a published project only: the taxonomy holds every
commune of the Jura, most without a project.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Commune, ProjectStatus, Theme

FILTERS = {
    # name: (the options, label, empty label)
    "theme": (lambda: Theme.objects.all(), _("Thème"), _("Tous les thèmes")),
    "status": (lambda: ProjectStatus.objects.all(), _("Avancement"), _("Tous les stades")),
    "commune": (
        lambda: Commune.objects.filter(projects__live=True).distinct(),
        _("Commune"),
        _("Toutes les communes"),
    ),
}


class ProjectFilterForm(forms.Form):
    def __init__(self, data=None, **kwargs):
        # Only our keys, one short string each: anything else is dropped.
        data = data or {}
        kept = {
            name: value[:120]
            for name in FILTERS
            if isinstance(value := data.get(name), str) and value
        }
        super().__init__(kept, **kwargs)
        self.options = {}
        for name, (options, label, empty_label) in FILTERS.items():
            items = list(options())
            self.options[name] = {item.slug: item for item in items}
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", empty_label), *((item.slug, item.name) for item in items)],
            )

    def chosen(self) -> dict:
        """{"theme": Theme | None, "status": ..., "commune": ...}, invalid values dropped."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: self.options[name].get(cleaned.get(name) or "")
            if name not in self.errors
            else None
            for name in FILTERS
        }
