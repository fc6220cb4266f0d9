"""Admin screens of the base app: the site's outbox ("Courriels") and the document
download log ("Téléchargements"), the failed emails on the dashboard, and where an editor
lands after publishing a page."""

import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Collection
from wagtail.permissions import register_permission_policy

from home.dashboard import FailedEmailsPanel
from home.exports import SafeExportMixin
from home.models import Document, DocumentDownload, OutboxEmail
from home.viewsets import LocalDateColumn, ReadOnlyPolicy


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
        LocalDateColumn("created_at", label=_("Créé le")),
        LocalDateColumn("sent_at", label=_("Envoyé le")),
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


OUTBOX_POLICY = ReadOnlyPolicy(OutboxEmail)
register_permission_policy(OutboxEmail, OUTBOX_POLICY)


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")


@hooks.register("construct_homepage_panels")
def add_failed_emails_panel(request, panels):
    if OUTBOX_POLICY.user_has_permission(request.user, "view"):
        panels.append(FailedEmailsPanel())


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def back_to_the_section_after_publishing(request, page):
    """After "Publier", the editor sees the page among its siblings: the listing of its
    parent (Wagtail's own choice), except for a site's home page, whose parent is the
    tree's root (a listing titled "Root"): there, the home page's own listing. Saving a
    draft stays on the editor (Wagtail's own choice); a `next` address is followed."""
    if "action-publish" not in request.POST or get_valid_next_url_from_request(request):
        return None
    if not page.permissions_for_user(request.user).can_publish():
        return None  # only a draft was saved: Wagtail keeps the editor open
    parent = page.get_parent()
    return redirect("wagtailadmin_explore", page.pk if parent.is_root() else parent.pk)


def _downloaders(request):
    """The users who downloaded something: the user filter lists no one else."""
    downloads = DocumentDownload.objects.filter(user__isnull=False).values("user")
    return get_user_model().objects.filter(pk__in=downloads).order_by("username")


class DocumentDownloadFilterSet(WagtailFilterSet):
    downloaded_at = django_filters.DateFromToRangeFilter(
        label=_("Téléchargé entre"), widget=DateRangePickerWidget
    )
    document = django_filters.ModelChoiceFilter(
        label=_("Document"), queryset=Document.objects.order_by("title")
    )
    collection = django_filters.ModelChoiceFilter(
        label=_("Collection"), field_name="document__collection", queryset=Collection.objects.all()
    )
    user = django_filters.ModelChoiceFilter(label=_("Utilisateur"), queryset=_downloaders)

    class Meta:
        model = DocumentDownload
        fields = ["range_request"]


class DocumentDownloadIndexView(SafeExportMixin, IndexView):
    def get_base_queryset(self):
        # The export reads the user's name and email: one join, not one query a row.
        return super().get_base_queryset().select_related("user")


class DocumentDownloadViewSet(ModelViewSet):
    """Who downloaded which document, when and from where (home.documents.serve logs it).

    Read-only: the log is written by the serve view, never here. Staff filter it by
    document, collection (the AG pack), user and date, and export it.
    """

    model = DocumentDownload
    icon = "download"
    menu_label = _("Téléchargements")
    menu_order = 910
    add_to_admin_menu = False
    add_to_settings_menu = True
    index_view_class = DocumentDownloadIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "downloaded_at",
        "document_title",
        "document",
        "username",
        "ip_address",
        "range_request",
    ]
    list_display = [
        LocalDateColumn("downloaded_at", label=_("Téléchargé le")),
        Column("document_title", label=_("Document"), accessor="document_title"),
        Column("who", label=_("Qui"), accessor="who"),
        "ip_address",
        "range_request",
    ]
    filterset_class = DocumentDownloadFilterSet
    search_fields = ["document_title", "username"]
    search_backend_name = None
    list_export = [
        "downloaded_at",
        "document_id",
        "document_title",
        "who",
        "user.get_full_name",
        "user.email",
        "ip_address",
        "range_request",
    ]
    export_headings = {
        "downloaded_at": _("Téléchargé le"),
        "document_id": _("N° du document"),
        "document_title": _("Document"),
        "who": _("Identifiant"),
        "user.get_full_name": _("Nom"),
        "user.email": _("Courriel"),
        "ip_address": _("Adresse IP"),
        "range_request": _("Requête partielle"),
    }
    export_filename = "telechargements"
    form_fields = ["document_title"]  # never offered: ReadOnlyPolicy allows no add nor change


register_permission_policy(DocumentDownload, ReadOnlyPolicy(DocumentDownload))


@hooks.register("register_admin_viewset")
def register_document_download_viewset():
    return DocumentDownloadViewSet("document_downloads")
