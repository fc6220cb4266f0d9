"""Wagtail's page privacy, checked inside the query that lists the pages.

`PageQuerySet.public()` first reads every view restriction (one query each time it is
called), then filters. `in_private_section()` asks the same question in SQL, as a
subquery of the listing itself: a page is private when a restricted page's path is a
prefix of its path (the restricted page itself or one of its descendants), which is
exactly Wagtail's `private_q()`. Listings shown on every visit (the home page's
agenda, a project's lineage) use it to stay at one query each.
"""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction


def in_private_section(path: str = "path") -> Exists:
    """True for a page under a view restriction; `path` names the page's `path` field
    from the listed model (e.g. "call__path" for the call of an idea).

        CallForIdeasPage.objects.live().filter(~in_private_section())
    """
    return Exists(
        PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef(path), 1, Length("page__path"))
        )
    )
