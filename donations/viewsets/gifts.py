"""The gifts ("Dons"): listing, export, the full record, the few fields staff may edit,
offline gifts ("Dons hors ligne") and refunds.

Money and statuses are written by the services only: an online gift's amount and
status follow Stripe's events; staff record offline gifts through
`services.offline` and ask for refunds through `services.refunds`. The edit form
holds what is safe to change (public recognition, logo, earmark, internal note) and
saves those columns alone, so it never writes back a status a webhook changed while
the form was open.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, TitleColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from donations import stripe_api
from donations.constants import Channel
from donations.models import Donation, DonationPage, Receipt
from donations.services import offline, refunds
from donations.viewsets.base import (
    EuroExportMixin,
    LabelledInspectMixin,
    ListingQuerysetMixin,
    LocalDateColumn,
    WordSearchMixin,
    euros_label,
)
from donations.viewsets.forms import OfflineGiftForm, RefundForm

STAFF_EDITABLE = ("recognition", "logo", "earmark", "staff_note")


class DonationFilterSet(WagtailFilterSet):
    received_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Reçu entre"), widget=DateRangePickerWidget
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Créé entre"), widget=DateRangePickerWidget
    )
    page = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Campagne"), queryset=DonationPage.objects.order_by("title")
    )

    class Meta:
        model = Donation
        fields = ["status", "donor_type", "frequency", "channel", "page", "earmark"]


class DonorTitleColumn(ButtonsColumnMixin, TitleColumn):
    """The donor's name opens the full record (inspect); the row's menu holds the rest."""

    def __init__(self, *args, view, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view

    def get_buttons(self, instance, parent_context):
        return self.view.get_list_buttons(instance)


class DonationIndexView(WordSearchMixin, EuroExportMixin, IndexView):
    euro_columns = {
        "amount_euros": "amount_cents",
        "refunded_euros": "refunded_cents",
        "kept_euros": "kept_cents",
    }

    @cached_property
    def add_item_label(self):
        return _("Enregistrer un don hors ligne")

    @cached_property
    def columns(self):
        title = DonorTitleColumn(
            "donor_name",
            label=_("Donateur"),
            accessor="donor_name",
            get_url=self.get_inspect_url,
            view=self,
        )
        return [title, *super().columns[1:]]


class RefundButtonMixin:
    """The "Rembourser" button on a paid gift, for those who may refund."""

    refund_url_name = None

    def refund_button(self):
        donation = self.object
        if not self.refund_url_name or refunds.refundable_cents(donation) <= 0:
            return None
        if not self.user_has_permission("refund"):
            return None
        return HeaderButton(
            _("Rembourser"),
            url=reverse(self.refund_url_name, args=[donation.pk]),
            icon_name="arrow-left",
            priority=5,
        )

    @cached_property
    def header_buttons(self):
        button = self.refund_button()
        return [button] if button else []


class DonationInspectView(RefundButtonMixin, LabelledInspectMixin, InspectView):
    template_name = "donations/admin/donation_inspect.html"
    labels = {
        "amount_cents": gettext_lazy("Montant"),
        "refunded_cents": gettext_lazy("Remboursé"),
        "postal_address": gettext_lazy("Adresse postale"),
        "donor_name": gettext_lazy("Donateur"),
        "donor_type": gettext_lazy("Type de donateur"),
    }

    def get_object(self, queryset=None):
        return get_object_or_404(
            Donation.objects.select_related("page", "earmark", "issuer", "subscription", "logo"),
            pk=self.pk,
        )

    def get_refunded_cents_display_value(self):
        return euros_label(self.object.refunded_cents)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        receipt_policy = policy_registry.get_by_type(Receipt)
        context["receipts"] = list(
            self.object.receipts.select_related("issuer").order_by("-issued_at", "-pk")
        )
        context["can_download"] = receipt_policy.user_has_permission(self.request.user, "view")
        return context


class DonationEditView(RefundButtonMixin, EditView):
    def save_instance(self):
        """Only the fields of the form reach the database (`update_fields`)."""
        donation = self.form.save(commit=False)
        donation.save(update_fields=[*STAFF_EDITABLE, "updated_at"])
        log(
            instance=donation,
            action="wagtail.edit",
            user=self.request.user,
            content_changed=self.form.has_changed(),
        )
        return donation


class DonationSummaryPanel(Panel):
    """What the edit form cannot change, shown above it."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "donations/admin/donation_summary_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["donation"] = self.instance
            context["amount"] = euros_label(self.instance.amount_cents)
            context["refunded"] = euros_label(self.instance.refunded_cents)
            return context


class DonationFormViewMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """A form page of the gifts' admin (offline gift, refund)."""

    model = Donation
    header_icon = "pick"
    index_url_name = None
    inspect_url_name = None
    submit_button_label = ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Dons")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = self.submit_button_label
        context["submit_button_active_label"] = _("Enregistrement…")
        context["media"] = context["form"].media
        return context

    def add_form_errors(self, form, error: ValidationError) -> None:
        """A service's ValidationError, shown on the form's fields where they exist."""
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)


class OfflineGiftView(DonationFormViewMixin, FormView):
    """Record a cheque, a transfer or cash (`services.offline.record_offline_gift`)."""

    permission_required = "add"
    form_class = OfflineGiftForm
    template_name = "donations/admin/offline_gift_form.html"
    page_title = gettext_lazy("Enregistrer un don hors ligne")
    submit_button_label = gettext_lazy("Enregistrer le don")

    def form_valid(self, form):
        try:
            donation = offline.record_offline_gift(
                by_user=self.request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            self.add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Don de %(amount)s de %(donor)s enregistré : il compte dans la progression "
                "de la campagne ; son reçu est émis et envoyé à %(email)s."
            )
            % {
                "amount": euros_label(donation.amount_cents),
                "donor": donation.donor_name,
                "email": donation.email,
            },
        )
        return redirect(self.inspect_url_name, donation.pk)

    def form_invalid(self, form):
        messages.validation_error(
            self.request, _("Le don n'a pas été enregistré : corrigez les erreurs."), form
        )
        return super().form_invalid(form)


class RefundView(DonationFormViewMixin, FormView):
    """Ask for a refund, in full or in part (`services.refunds.request_refund`)."""

    permission_required = "refund"
    form_class = RefundForm
    template_name = "donations/admin/refund_form.html"
    page_title = gettext_lazy("Rembourser un don")
    submit_button_label = gettext_lazy("Rembourser")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Donation.objects.select_related("page"), pk=kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if refunds.refundable_cents(self.object) <= 0:
            messages.error(
                request, _("Ce don n'est pas remboursable : il n'est pas payé ou déjà remboursé.")
            )
            return redirect(self.inspect_url_name, self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object.donor_name)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["refundable_cents"] = refunds.refundable_cents(self.object)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["donation"] = self.object
        context["online"] = self.object.channel == Channel.ONLINE
        context["amount"] = euros_label(self.object.amount_cents)
        context["refundable"] = euros_label(refunds.refundable_cents(self.object))
        context["inspect_url"] = reverse(self.inspect_url_name, args=[self.object.pk])
        return context

    def form_valid(self, form):
        donation = self.object
        amount = form.cleaned_data["amount"]
        shown = euros_label(amount or refunds.refundable_cents(donation))
        try:
            refunds.request_refund(
                donation=donation, amount_cents=amount, by_user=self.request.user
            )
        except refunds.RefundRefused as refused:
            form.add_error("amount", str(refused))
            return self.form_invalid(form)
        except stripe_api.NotConfigured:
            messages.error(
                self.request,
                _(
                    "Le paiement en ligne n'est pas configuré sur ce site : rien n'a été "
                    "remboursé. Remboursez depuis le tableau de bord de Stripe."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form))
        except stripe_api.PaymentUnavailable:
            messages.error(
                self.request,
                _(
                    "Stripe n'a pas pu être joint ou a refusé le remboursement : rien n'a été "
                    "remboursé ni modifié. Réessayez dans quelques minutes ou remboursez depuis "
                    "le tableau de bord de Stripe."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form))
        if donation.channel == Channel.ONLINE:
            text = _(
                "Remboursement de %(amount)s demandé à Stripe. Le don passera à « remboursé » "
                "(ou son montant remboursé sera mis à jour) quand Stripe confirmera le "
                "remboursement, en général en quelques secondes : rechargez la page."
            )
        else:
            text = _(
                "Remboursement de %(amount)s enregistré ; le reçu du donateur est annulé et, "
                "s'il reste un montant, remplacé."
            )
        messages.success(self.request, text % {"amount": shown})
        return redirect(self.inspect_url_name, donation.pk)


class DonationViewSet(ListingQuerysetMixin, ModelViewSet):
    """Every gift, online and offline: filters, search, export, the full record."""

    model = Donation
    name = "fund-donations"
    icon = "pick"
    menu_label = gettext_lazy("Dons")
    index_view_class = DonationIndexView
    inspect_view_class = DonationInspectView
    edit_view_class = DonationEditView
    add_view_class = OfflineGiftView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "donor_name",
        Column("email", label=gettext_lazy("Courriel")),
        Column(
            "amount",
            label=gettext_lazy("Montant"),
            accessor=lambda donation: euros_label(donation.amount_cents),
            sort_key="amount_cents",
        ),
        Column(
            "status", label=gettext_lazy("État"), accessor="get_status_display", sort_key="status"
        ),
        Column("channel", label=gettext_lazy("Moyen"), accessor="get_channel_display"),
        Column("frequency", label=gettext_lazy("Fréquence"), accessor="get_frequency_display"),
        Column("page", label=gettext_lazy("Campagne"), accessor="page.title"),
        LocalDateColumn("received_at", label=gettext_lazy("Reçu le"), sort_key="received_at"),
        LocalDateColumn("created_at", label=gettext_lazy("Créé le"), sort_key="created_at"),
    ]
    filterset_class = DonationFilterSet
    # Plain database search (icontains): the personal data stays out of the search index.
    search_fields = ["first_name", "last_name", "company_name", "email"]
    search_backend_name = None
    export_filename = "dons"
    list_export = [
        "public_id",
        "created_at",
        "received_at",
        "get_status_display",
        "get_channel_display",
        "get_frequency_display",
        "amount_euros",
        "refunded_euros",
        "kept_euros",
        "page.title",
        "earmark.title",
        "get_donor_type_display",
        "first_name",
        "last_name",
        "company_name",
        "legal_form",
        "siren",
        "email",
        "address_line1",
        "address_line2",
        "postal_code",
        "city",
        "country",
        "get_recognition_display",
        "newsletter",
        "issuer.name",
        "stripe_payment_intent_id",
        "staff_note",
    ]
    export_headings = {
        "public_id": gettext_lazy("Référence"),
        "created_at": gettext_lazy("Créé le"),
        "received_at": gettext_lazy("Reçu le"),
        "get_status_display": gettext_lazy("État"),
        "get_channel_display": gettext_lazy("Moyen"),
        "get_frequency_display": gettext_lazy("Fréquence"),
        "amount_euros": gettext_lazy("Montant (€)"),
        "refunded_euros": gettext_lazy("Remboursé (€)"),
        "kept_euros": gettext_lazy("Conservé par le fonds (€)"),
        "page.title": gettext_lazy("Campagne"),
        "earmark.title": gettext_lazy("Projet soutenu"),
        "get_donor_type_display": gettext_lazy("Donateur"),
        "first_name": gettext_lazy("Prénom"),
        "last_name": gettext_lazy("Nom"),
        "company_name": gettext_lazy("Raison sociale"),
        "legal_form": gettext_lazy("Forme juridique"),
        "siren": gettext_lazy("SIREN"),
        "email": gettext_lazy("Courriel"),
        "address_line1": gettext_lazy("Adresse"),
        "address_line2": gettext_lazy("Complément d'adresse"),
        "postal_code": gettext_lazy("Code postal"),
        "city": gettext_lazy("Ville"),
        "country": gettext_lazy("Pays"),
        "get_recognition_display": gettext_lazy("Remerciement public"),
        "newsletter": gettext_lazy("Lettre d'information"),
        "issuer.name": gettext_lazy("Émetteur du reçu"),
        "stripe_payment_intent_id": gettext_lazy("Paiement Stripe"),
        "staff_note": gettext_lazy("Note interne"),
    }
    inspect_view_fields = [
        "public_id",
        "status",
        "channel",
        "frequency",
        "amount_cents",
        "refunded_cents",
        "received_at",
        "created_at",
        "page",
        "earmark",
        "donor_type",
        "donor_name",
        "first_name",
        "last_name",
        "company_name",
        "legal_form",
        "siren",
        "email",
        "postal_address",
        "recognition",
        "logo",
        "newsletter",
        "consent_processing",
        "consented_at",
        "issuer",
        "subscription",
        "staff_note",
        "stripe_session_id",
        "stripe_invoice_id",
        "stripe_payment_intent_id",
        "stripe_charge_id",
        "stripe_customer_id",
    ]
    edit_handler = ObjectList(
        [
            DonationSummaryPanel(heading=gettext_lazy("Le don (modifié par les paiements seuls)")),
            FieldPanel("recognition"),
            FieldPanel("logo"),
            FieldPanel("earmark"),
            FieldPanel("staff_note"),
        ]
    )

    def listing_queryset(self):
        return Donation.objects.select_related("page", "earmark", "issuer")

    def get_add_view_kwargs(self, **kwargs):
        # The offline gift form: neither the model form nor the panels of the edit view.
        return kwargs

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            refund_url_name=self.get_url_name("refund"), **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(refund_url_name=self.get_url_name("refund"), **kwargs)

    @cached_property
    def refund_view(self):
        return self.construct_view(
            RefundView,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("refund/<int:pk>/", self.refund_view, name="refund"),
        ]


class OfflineGiftMenuViewSet(ViewSet):
    """The "Dons hors ligne" menu entry: the form is the gifts' add view."""

    name = "fund-offline-gifts"
    icon = "form"
    menu_label = gettext_lazy("Dons hors ligne")

    @cached_property
    def menu_url(self):
        return reverse(f"{DonationViewSet.name}:add")

    @cached_property
    def menu_item_class(self):
        def is_shown(_item, request):
            return policy_registry.get_by_type(Donation).user_has_permission(request.user, "add")

        return type("OfflineGiftMenuItem", (MenuItem,), {"is_shown": is_shown})


viewsets = [DonationViewSet, OfflineGiftMenuViewSet]
