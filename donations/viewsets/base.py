"""Pieces shared by the fund's admin screens: amounts shown and exported in euros,
search by words."""

from decimal import Decimal

from django.db.models import Q
from wagtail.coreutils import multigetattr

from donations.models.donations import format_eur
from home.exports import SafeExportMixin

SEARCH_WORDS_MAX = 8


def euros_label(cents: int) -> str:
    """5000 -> "50 €", 123456 -> "1 234,56 €"."""
    return f"{format_eur(cents)} €"


def cents_to_euros(cents: int | None) -> Decimal | None:
    """5000 -> Decimal("50.00"): a number a spreadsheet adds up."""
    if cents is None:
        return None
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))


class EuroExportMixin(SafeExportMixin):
    """Safe exports (formulas neutralised) whose `euro_columns` (export name -> the
    attribute in cents) are written in euros, never in cents."""

    euro_columns: dict[str, str] = {}

    def to_row_dict(self, item):
        row = {}
        for field in self.list_export:
            if field in self.euro_columns:
                row[field] = cents_to_euros(multigetattr(item, self.euro_columns[field]))
                continue
            head, _dot, rest = field.partition(".")
            if rest and getattr(item, head, None) is None:
                row[field] = ""  # a dotted path across an empty link
            else:
                row[field] = multigetattr(item, field)
        return row


class WordSearchMixin:
    """Database search where every word must be found in one of `search_fields`:
    "Camille Martin" finds Camille Martin although first and last names are two
    columns. For models kept out of the search index (personal data)."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = Q()
        for word in self.search_query.split()[:SEARCH_WORDS_MAX]:
            any_field = Q()
            for field in self.search_fields:
                any_field |= Q(**{f"{field}__icontains": word})
            query &= any_field
        return queryset.filter(query)


class ListingQuerysetMixin:
    """A ModelViewSet whose listing (and export) reads `listing_queryset()`: what its
    columns show, selected in the same query; large columns deferred."""

    def listing_queryset(self):
        return self.model._default_manager.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.listing_queryset(), **kwargs)
