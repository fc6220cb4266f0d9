"""Pieces shared by the admin screens of every app."""

from django.db.models import Q

SEARCH_WORDS_MAX = 8


class WordSearchMixin:
    """Database search where every word must be found in one of `search_fields`:
    "Camille Martin" finds her although first and last names are two columns. For
    models kept out of the search index (personal data)."""

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
