"""The home page's "Participer" section (home.agenda): the open calls for ideas with
their deadline and the next three workshops with their places left. Two queries."""

from projects.models import CallForIdeasPage, WorkshopPage

HOME_CALLS = 2
HOME_WORKSHOPS = 3


def take_part(request) -> dict:
    calls = list(CallForIdeasPage.objects.open_to_public()[:HOME_CALLS])
    workshops = list(WorkshopPage.objects.next_public()[:HOME_WORKSHOPS])
    if not calls and not workshops:
        return {}
    return {"open_calls": calls, "next_workshops": workshops}
