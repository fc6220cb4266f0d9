"""The results screen of a general assembly (live turnout, then per-college and weighted
results) and the published receipts once the vote is closed.

Wagtail has already checked the page's view restrictions before a route reaches these
views: anonymous visitors go to the login page, logged-in outsiders get the 403 page;
associates and staff get here. Both pages are read-only (GET); nothing partial is
shown before the vote is closed: only how many have voted, never how.
"""

from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse

from extranet.constants import VoteChoice
from extranet.forms.results import ReceiptSearchForm
from extranet.services import results as services
from home import routing

RESULTS_TEMPLATE = "extranet/general_assembly_results.html"
RECEIPTS_TEMPLATE = "extranet/general_assembly_receipts.html"
RECEIPTS_PER_PAGE = 200


def _render(request, page, template, context):
    """The screen with the page as its context, without the page's own context
    (documents, working groups): these screens show neither."""
    return TemplateResponse(request, template, {"page": page, "self": page, **context})


def _resolutions(page) -> list:
    return list(page.resolutions.order_by("sort_order", "pk"))


@routing.page_view("extranet.assembly_results")
def results(request, page):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    closed = bool(page.votes_closed_at)
    context = {"state": page.voting_state(), "closed": closed, "resolutions": _resolutions(page)}
    if closed:
        quorum = dict(page.quorum_result or {})
        context["attendance"] = quorum.pop("attendance", None)
        context["quorum"] = list(quorum.values())
    elif page.votes_open_at and page.votes_close_at:
        turnout = services.turnout(page)
        total = services.CollegeAttendance("Ensemble")
        for college in turnout:
            total.voting_rights += college.voting_rights
            total.online += college.online
        context["turnout"] = turnout
        context["turnout_total"] = total
    return _render(request, page, RESULTS_TEMPLATE, context)


@routing.page_view("extranet.assembly_receipts")
def receipts(request, page):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    resolutions = _resolutions(page)
    context = {"state": page.voting_state(), "resolutions": resolutions}
    if page.votes_closed_at:
        numbers = {resolution.pk: number for number, resolution in enumerate(resolutions, 1)}
        titles = {resolution.pk: resolution.title for resolution in resolutions}
        labels = dict(VoteChoice.choices)

        def row(ballot: dict) -> dict:
            return {
                "receipt": ballot["receipt"],
                "number": numbers.get(ballot["resolution_id"]),
                "title": titles.get(ballot["resolution_id"], ""),
                "choice": labels.get(ballot["choice"], ballot["choice"]),
            }

        form = ReceiptSearchForm(request.GET or None, resolutions=resolutions)
        filters = form.filters() if request.GET else {"code": "", "resolution": None}
        found = None
        if filters["code"]:
            found = [
                row(ballot)
                for ballot in services.published_ballots(page).filter(receipt=filters["code"])
            ]
        ballots = services.published_ballots(page, resolution_id=filters["resolution"])
        listing = Paginator(ballots, RECEIPTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            form=form,
            code=filters["code"],
            found=found,
            page_obj=listing,
            rows=[row(ballot) for ballot in listing.object_list],
        )
    return _render(request, page, RECEIPTS_TEMPLATE, context)
