"""Pieces shared by the admin screens of every app."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy

from home.exports import date_text

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


class AddLabelMixin:
    """Wagtail's French builds "Ajouter un(e) thème" from the model's name: a viewset
    names its add button itself, `add_item_label = _("Ajouter un thème")`."""

    add_item_label = None

    def get_index_view_kwargs(self, **kwargs):
        if self.add_item_label:
            kwargs.setdefault("add_item_label", self.add_item_label)
        return super().get_index_view_kwargs(**kwargs)


class LocalDateColumn(Column):
    """A date or time as the exports write it ("12/03/2026 14:05", Europe/Paris), instead
    of Wagtail's "il y a 3 jours": the listing and its spreadsheet read the same."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        text = date_text(context["raw_value"])
        context["value"] = text or self.empty_value_display
        return context


class RestrictedPolicy(ModelPermissionPolicy):
    """Django's model permissions less the `forbidden` actions (what must never happen
    to a record from the admin: deleting a gift, typing in an email), plus `aliases`
    (an app's own action -> the model permission that grants it)."""

    forbidden: frozenset[str] = frozenset()
    aliases: dict[str, str] = {}

    def user_has_permission(self, user, action):
        if action in self.forbidden:
            return False
        return super().user_has_permission(user, self.aliases.get(action, action))

    def users_with_any_permission(self, actions):
        allowed = [self.aliases.get(a, a) for a in actions if a not in self.forbidden]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


class NoDeletePolicy(RestrictedPolicy):
    """Records that stay: corrected by editing, never deleted from the admin."""

    forbidden = frozenset({"delete"})


class ReadOnlyPolicy(RestrictedPolicy):
    """Records written by the site only (emails, downloads, Stripe's events): staff look.
    As in Django's admin, the "change" permission lets one look too."""

    forbidden = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action == "view":
            return ModelPermissionPolicy.user_has_permission(
                self, user, "view"
            ) or ModelPermissionPolicy.user_has_permission(self, user, "change")
        return super().user_has_permission(user, action)
