"""Read-only records the app writes: monthly gifts ("Dons mensuels") and Stripe's events
("Événements Stripe", for support: what Stripe said, when, and what was done)."""

import json

import django_filters
from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from donations.constants import COUNTED_STATUSES
from donations.models import StripeEvent, Subscription
from donations.viewsets.base import (
    LabelledInspectMixin,
    ListingQuerysetMixin,
    LocalDateColumn,
    WordSearchMixin,
    euros_label,
)

# --- Monthly gifts ------------------------------------------------------------------------


class SubscriptionFilterSet(WagtailFilterSet):
    started_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Commencé entre"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Subscription
        fields = ["status", "donor_type", "page"]


class SubscriptionIndexView(WordSearchMixin, IndexView):
    pass


class SubscriptionInspectView(LabelledInspectMixin, InspectView):
    labels = {
        "amount_cents": gettext_lazy("Montant mensuel"),
        "gifts": gettext_lazy("Mois payés"),
        "postal_address": gettext_lazy("Adresse postale"),
    }

    def get_object(self, queryset=None):
        counted = Q(donations__status__in=COUNTED_STATUSES)
        return get_object_or_404(
            Subscription.objects.select_related("page", "earmark").annotate(
                paid_months=Count("donations", filter=counted),
                kept_cents=Sum(
                    F("donations__amount_cents") - F("donations__refunded_cents"), filter=counted
                ),
            ),
            pk=self.pk,
        )

    def get_gifts_display_value(self):
        return f"{self.object.paid_months} ({euros_label(self.object.kept_cents or 0)})"


class SubscriptionViewSet(ListingQuerysetMixin, ModelViewSet):
    """Monthly gifts: changed by the donor through Stripe's portal, never here."""

    model = Subscription
    name = "fund-subscriptions"
    icon = "rotate"
    menu_label = gettext_lazy("Dons mensuels")
    add_to_reference_index = False
    index_view_class = SubscriptionIndexView
    inspect_view_class = SubscriptionInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "__str__",
        Column("email", label=gettext_lazy("Courriel")),
        Column(
            "amount",
            label=gettext_lazy("Par mois"),
            accessor=lambda subscription: euros_label(subscription.amount_cents),
            sort_key="amount_cents",
        ),
        Column("status", label=gettext_lazy("État"), accessor="get_status_display"),
        Column("page", label=gettext_lazy("Campagne"), accessor="page.title"),
        LocalDateColumn("started_at", label=gettext_lazy("Commencé le"), sort_key="started_at"),
        LocalDateColumn("cancelled_at", label=gettext_lazy("Arrêté le")),
    ]
    filterset_class = SubscriptionFilterSet
    search_fields = ["first_name", "last_name", "company_name", "email"]
    search_backend_name = None
    inspect_view_fields = [
        "status",
        "amount_cents",
        "gifts",
        "started_at",
        "cancelled_at",
        "page",
        "earmark",
        "donor_type",
        "first_name",
        "last_name",
        "company_name",
        "legal_form",
        "siren",
        "email",
        "postal_address",
        "recognition",
        "stripe_subscription_id",
        "stripe_customer_id",
    ]
    form_fields = ["status"]  # never offered: ReadOnlyPolicy allows no add nor change

    def listing_queryset(self):
        return Subscription.objects.select_related("page")


# --- Stripe events ---------------------------------------------------------------------------


class StripeEventFilterSet(WagtailFilterSet):
    type = django_filters.ChoiceFilter(label=gettext_lazy("Type"), choices=[])
    received_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Reçu entre"), widget=DateRangePickerWidget
    )

    class Meta:
        model = StripeEvent
        fields = ["type", "livemode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = StripeEvent.objects.order_by("type").values_list("type", flat=True).distinct()
        self.filters["type"].extra["choices"] = [(name, name) for name in types]


class StripeEventInspectView(InspectView):
    def get_payload_display_value(self):
        text = json.dumps(self.object.payload, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


class StripeEventViewSet(ListingQuerysetMixin, ModelViewSet):
    """Each event Stripe sent, recorded once, and what the webhook did with it."""

    model = StripeEvent
    name = "fund-stripe-events"
    icon = "resubmit"
    menu_label = gettext_lazy("Événements Stripe")
    add_to_reference_index = False
    inspect_view_class = StripeEventInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "event_id",
        Column("type", label=gettext_lazy("Type"), sort_key="type"),
        Column("outcome", label=gettext_lazy("Traitement")),
        BooleanColumn("livemode", label=gettext_lazy("Réel")),
        LocalDateColumn("created", label=gettext_lazy("Émis le")),
        LocalDateColumn("received_at", label=gettext_lazy("Reçu le"), sort_key="received_at"),
    ]
    filterset_class = StripeEventFilterSet
    search_fields = ["event_id"]
    search_backend_name = None
    inspect_view_fields = [
        "event_id",
        "type",
        "outcome",
        "livemode",
        "created",
        "received_at",
        "payload",
    ]
    form_fields = ["outcome"]  # never offered: ReadOnlyPolicy allows no add nor change

    def listing_queryset(self):
        # The payload is read on the event's own page only.
        return StripeEvent.objects.defer("payload")


viewsets = [SubscriptionViewSet, StripeEventViewSet]
