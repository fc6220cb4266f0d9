"""The assembly in the room: the attendance sheet and the show-of-hands counts.

Staff tick the associates present; the sheet also shows those represented (an active
proxy whose holder is present or voted online) and those who voted online. For a
resolution voted in the room, staff type the show of hands per college: those votes
are added to the online ballots of that college. A college's count cannot exceed the
voices it has in the room (its associates present, and those they represent, who did
not vote online on that resolution).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from extranet.constants import AssemblyEventKind
from extranet.models import (
    AssemblyEvent,
    AssemblyResolution,
    Associate,
    College,
    GeneralAssemblyPage,
    Participation,
    Presence,
    Proxy,
    RoomCount,
)


class RoomRefused(ValueError):
    """A French message: what was typed cannot be recorded."""


@dataclass(frozen=True)
class SheetLine:
    associate: Associate
    present: bool
    voted_online: bool
    represented_by: Associate | None

    @property
    def status(self) -> str:
        if self.present:
            return _("présent·e")
        if self.voted_online:
            return _("a voté en ligne")
        if self.represented_by is not None:
            return _("représenté·e par %(name)s") % {"name": self.represented_by.display_name}
        return _("absent·e")

    @property
    def counts_for_quorum(self) -> bool:
        return self.present or self.voted_online or self.represented_by is not None


def _ensure_open(assembly: GeneralAssemblyPage) -> None:
    if assembly.votes_closed_at:
        raise RoomRefused(_("Le vote est clos : la feuille de présence ne change plus."))


def attendance_sheet(assembly: GeneralAssemblyPage, associates) -> list[SheetLine]:
    """The lines of the sheet for `associates` (a queryset of associates with voting
    rights, maybe filtered by a search): four queries, whatever their number."""
    associates = list(associates.select_related("user", "college"))
    present = set(Presence.objects.filter(assembly=assembly).values_list("associate_id", flat=True))
    # Who cast ballots online, and for whom: an associate "voted online" when they voted
    # for themself; a holder who voted (even only for their principals) took part, so the
    # principals they hold count as represented.
    cast = set(
        Participation.objects.filter(resolution__page=assembly)
        .values_list("associate_id", "cast_by_id")
        .distinct()
    )
    voted = {associate_id for associate_id, cast_by_id in cast if associate_id == cast_by_id}
    took_part = present | {cast_by_id for _associate_id, cast_by_id in cast}
    # Every active proxy of the assembly (one at most per associate), not only those of
    # `associates`: the minutes ask for the whole sheet, and 3,000 ids in a query cost
    # more than the few hundred proxies read.
    proxies = {
        proxy.principal_id: proxy.holder
        for proxy in Proxy.objects.active().filter(assembly=assembly).select_related("holder__user")
    }
    lines = []
    for associate in associates:
        holder = proxies.get(associate.pk)
        if holder is not None and holder.pk not in took_part:
            holder = None  # a proxy counts once its holder takes part
        lines.append(
            SheetLine(
                associate=associate,
                present=associate.pk in present,
                voted_online=associate.pk in voted,
                represented_by=holder,
            )
        )
    return lines


def set_presence(
    assembly: GeneralAssemblyPage, *, associate: Associate, present: bool, user
) -> None:
    """Tick or untick an associate on the attendance sheet (idempotent)."""
    _ensure_open(assembly)
    if not Associate.objects.voting_at(assembly).filter(pk=associate.pk).exists():
        raise RoomRefused(_("Cet associé n'a pas le droit de vote à cette assemblée."))
    with transaction.atomic():
        if present:
            try:
                with transaction.atomic():
                    Presence.objects.create(
                        assembly=assembly, associate=associate, recorded_by=user
                    )
            except IntegrityError:
                return  # already ticked (a double click, another staff member)
            detail = _("%(name)s présent·e") % {"name": associate.display_name}
        else:
            deleted, _rows = Presence.objects.filter(
                assembly=assembly, associate=associate
            ).delete()
            if not deleted:
                return
            detail = _("%(name)s retiré·e de la feuille de présence") % {
                "name": associate.display_name
            }
        AssemblyEvent.objects.create(
            assembly=assembly,
            kind=AssemblyEventKind.PRESENCE,
            user=user,
            associate=associate,
            detail=detail,
        )


def room_capacity(resolution: AssemblyResolution) -> dict[int, int]:
    """Per college id: the voices in the room for `resolution` (associates present, and
    the principals whose holder is present), less those who voted online on it."""
    assembly = resolution.page
    voted = set(
        Participation.objects.filter(resolution=resolution).values_list("associate_id", flat=True)
    )
    present = dict(
        Presence.objects.filter(assembly=assembly).values_list(
            "associate_id", "associate__college_id"
        )
    )
    represented = dict(
        Proxy.objects.active()
        .filter(assembly=assembly, holder_id__in=list(present))
        .values_list("principal_id", "principal__college_id")
    )
    capacity: dict[int, int] = {}
    for associate_id, college_id in [*present.items(), *represented.items()]:
        if associate_id not in voted:
            capacity[college_id] = capacity.get(college_id, 0) + 1
    return capacity


def save_room_counts(
    resolution: AssemblyResolution, *, counts: dict[int, tuple[int, int, int]], user
) -> None:
    """Record the show of hands of `resolution`: college id -> (for, against, abstain).
    A college left at 0/0/0 has its count removed."""
    assembly = resolution.page
    _ensure_open(assembly)
    capacity = room_capacity(resolution)
    colleges = {college.pk: college for college in College.objects.filter(pk__in=list(counts))}
    for college_id, values in counts.items():
        if college_id not in colleges:
            raise RoomRefused(_("Collège inconnu."))
        if any(value < 0 for value in values):
            raise RoomRefused(_("Les voix se comptent en nombres positifs."))
        if sum(values) > capacity.get(college_id, 0):
            raise RoomRefused(
                _(
                    "%(college)s : %(typed)s voix saisies, mais seulement %(room)s associé(s) "
                    "de ce collège présent(s) ou représenté(s) en salle n'ont pas voté en "
                    "ligne sur cette résolution."
                )
                % {
                    "college": colleges[college_id].name,
                    "typed": sum(values),
                    "room": capacity.get(college_id, 0),
                }
            )
    with transaction.atomic():
        for college_id, (votes_for, votes_against, votes_abstaining) in counts.items():
            if not (votes_for or votes_against or votes_abstaining):
                RoomCount.objects.filter(resolution=resolution, college_id=college_id).delete()
                continue
            RoomCount.objects.update_or_create(
                resolution=resolution,
                college_id=college_id,
                defaults={
                    "votes_for": votes_for,
                    "votes_against": votes_against,
                    "votes_abstaining": votes_abstaining,
                    "recorded_by": user,
                },
            )
        AssemblyEvent.objects.create(
            assembly=assembly,
            kind=AssemblyEventKind.ROOM_COUNT,
            user=user,
            detail=_("Vote en salle : %(title)s") % {"title": resolution.title},
        )
