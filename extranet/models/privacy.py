"""Who may see which extranet page, with Wagtail's own view restrictions.

Wagtail checks a page's restrictions (and its ancestors') when it serves the page;
listings built here (the extranet home, the indexes) apply the same rules to the
user in front of them, so a page restricted to one college is neither served nor
listed to the others. Password restrictions are never assumed passed in a listing.
"""

from django.contrib.auth.models import Group
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    PageViewRestriction,
)

from extranet.constants import ASSOCIATES_COLLECTION, ASSOCIATES_GROUP


def associates_group() -> Group:
    """The "Associés" group (the data migration creates it; recreated if staff deleted it)."""
    group, _created = Group.objects.get_or_create(name=ASSOCIATES_GROUP)
    return group


def associates_collection() -> Collection:
    """The collection of the associates' documents, restricted to their group (created,
    or its restriction restored, when missing)."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=ASSOCIATES_COLLECTION).first()
    if collection is None:
        collection = root.add_child(instance=Collection(name=ASSOCIATES_COLLECTION))
    collection = Collection.objects.get(pk=collection.pk)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=BaseViewRestriction.GROUPS
        )
        restriction.groups.set([associates_group()])
    return collection


def passes(restriction: BaseViewRestriction, user, group_ids: set[int]) -> bool:
    """Whether `user` (whose groups are `group_ids`) passes `restriction`, as Wagtail's
    `accept_request` decides it, a password restriction excepted (never passed here)."""
    kind = restriction.restriction_type
    if kind == BaseViewRestriction.LOGIN:
        return user.is_authenticated
    if kind == BaseViewRestriction.GROUPS:
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        return any(group.pk in group_ids for group in restriction.groups.all())
    return False


def viewable_by(pages, user):
    """`pages` (a PageQuerySet) without those under a restriction `user` does not pass."""
    group_ids = set(user.groups.values_list("pk", flat=True)) if user.is_authenticated else set()
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if not passes(restriction, user, group_ids):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages
