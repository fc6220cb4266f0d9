"""The home page's "Participer" section (home.agenda): the open calls for ideas with
their deadline and the next three workshops with their places left. Two queries."""

from home import cache as page_cache
from projects.models import CallForIdeasPage, WorkshopPage

HOME_CALLS = 2
HOME_WORKSHOPS = 3


def take_part(request) -> dict:
    calls = list(CallForIdeasPage.objects.open_to_public()[:HOME_CALLS])
    workshops = list(WorkshopPage.objects.next_public()[:HOME_WORKSHOPS])
    if workshops:
        # A workshop leaves the list when it starts: a cached home page must not outlive
        # that (calls open and close by the date: the cache ends at midnight anyway).
        page_cache.expires_by(request, min(workshop.starts_at for workshop in workshops))
    if not calls and not workshops:
        return {}
    return {"open_calls": calls, "next_workshops": workshops}
