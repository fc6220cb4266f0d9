"""Receipts ("Reçus"): listing and export, the PDF as issued, the yearly receipts of
monthly donors and the yearly totals the tax office asks for.

Receipts are frozen once issued: nothing here edits one. They are issued by
`donations.services.receipts` only (after a payment, on a refund, once a year).
"""

import logging

import django_filters
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from donations.models import Receipt, ReceiptIssuer
from donations.services import receipts as receipt_service
from donations.viewsets.base import (
    EuroExportMixin,
    ListingQuerysetMixin,
    LocalDateColumn,
    WordSearchMixin,
    euros_label,
)
from donations.viewsets.forms import YearForm

logger = logging.getLogger(__name__)

# A donor behind one address may need one yearly receipt per issuer or per donor (a
# person and their company): `issue_yearly` covers one group per call.
YEARLY_GROUPS_MAX = 10


class ReceiptFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(label=gettext_lazy("Année"), choices=[])
    issued_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Émis entre"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Receipt
        fields = ["year", "kind", "status", "issuer", "is_yearly"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = Receipt.objects.order_by("-year").values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]


class ReceiptIndexView(WordSearchMixin, EuroExportMixin, IndexView):
    euro_columns = {"amount_euros": "amount_cents"}

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,  # the exports (no "add": receipts are issued)
            HeaderButton(
                _("Reçus annuels et totaux"),
                url=reverse("fund-receipts:yearly"),
                icon_name="calendar-check",
            ),
        ]

    @cached_property
    def columns(self):
        return [*super().columns, Column("pdf", label=_("PDF"), accessor=self.download_link)]

    def download_link(self, receipt):
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("fund-receipts:download", args=[receipt.pk]),
            _("Télécharger"),
        )


class ReceiptInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(Receipt.objects.defer("pdf").select_related("issuer"), pk=self.pk)

    def get_amount_cents_display_value(self):
        return euros_label(self.object.amount_cents)

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Télécharger le PDF"),
                url=reverse("fund-receipts:download", args=[self.object.pk]),
                icon_name="download",
            )
        ]


class ReceiptDownloadView(PermissionCheckedMixin, View):
    """The PDF as it was issued, for staff who may see receipts."""

    model = Receipt
    any_permission_required = ["view"]

    def get(self, request, pk):
        receipt = get_object_or_404(Receipt, pk=pk)
        response = HttpResponse(bytes(receipt.pdf), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, receipt.filename)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class YearlyReceiptsView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """The yearly receipts of monthly donors for a year (issued here by those who may
    issue receipts), and each issuer's totals for that year."""

    model = Receipt
    any_permission_required = ["view", "issue"]
    template_name = "donations/admin/yearly_receipts.html"
    page_title = gettext_lazy("Reçus annuels et totaux")
    header_icon = "calendar-check"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("fund-receipts:index"), "label": _("Reçus")},
            {"url": "", "label": self.get_page_title()},
        ]

    def year_from(self, data) -> int:
        form = YearForm(data)
        if form.is_valid():
            return form.cleaned_data["year"]
        return timezone.localdate().year - 1  # in January, last year's receipts are due

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year_from(self.request.GET)
        due = receipt_service.donors_due_yearly(year)
        issuers = ReceiptIssuer.objects.filter(receipts__year=year).distinct().order_by("name")
        context.update(
            {
                "year": year,
                "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
                "due": due,
                "can_issue": self.user_has_permission("issue"),
                "totals": [self.totals_rows(issuer, year) for issuer in issuers],
            }
        )
        return context

    @staticmethod
    def totals_rows(issuer: ReceiptIssuer, year: int) -> dict:
        totals = receipt_service.yearly_totals(issuer=issuer, year=year)

        return {
            "issuer": issuer,
            "kinds": [
                {
                    "label": kind["label"],
                    "count": kind["count"],
                    "total": euros_label(kind["total_cents"]),
                }
                for kind in totals["kinds"].values()
            ],
            "tax_receipts": {
                "count": totals["tax_receipts"]["count"],
                "total": euros_label(totals["tax_receipts"]["total_cents"]),
            },
            "certificates": {
                "count": totals["certificates"]["count"],
                "total": euros_label(totals["certificates"]["total_cents"]),
            },
            "cancelled": totals["cancelled"],
            "last_number": totals["last_number"],
        }

    def post(self, request, *args, **kwargs):
        if not self.user_has_permission("issue"):
            messages.error(request, _("Vous n'avez pas le droit d'émettre des reçus."))
            return redirect("fund-receipts:yearly")
        year = self.year_from(request.POST)
        issued, failed = issue_yearly_receipts(year)
        url = f"{reverse('fund-receipts:yearly')}?year={year}"
        if failed:
            messages.error(
                request,
                _(
                    "%(issued)s reçu(s) annuel(s) %(year)s émis ; %(failed)s donateur(s) en "
                    "erreur (voir le journal du serveur) : relancez pour réessayer."
                )
                % {"issued": issued, "year": year, "failed": len(failed)},
            )
        else:
            messages.success(
                request,
                _("%(issued)s reçu(s) annuel(s) %(year)s émis et envoyés par courriel.")
                % {"issued": issued, "year": year},
            )
        return redirect(url)


def issue_yearly_receipts(year: int) -> tuple[int, list[str]]:
    """Issue the yearly receipts due for `year`: (how many issued, addresses that
    failed). Each receipt is its own transaction: one failure stops no other."""
    issued, failed = 0, []
    for email in receipt_service.donors_due_yearly(year):
        try:
            for _group in range(YEARLY_GROUPS_MAX):
                if receipt_service.issue_yearly(email=email, year=year) is None:
                    break
                issued += 1
        except Exception:  # one donor's data must not stop the others' receipts
            logger.exception("Yearly receipt %s failed for a donor", year)
            failed.append(email)
    return issued, failed


class ReceiptViewSet(ListingQuerysetMixin, ModelViewSet):
    model = Receipt
    name = "fund-receipts"
    icon = "doc-full"
    menu_label = gettext_lazy("Reçus")
    add_to_reference_index = False
    index_view_class = ReceiptIndexView
    inspect_view_class = ReceiptInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "__str__",
        Column("donor_name", label=gettext_lazy("Donateur")),
        Column(
            "amount",
            label=gettext_lazy("Montant"),
            accessor=lambda receipt: euros_label(receipt.amount_cents),
            sort_key="amount_cents",
        ),
        Column("status", label=gettext_lazy("État"), accessor="get_status_display"),
        Column("issuer", label=gettext_lazy("Émetteur"), accessor="issuer.name"),
        LocalDateColumn("issued_at", label=gettext_lazy("Émis le"), sort_key="issued_at"),
    ]
    filterset_class = ReceiptFilterSet
    search_fields = ["donor_name", "donor_email"]
    search_backend_name = None
    export_filename = "recus"
    list_export = [
        "issuer.name",
        "year",
        "number",
        "get_kind_display",
        "get_status_display",
        "is_yearly",
        "donor_name",
        "donor_email",
        "donor_siren",
        "amount_euros",
        "gift_date",
        "gift_date_end",
        "payment_method",
        "issued_at",
        "cancelled_at",
        "cancel_reason",
        "replaces_id",
    ]
    export_headings = {
        "issuer.name": gettext_lazy("Émetteur"),
        "year": gettext_lazy("Année"),
        "number": gettext_lazy("Numéro"),
        "get_kind_display": gettext_lazy("Nature"),
        "get_status_display": gettext_lazy("État"),
        "is_yearly": gettext_lazy("Récapitulatif annuel"),
        "donor_name": gettext_lazy("Donateur"),
        "donor_email": gettext_lazy("Courriel"),
        "donor_siren": gettext_lazy("SIREN"),
        "amount_euros": gettext_lazy("Montant (€)"),
        "gift_date": gettext_lazy("Date du don"),
        "gift_date_end": gettext_lazy("Date du dernier don"),
        "payment_method": gettext_lazy("Mode de versement"),
        "issued_at": gettext_lazy("Émis le"),
        "cancelled_at": gettext_lazy("Annulé le"),
        "cancel_reason": gettext_lazy("Motif d'annulation"),
        "replaces_id": gettext_lazy("Remplace le reçu (identifiant)"),
    }
    inspect_view_fields_exclude = ["pdf", "id"]
    form_fields = ["status"]  # never offered: ReceiptPolicy allows no add nor change

    def listing_queryset(self):
        return Receipt.objects.defer("pdf").select_related("issuer")

    @cached_property
    def download_view(self):
        return self.construct_view(ReceiptDownloadView)

    @cached_property
    def yearly_view(self):
        return self.construct_view(YearlyReceiptsView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("download/<int:pk>/", self.download_view, name="download"),
            path("yearly/", self.yearly_view, name="yearly"),
        ]


viewsets = [ReceiptViewSet]
