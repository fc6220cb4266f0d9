"""The fund on Wagtail's dashboard: the gifts of this month (count and amount), money
received by month over the last twelve months, the number of donors, and each live
campaign's progress toward its goal.

Counted gifts only (paid, online or offline), refunds deducted: the figures of the
campaign pages. Three queries whatever the number of gifts or months (pinned in
tests/donations/test_admin.py).
"""

import datetime

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.admin.ui.components import Component

from donations.constants import COUNTED_STATUSES
from donations.models import Donation, DonationPage
from donations.viewsets.base import euros_label

MONTHS = 12


def month_starts(months: int = MONTHS, today: datetime.date | None = None) -> list[datetime.date]:
    """The first day of each of the last `months` months, oldest first, this one last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    starts = []
    for _index in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def fund_summary(today: datetime.date | None = None) -> dict:
    """What the panel shows (3 queries)."""
    starts = month_starts(today=today)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    kept = F("amount_cents") - F("refunded_cents")
    counted = Donation.objects.filter(status__in=COUNTED_STATUSES)

    by_month = {
        timezone.localtime(row["month"]).date()
        if isinstance(row["month"], datetime.datetime)
        else row["month"]: row
        for row in counted.filter(received_at__gte=since)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(
            total_cents=Sum(kept),
            gifts=Count("pk"),
            offline=Count("pk", filter=~Q(channel="online")),
        )
        .order_by("month")
    }
    months = []
    for start in starts:
        row = by_month.get(start, {})
        months.append(
            {
                "label": date_format(start, "F Y"),
                "total_cents": row.get("total_cents") or 0,
                "total": euros_label(row.get("total_cents") or 0),
                "gifts": row.get("gifts", 0),
                "offline": row.get("offline", 0),
            }
        )
    overall = counted.aggregate(
        total_cents=Sum(kept),
        donors=Count("email", distinct=True),
        recent_cents=Sum(kept, filter=Q(received_at__gte=since)),
        recent_donors=Count("email", distinct=True, filter=Q(received_at__gte=since)),
    )

    in_page = Q(donations__status__in=COUNTED_STATUSES)
    campaigns = []
    for page in (
        DonationPage.objects.live()
        .annotate(
            raised_cents=Sum(
                F("donations__amount_cents") - F("donations__refunded_cents"), filter=in_page
            ),
            donors=Count("donations__email", distinct=True, filter=in_page),
        )
        .only("pk", "title", "goal_cents")
        .order_by("title")
    ):
        raised, goal = page.raised_cents or 0, page.goal_cents or 0
        campaigns.append(
            {
                "page": page,
                "raised": euros_label(raised),
                "goal": euros_label(goal),
                "donors": page.donors,
                "percent": min(100, round(raised * 100 / goal)) if goal else 0,
            }
        )
    return {
        "months": months,
        "this_month": months[-1],
        "total": euros_label(overall["total_cents"] or 0),
        "donors": overall["donors"] or 0,
        "recent_total": euros_label(overall["recent_cents"] or 0),
        "recent_donors": overall["recent_donors"] or 0,
        "campaigns": campaigns,
    }


class FundPanel(Component):
    """Shown to staff who may see the gifts (the hook checks)."""

    name = "impulsion_fund"
    template_name = "donations/admin/dashboard_panel.html"
    order = 120

    def __init__(self, *, can_add: bool = False):
        self.can_add = can_add

    def get_context_data(self, parent_context=None):
        return {**fund_summary(), "can_add": self.can_add}
