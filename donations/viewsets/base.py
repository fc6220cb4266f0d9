"""Pieces shared by the fund's admin screens: amounts shown and exported in euros,
search by words."""

from home.exports import EuroExportMixin
from home.money import cents_to_euros, format_euros
from home.viewsets import WordSearchMixin

__all__ = ["EuroExportMixin", "WordSearchMixin", "cents_to_euros", "euros_label"]

# Shared with every admin screen of the site (home.money, home.exports, home.viewsets).
euros_label = format_euros


class ListingQuerysetMixin:
    """A ModelViewSet whose listing (and export) reads `listing_queryset()`: what its
    columns show, selected in the same query; large columns deferred."""

    def listing_queryset(self):
        return self.model._default_manager.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.listing_queryset(), **kwargs)
