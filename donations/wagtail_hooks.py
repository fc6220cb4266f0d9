"""The impulsion fund in Wagtail's admin: one "Fonds d'impulsion" menu, a dashboard
panel, and the log actions of gifts (offline gift recorded, refund asked, refund
recorded)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from donations.models import Donation
from donations.viewsets import dashboard, gifts, ledger, receipts, records
from donations.viewsets.permissions import POLICIES

# Before anything asks for these models' policy (Wagtail would make a default one).
for _model, _policy in POLICIES.items():
    register_permission_policy(_model, _policy)


class FundGroup(ViewSetGroup):
    menu_label = _("Fonds d'impulsion")
    menu_icon = "pick"
    menu_order = 250
    items = [
        gifts.DonationViewSet,
        gifts.OfflineGiftMenuViewSet,
        records.SubscriptionViewSet,
        receipts.ReceiptViewSet,
        ledger.AllocationViewSet,
        ledger.ReceiptIssuerViewSet,
        records.StripeEventViewSet,
    ]


@hooks.register("register_admin_viewset")
def register_fund_viewsets():
    return FundGroup()


@hooks.register("construct_homepage_panels")
def add_fund_panel(request, panels):
    policy = POLICIES[Donation]
    if policy.user_has_any_permission(request.user, ["view", "change", "add"]):
        panels.append(dashboard.FundPanel(can_add=policy.user_has_permission(request.user, "add")))


@hooks.register("register_log_actions")
def register_fund_log_actions(actions):
    actions.register_action(
        "donations.offline_recorded", _("Don hors ligne enregistré"), _("Don hors ligne enregistré")
    )
    actions.register_action(
        "donations.refund_requested",
        _("Remboursement demandé à Stripe"),
        _("Remboursement demandé à Stripe"),
    )
    actions.register_action(
        "donations.refund_recorded", _("Remboursement enregistré"), _("Remboursement enregistré")
    )
