"""Keeping extranet pages private when they are made outside Wagtail's create view.

Staff creating a page in the admin get the restriction from the page itself
(`ExtranetPageMixin.get_default_privacy_setting`). Pages made by code (the demo
loader), copied or moved are checked here: an extranet page that is neither
restricted itself nor under a restricted page gets the associates' restriction.
"""

from django.db import transaction
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from extranet.models import ExtranetPageMixin, associates_group


@transaction.atomic
def ensure_restricted(page: Page) -> PageViewRestriction | None:
    """Restrict `page` to the associates' group when it is an extranet page that no
    restriction covers; returns the restriction created, or None."""
    page = page.specific
    if not isinstance(page, ExtranetPageMixin) or page.get_view_restrictions().exists():
        return None
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([associates_group()])
    return restriction


def ensure_tree_restricted(page: Page) -> int:
    """`ensure_restricted` on `page` and every page under it (after a move or a copy
    that left the branch outside any restriction); returns the restrictions created."""
    created = 0
    for descendant in page.get_descendants(inclusive=True).specific():
        created += ensure_restricted(descendant) is not None
    return created
