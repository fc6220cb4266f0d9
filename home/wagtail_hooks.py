"""Admin screens of the base app: the site's outbox ("Courriels")."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from home.exports import SafeExportMixin
from home.models import OutboxEmail


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Emails are written by the apps only: staff may look, never add, change or delete."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, "view") or super().user_has_permission(
            user, "change"
        )

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in ("add", "delete")]
        return super().users_with_any_permission(actions) if actions else []


class OutboxFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Créé entre"), widget=DateRangePickerWidget
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=[])

    class Meta:
        model = OutboxEmail
        fields = ["state", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = OutboxEmail.objects.order_by("kind").values_list("kind", flat=True).distinct()
        self.filters["kind"].extra["choices"] = [(kind, kind) for kind in kinds]


class OutboxIndexView(SafeExportMixin, IndexView):
    pass


class OutboxViewSet(ModelViewSet):
    """Every email the site sent or will send, with its state and last error.

    Emails are written by the apps, never here: staff read them and give a failed one
    a new series of attempts.
    """

    model = OutboxEmail
    icon = "mail"
    menu_label = _("Courriels")
    menu_order = 900
    add_to_admin_menu = False
    add_to_settings_menu = True
    index_view_class = OutboxIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "kind",
        "to",
        "reply_to",
        "subject",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "body_text",
    ]
    list_display = [
        Column("subject", label=_("Objet"), accessor="subject"),
        "to",
        "kind",
        "state",
        "attempts",
        DateColumn("created_at", label=_("Créé le")),
        DateColumn("sent_at", label=_("Envoyé le")),
    ]
    filterset_class = OutboxFilterSet
    search_fields = ["to", "subject"]
    search_backend_name = None
    list_export = [
        "pk",
        "kind",
        "to",
        "subject",
        "get_state_display",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    export_filename = "courriels"
    form_fields = ["state"]  # never offered: ReadOnlyPolicy allows no add nor change


register_permission_policy(OutboxEmail, ReadOnlyPolicy(OutboxEmail))


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")
