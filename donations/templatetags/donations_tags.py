"""Template tags of the donations app.

- `fund_allocations project`: what the impulsion fund committed and paid to a project,
  with a link to the fund's public ledger. Project pages load this library in their
  template, so `projects` never imports `donations` (the architecture forbids it).
- `eur`: cents as French euros ("12 345 €", "10,20 €").
- `net_cost`: what a gift costs after the French tax reduction, for the simulator's
  example sentence (the page's script recomputes it as the donor types).
- `tax_rules`: the rates and caps the simulator's script reads.
- `honeypot`: the form's honeypot field, whatever its name (home.abuse).
"""

from django import template
from wagtail.models import Site

from donations.constants import (
    COMPANY_FLAT_CAP_CENTS,
    COMPANY_RATE,
    COMPANY_TURNOVER_CAP_PERMILLE,
    INDIVIDUAL_INCOME_CAP,
    INDIVIDUAL_RATE,
    DonorType,
)
from donations.models import Allocation, DonationPage
from donations.models.donations import format_eur
from home.abuse import HONEYPOT_FIELD

register = template.Library()

NBSP = "\u00a0"


@register.filter
def eur(cents) -> str:
    """1234500 -> "12 345 €": French grouping, a no-break space before the sign."""
    if cents in (None, ""):
        return ""
    try:
        return f"{format_eur(int(cents))}{NBSP}€"
    except (TypeError, ValueError):
        return ""


@register.filter
def net_cost(cents, donor_type: str = DonorType.INDIVIDUAL) -> int:
    """What a gift of `cents` costs after the tax reduction (the reduction rounded down,
    so the cost shown is never flattering), within the flat cap for companies."""
    try:
        cents = int(cents)
    except (TypeError, ValueError):
        return 0
    if donor_type == DonorType.COMPANY:
        return cents - min(cents, COMPANY_FLAT_CAP_CENTS) * COMPANY_RATE // 100
    return cents - cents * INDIVIDUAL_RATE // 100


@register.simple_tag
def tax_rules() -> dict:
    return {
        "individual_rate": INDIVIDUAL_RATE,
        "individual_income_cap": INDIVIDUAL_INCOME_CAP,
        "company_rate": COMPANY_RATE,
        "company_flat_cap_cents": COMPANY_FLAT_CAP_CENTS,
        "company_turnover_cap_permille": COMPANY_TURNOVER_CAP_PERMILLE,
        "company_turnover_cap_percent": f"{COMPANY_TURNOVER_CAP_PERMILLE / 10:.1f}".replace(
            ".", ","
        ),
    }


@register.filter
def honeypot(form):
    """The bound honeypot field, to render it inside its hidden `.hp-field` wrapper."""
    return form[HONEYPOT_FIELD]


@register.filter
def distinct_donors(donations) -> list:
    """One entry per donor on the wall: a monthly donor gives many times."""
    seen = set()
    donors = []
    for donation in donations:
        key = (donation.donor_name.casefold(), donation.recognition, donation.logo_id)
        if key not in seen:
            seen.add(key)
            donors.append(donation)
    return donors


def _campaign_page(request):
    """The live, public campaign page of the current site (the fund's ledger is on it)."""
    pages = DonationPage.objects.live().public()
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        pages = pages.in_site(site)
    return pages.order_by("path").first()


@register.inclusion_tag("donations/includes/fund_allocations.html", takes_context=True)
def fund_allocations(context, project) -> dict:
    """The fund's public commitments to `project`, and a link to the ledger."""
    allocations = list(Allocation.objects.public().filter(project=project))
    if not allocations:
        return {"allocations": []}
    request = context.get("request")
    ledger_url = ""
    page = _campaign_page(request)
    if page is not None:
        url = page.get_url(request)
        if url:
            ledger_url = url + page.reverse_subpage("ledger")
    return {
        "allocations": allocations,
        "committed_cents": sum(allocation.committed_cents for allocation in allocations),
        "paid_cents": sum(allocation.paid_cents for allocation in allocations),
        "ledger_url": ledger_url,
    }
