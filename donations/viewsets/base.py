"""Pieces shared by the fund's admin screens: amounts shown and exported in euros,
search by words."""

from home.exports import EuroExportMixin
from home.money import cents_to_euros, format_euros
from home.viewsets import AddLabelMixin, LocalDateColumn, WordSearchMixin

__all__ = [
    "AddLabelMixin",
    "EuroExportMixin",
    "LabelledInspectMixin",
    "LocalDateColumn",
    "WordSearchMixin",
    "cents_to_euros",
    "euros_label",
]

# Shared with every admin screen of the site (home.money, home.exports, home.viewsets).
euros_label = format_euros


class LabelledInspectMixin:
    """Inspect views whose `labels` override field labels, with a dash for what is
    empty, and amounts in cents shown in euros."""

    labels: dict = {}

    def get_field_label(self, field_name, field):
        if field_name in self.labels:
            return self.labels[field_name]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None else value

    def get_amount_cents_display_value(self):
        return euros_label(self.object.amount_cents)


class ListingQuerysetMixin:
    """A ModelViewSet whose listing (and export) reads `listing_queryset()`: what its
    columns show, selected in the same query; large columns deferred."""

    def listing_queryset(self):
        return self.model._default_manager.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.listing_queryset(), **kwargs)
