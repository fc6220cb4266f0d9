"""The fund's commitments to projects ("Engagements du fonds", the public ledger) and
who issues its receipts ("Émetteurs des reçus")."""

from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from donations.models import Allocation, ReceiptIssuer
from donations.viewsets.base import (
    AddLabelMixin,
    EuroExportMixin,
    ListingQuerysetMixin,
    LocalDateColumn,
    euros_label,
)
from donations.viewsets.forms import AllocationForm


class AllocationIndexView(EuroExportMixin, IndexView):
    euro_columns = {"committed_euros": "committed_cents", "paid_euros": "paid_cents"}


class AllocationViewSet(AddLabelMixin, ListingQuerysetMixin, ModelViewSet):
    """What the fund commits and pays to each project: published on the ledger page
    (`is_public`) and on the project's page."""

    model = Allocation
    name = "fund-allocations"
    icon = "list-ul"
    menu_label = gettext_lazy("Engagements du fonds")
    add_item_label = gettext_lazy("Ajouter un engagement")
    index_view_class = AllocationIndexView
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "title",
        Column("project", label=gettext_lazy("Projet"), accessor="project.title"),
        Column(
            "committed",
            label=gettext_lazy("Engagé"),
            accessor=lambda allocation: euros_label(allocation.committed_cents),
            sort_key="committed_cents",
        ),
        Column(
            "paid",
            label=gettext_lazy("Versé"),
            accessor=lambda allocation: euros_label(allocation.paid_cents),
            sort_key="paid_cents",
        ),
        LocalDateColumn("decided_on", label=gettext_lazy("Décidé le"), sort_key="decided_on"),
        BooleanColumn("is_public", label=gettext_lazy("Publié")),
    ]
    list_filter = ["project", "is_public"]
    search_fields = ["title", "description", "project__title"]
    search_backend_name = None
    export_filename = "engagements-fonds"
    list_export = [
        "project.title",
        "title",
        "description",
        "decided_on",
        "committed_euros",
        "paid_euros",
        "last_paid_on",
        "is_public",
    ]
    export_headings = {
        "project.title": gettext_lazy("Projet"),
        "title": gettext_lazy("Objet"),
        "description": gettext_lazy("Ce que finance le fonds"),
        "decided_on": gettext_lazy("Décidé le"),
        "committed_euros": gettext_lazy("Engagé (€)"),
        "paid_euros": gettext_lazy("Versé (€)"),
        "last_paid_on": gettext_lazy("Dernier versement le"),
        "is_public": gettext_lazy("Publié"),
    }
    edit_handler = ObjectList(
        [
            FieldPanel("project"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("decided_on"),
            FieldRowPanel([FieldPanel("committed"), FieldPanel("paid")]),
            FieldPanel("last_paid_on"),
            FieldPanel("is_public"),
        ],
        base_form_class=AllocationForm,
    )

    def listing_queryset(self):
        return Allocation.objects.select_related("project")


class IssuerDeleteView(DeleteView):
    def form_valid(self, form):
        """An issuer named on gifts or receipts stays: they are money records."""
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "« %(issuer)s » figure sur des dons ou des reçus (ou dans les réglages du "
                    "fonds) : il ne peut pas être supprimé."
                )
                % {"issuer": self.object},
            )
            return redirect(self.index_url_name)


class ReceiptIssuerViewSet(AddLabelMixin, ModelViewSet):
    """The bodies in whose name receipts are issued; the fund's settings choose one."""

    model = ReceiptIssuer
    name = "fund-issuers"
    icon = "user"
    menu_label = gettext_lazy("Émetteurs des reçus")
    add_item_label = gettext_lazy("Ajouter un émetteur")
    delete_view_class = IssuerDeleteView
    copy_view_enabled = False
    list_display = [
        "name",
        Column("kind", label=gettext_lazy("Nature"), accessor="get_kind_display"),
        BooleanColumn("eligible_individuals", label=gettext_lazy("Reçus fiscaux particuliers")),
        BooleanColumn("eligible_companies", label=gettext_lazy("Reçus fiscaux entreprises")),
    ]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("address"),
            FieldRowPanel([FieldPanel("siren"), FieldPanel("rna")]),
            FieldPanel("purpose"),
            MultiFieldPanel(
                [FieldPanel("eligible_individuals"), FieldPanel("eligible_companies")],
                heading=gettext_lazy("Avantage fiscal"),
            ),
            MultiFieldPanel(
                [FieldPanel("signatory_name"), FieldPanel("signatory_title")],
                heading=gettext_lazy("Signature"),
            ),
        ]
    )


viewsets = [AllocationViewSet, ReceiptIssuerViewSet]
