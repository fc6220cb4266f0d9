"""The results of a general assembly: the college-weighted tally, the quorum, closing
the vote and storing what was decided.

Rules (law of 10 September 1947, article 19 octies, and the usual SCIC statutes):
- one associate, one vote; a proxy vote counts in the principal's college (the
  ballot carries it: `Ballot.college`), show-of-hands counts (`RoomCount`) are added
  to the online ballots of their college;
- abstentions are not votes expressed: within a college, "for" and "against" are
  shares of the votes expressed there;
- each college carries its share of the voting rights (10-50 %, 100 % in all); the
  weighted "for" is the sum over the colleges of share x (for / expressed). A college
  that expresses no vote: its share is spread over the others in proportion to their
  shares when `redistribute_silent_colleges` is set, else it is lost: it stays in the
  total of the voting rights (100 %) and counts neither for nor against;
- simple majority: the weighted "for" is strictly more than half (a tie is rejected);
  two thirds: at least two thirds; with no vote expressed at all, nothing is adopted;
- a cooperative without colleges (no shares set on the assembly): one associate, one
  vote, no weighting;
- quorum (per part, ordinary and extraordinary, with `quorum_for(part)`): associates
  present, or who voted online for themselves, or represented (an active proxy whose
  holder is present or voted), over the associates with voting rights; a resolution
  of a part whose quorum is missed is not adopted.

Everything is computed with `Fraction` (exact); rounding happens only for display,
in the strings stored in `AssemblyResolution.result` and `quorum_result`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model

from extranet.constants import (
    GENERATED_MINUTES_LABEL,
    MAJORITY_RULES,
    AssemblyEventKind,
    DocumentKind,
    Majority,
    ResolutionKind,
    ResolutionOutcome,
    VoteChoice,
)
from extranet.models import (
    AssemblyDocument,
    AssemblyEvent,
    AssemblyResolution,
    Associate,
    Ballot,
    College,
    CollegeShare,
    Convocation,
    GeneralAssemblyPage,
    Participation,
    RoomCount,
    associates_collection,
)
from extranet.services.minutes import minutes_pdf
from extranet.services.room import attendance_sheet
from home.organisation import organisation_for

# The generated minutes' document title: a later run replaces the document so named
# (a signed scan that staff attach under another title stays).
MINUTES_TITLE = "Procès-verbal : %(title)s"

ONE = Fraction(1)


class CloseRefused(ValueError):
    """The vote cannot be closed now: the message says why, in French."""


# --- display ----------------------------------------------------------------------------


def percent(value: Fraction | None, places: int = 2) -> str:
    """A fraction of 1 as a French percentage ("56,25 %"), rounded half up for display
    only; "—" when there is nothing to show."""
    if value is None:
        return "—"
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", ",") + "\u00a0%"


def share_display(share: Decimal) -> str:
    """A college's share as typed ("30 %", "12,5 %")."""
    text = f"{share.normalize():f}" if share == share.to_integral() else f"{share:f}".rstrip("0")
    return text.replace(".", ",") + "\u00a0%"


# --- the tally (pure) -------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Votes of one college on one resolution."""

    votes_for: int = 0
    votes_against: int = 0
    abstaining: int = 0

    @property
    def expressed(self) -> int:
        return self.votes_for + self.votes_against

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.votes_for + other.votes_for,
            self.votes_against + other.votes_against,
            self.abstaining + other.abstaining,
        )


@dataclass(frozen=True)
class CollegeTally:
    """One line of a resolution's table: a college's counts, its shares of for and
    against among its votes expressed, and its weight once silent colleges are dealt
    with (`share` and `weight` are None when the assembly has no colleges' shares)."""

    college_id: int | None
    name: str
    counts: Counts
    share: Decimal | None
    weight: Fraction | None

    @property
    def expressed(self) -> int:
        return self.counts.expressed

    @property
    def silent(self) -> bool:
        return self.counts.expressed == 0

    @property
    def for_ratio(self) -> Fraction | None:
        return Fraction(self.counts.votes_for, self.expressed) if self.expressed else None

    @property
    def against_ratio(self) -> Fraction | None:
        return Fraction(self.counts.votes_against, self.expressed) if self.expressed else None


@dataclass(frozen=True)
class Tally:
    """A resolution's result: per college, then weighted (fractions of all the voting
    rights), with the outcome and its reason in French."""

    colleges: list[CollegeTally]
    weighted: bool
    redistribute: bool
    majority: str
    totals: Counts
    for_share: Fraction | None
    against_share: Fraction | None
    lost_share: Fraction
    adopted: bool
    reason: str

    def as_result(self) -> dict:
        """What `AssemblyResolution.result` keeps: numbers as numbers, figures as the
        strings shown (results screen, minutes), and the exact fractions."""
        return {
            "weighted": self.weighted,
            "redistribute": self.redistribute,
            "majority": self.majority,
            "majority_label": str(Majority(self.majority).label),
            "colleges": [
                {
                    "name": line.name,
                    "share": share_display(line.share) if line.share is not None else "",
                    "weight": percent(line.weight) if line.weight is not None else "",
                    "for": line.counts.votes_for,
                    "against": line.counts.votes_against,
                    "abstain": line.counts.abstaining,
                    "expressed": line.expressed,
                    "for_pct": percent(line.for_ratio),
                    "against_pct": percent(line.against_ratio),
                    "silent": line.silent,
                }
                for line in self.colleges
            ],
            "totals": {
                "for": self.totals.votes_for,
                "against": self.totals.votes_against,
                "abstain": self.totals.abstaining,
                "expressed": self.totals.expressed,
            },
            "for_pct": percent(self.for_share),
            "against_pct": percent(self.against_share),
            "lost_pct": percent(self.lost_share) if self.lost_share else "",
            "for_exact": str(self.for_share) if self.for_share is not None else "",
            "adopted": self.adopted,
            "reason": self.reason,
        }


def _meets(value: Fraction, majority: str) -> bool:
    (numerator, denominator), kind = MAJORITY_RULES[majority]
    threshold = Fraction(numerator, denominator)
    return value > threshold if kind == "strict" else value >= threshold


def _requirement(majority: str) -> str:
    if majority == Majority.TWO_THIRDS:
        return _("au moins les deux tiers")
    return _("plus de la moitié")


def tally(
    *,
    shares: dict[int, Decimal],
    counts: dict[int, Counts],
    redistribute: bool,
    majority: str,
    names: dict[int, str] | None = None,
    quorum_reached: bool = True,
    part_label: str = "",
) -> Tally:
    """The result of one resolution.

    `shares`: college id -> share in percent (empty: no colleges, one associate one
    vote); `counts`: college id -> Counts (colleges absent from it voted nothing);
    `majority`: a Majority value. A college that voted but has no share (the statutes
    gave it none) is listed with a weight of zero.
    """
    names = names or {}
    college_ids = list(shares) + sorted(set(counts) - set(shares))
    totals = sum((counts.get(pk, Counts()) for pk in college_ids), Counts())
    lines: list[CollegeTally]
    lost = Fraction(0)
    if not shares:
        lines = [
            CollegeTally(pk, names.get(pk, str(pk)), counts[pk], None, None)
            for pk in college_ids
            if counts.get(pk, Counts()) != Counts()
        ]
        if totals.expressed:
            for_share = Fraction(totals.votes_for, totals.expressed)
            against_share = 1 - for_share
        else:
            for_share = against_share = None
    else:
        total_shares = sum((Fraction(share) for share in shares.values()), Fraction(0))
        base = {pk: Fraction(share) / total_shares for pk, share in shares.items()}
        expressing = [pk for pk in shares if counts.get(pk, Counts()).expressed and base[pk]]
        expressing_weight = sum((base[pk] for pk in expressing), Fraction(0))
        weights: dict[int, Fraction] = {}
        for pk in college_ids:
            if pk not in expressing:
                weights[pk] = Fraction(0)
            elif redistribute:
                weights[pk] = base[pk] / expressing_weight
            else:
                weights[pk] = base[pk]
        if not redistribute and expressing:
            lost = ONE - expressing_weight
        lines = [
            CollegeTally(
                pk,
                names.get(pk, str(pk)),
                counts.get(pk, Counts()),
                shares.get(pk, Decimal(0)),
                weights[pk],
            )
            for pk in college_ids
        ]
        if expressing:
            for_share = sum(
                (line.weight * line.for_ratio for line in lines if line.weight), Fraction(0)
            )
            against_share = sum(
                (line.weight * line.against_ratio for line in lines if line.weight), Fraction(0)
            )
        else:
            for_share = against_share = None
    weighted = bool(shares)
    adopted = False
    votes = _("des voix pondérées") if weighted else _("des voix exprimées")
    if for_share is None:
        reason = _("Rejetée : aucune voix exprimée.")
    elif not quorum_reached:
        reason = _("Non adoptée : quorum non atteint pour la partie %(part)s.") % {
            "part": part_label or _("concernée")
        }
    else:
        adopted = _meets(for_share, majority)
        figures = {
            "for": percent(for_share),
            "votes": votes,
            "required": _requirement(majority),
        }
        if adopted:
            reason = _("Adoptée : %(for)s %(votes)s pour ; il en fallait %(required)s.") % figures
        else:
            reason = _("Rejetée : %(for)s %(votes)s pour ; il en fallait %(required)s.") % figures
    return Tally(
        colleges=lines,
        weighted=weighted,
        redistribute=redistribute,
        majority=majority,
        totals=totals,
        for_share=for_share,
        against_share=against_share,
        lost_share=lost,
        adopted=adopted,
        reason=reason,
    )


# --- the database side ------------------------------------------------------------------


def resolution_counts(assembly: GeneralAssemblyPage) -> dict[int, dict[int, Counts]]:
    """resolution id -> college id -> Counts, online ballots and room counts added: two
    queries (ballots grouped by resolution, college and choice; room counts) for all the
    resolutions of the assembly."""
    found: dict[int, dict[int, Counts]] = defaultdict(dict)
    per_choice: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    ballots = (
        Ballot.objects.filter(resolution__page_id=assembly.pk)
        .values_list("resolution_id", "college_id", "choice")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for resolution_id, college_id, choice, number in ballots:
        per_choice[(resolution_id, college_id)][choice] = number
    for (resolution_id, college_id), numbers in per_choice.items():
        found[resolution_id][college_id] = Counts(
            numbers.get(VoteChoice.FOR, 0),
            numbers.get(VoteChoice.AGAINST, 0),
            numbers.get(VoteChoice.ABSTAIN, 0),
        )
    room = RoomCount.objects.filter(resolution__page_id=assembly.pk).values_list(
        "resolution_id", "college_id", "votes_for", "votes_against", "votes_abstaining"
    )
    for resolution_id, college_id, votes_for, votes_against, abstaining in room:
        online = found[resolution_id].get(college_id, Counts())
        found[resolution_id][college_id] = online + Counts(votes_for, votes_against, abstaining)
    return found


def voting_rights(assembly: GeneralAssemblyPage):
    """The associates with voting rights at this assembly (the quorum's denominator)."""
    return Associate.objects.voting_at(assembly)


@dataclass
class CollegeAttendance:
    name: str
    voting_rights: int = 0
    present: int = 0
    online: int = 0
    represented: int = 0

    @property
    def participants(self) -> int:
        return self.present + self.online + self.represented


@dataclass
class Attendance:
    """Who took part, per college and in all: present in the room, voted online (for
    themselves), represented (an active proxy whose holder took part); each associate
    counted once, in that order. `lines` is the attendance sheet, for the annex."""

    colleges: list[CollegeAttendance]
    lines: list = field(default_factory=list)

    @property
    def total(self) -> CollegeAttendance:
        total = CollegeAttendance(_("Ensemble"))
        for college in self.colleges:
            total.voting_rights += college.voting_rights
            total.present += college.present
            total.online += college.online
            total.represented += college.represented
        return total


def attendance(assembly: GeneralAssemblyPage) -> Attendance:
    """The attendance sheet of the associates with voting rights and its counts per
    college: five queries, whatever the number of associates."""
    colleges = {college.pk: CollegeAttendance(college.name) for college in College.objects.all()}
    lines = attendance_sheet(
        assembly,
        voting_rights(assembly).order_by(
            "college__sort_order", "college__name", "user__last_name", "user__first_name", "pk"
        ),
    )
    for line in lines:
        college = colleges[line.associate.college_id]
        college.voting_rights += 1
        if line.present:
            college.present += 1
        elif line.voted_online:
            college.online += 1
        elif line.represented_by is not None:
            college.represented += 1
    return Attendance(
        colleges=[college for college in colleges.values() if college.voting_rights],
        lines=lines,
    )


def assembly_parts(assembly: GeneralAssemblyPage, resolutions) -> list[str]:
    """The parts (ordinary, extraordinary) this assembly votes on, in that order."""
    parts = {resolution.part(assembly) for resolution in resolutions} or {
        assembly.kind if assembly.kind in ResolutionKind.values else ResolutionKind.ORDINARY
    }
    return [part for part in ResolutionKind.values if part in parts]


def quorum(assembly: GeneralAssemblyPage, attendance: Attendance, parts: list[str]) -> dict:
    """Per part: the quorum required (percent), the participants and the associates with
    voting rights, the rate, and whether the quorum is reached (what `quorum_result`
    keeps)."""
    total = attendance.total
    found = {}
    for part in parts:
        required = Decimal(assembly.quorum_for(part))
        rate = Fraction(total.participants, total.voting_rights) if total.voting_rights else None
        reached = (rate is not None and rate * 100 >= Fraction(required)) or required == 0
        found[part] = {
            "label": str(ResolutionKind(part).label),
            "required": share_display(required),
            "participants": total.participants,
            "voting_rights": total.voting_rights,
            "rate": percent(rate),
            "reached": reached,
        }
    return found


@dataclass
class AssemblyResults:
    """What closing computes: the attendance, the quorum per part, each resolution's
    tally."""

    attendance: Attendance
    quorum: dict
    tallies: list[tuple[AssemblyResolution, Tally]]


def compute(assembly: GeneralAssemblyPage) -> AssemblyResults:
    """Everything the vote decided, from the ballots, room counts and attendance: a
    constant number of queries, whatever the number of associates and resolutions."""
    resolutions = list(
        AssemblyResolution.objects.filter(page_id=assembly.pk).order_by("sort_order", "pk")
    )
    shares = {
        share.college_id: share.share
        for share in CollegeShare.objects.filter(page_id=assembly.pk).order_by("sort_order", "pk")
    }
    names = dict(College.objects.values_list("pk", "name"))
    counts = resolution_counts(assembly)
    present = attendance(assembly)
    parts = assembly_parts(assembly, resolutions)
    quorums = quorum(assembly, present, parts)
    tallies = []
    for resolution in resolutions:
        part = resolution.part(assembly)
        tallies.append(
            (
                resolution,
                tally(
                    shares=shares,
                    counts=counts.get(resolution.pk, {}),
                    redistribute=assembly.redistribute_silent_colleges,
                    majority=resolution.required_majority(assembly),
                    names=names,
                    quorum_reached=quorums[part]["reached"],
                    part_label=quorums[part]["label"],
                ),
            )
        )
    return AssemblyResults(attendance=present, quorum=quorums, tallies=tallies)


def turnout(assembly: GeneralAssemblyPage) -> list[CollegeAttendance]:
    """While the vote is open: per college, the associates with voting rights and how
    many have voted (themselves or through their holder), never what. Three queries."""
    colleges = {college.pk: CollegeAttendance(college.name) for college in College.objects.all()}
    rights = voting_rights(assembly)
    for college_id, number in rights.values_list("college_id").annotate(n=Count("pk")).order_by():
        colleges[college_id].voting_rights = number
    voted = (
        Participation.objects.filter(resolution__page_id=assembly.pk, associate__in=rights)
        .values_list("associate__college_id")
        .annotate(n=Count("associate_id", distinct=True))
        .order_by()
    )
    for college_id, number in voted:
        colleges[college_id].online = number
    return [college for college in colleges.values() if college.voting_rights]


def published_ballots(assembly: GeneralAssemblyPage, *, resolution_id: int | None = None):
    """The ballots of a closed vote as published to the associates: receipt code, choice
    and resolution, never the associate; by resolution, then by code."""
    ballots = Ballot.objects.filter(resolution__page_id=assembly.pk)
    if resolution_id is not None:
        ballots = ballots.filter(resolution_id=resolution_id)
    return ballots.order_by("resolution__sort_order", "resolution_id", "receipt").values(
        "receipt", "choice", "resolution_id"
    )


# --- closing ----------------------------------------------------------------------------


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y à H\\hi")


@transaction.atomic
def close_vote(assembly: GeneralAssemblyPage, *, user, force: bool = False, now=None) -> bool:
    """Close the vote of `assembly`: compute and store every resolution's result and the
    quorum, log it, write the minutes. Runs under a lock of the assembly's row (votes
    under way finish first; later ones see it closed). Idempotent: once closed, a
    second call changes nothing and returns False. Refuses (CloseRefused) while the
    online vote is open or not yet open, unless staff close it early (`force`, logged).
    """
    now = now or timezone.now()
    page = GeneralAssemblyPage.objects.select_for_update().get(pk=assembly.pk)
    if page.votes_closed_at:
        return False
    state = page.voting_state(now)
    if state in ("open", "upcoming") and not force:
        if state == "open":
            message = _(
                "Le vote en ligne est ouvert jusqu'au %(date)s : il ne peut être clos avant "
                "que sur décision explicite de l'équipe."
            ) % {"date": _when(page.votes_close_at)}
        else:
            message = _(
                "Le vote en ligne n'est pas encore ouvert (ouverture le %(date)s) : il ne peut "
                "être clos que sur décision explicite de l'équipe."
            ) % {"date": _when(page.votes_open_at)}
        raise CloseRefused(message)
    results = compute(page)
    fields = ("result", "outcome", "votes_for", "votes_against", "votes_abstaining", "unanimous")
    for resolution, result in results.tallies:
        resolution.result = result.as_result()
        resolution.outcome = (
            ResolutionOutcome.ADOPTED if result.adopted else ResolutionOutcome.REJECTED
        )
        resolution.votes_for = result.totals.votes_for
        resolution.votes_against = result.totals.votes_against
        resolution.votes_abstaining = result.totals.abstaining
        resolution.unanimous = bool(
            result.adopted and not result.totals.votes_against and not result.totals.abstaining
        )
    AssemblyResolution.objects.bulk_update([r for r, _t in results.tallies], fields)
    total = results.attendance.total
    quorum_result = {
        **results.quorum,
        "attendance": {
            "voting_rights": total.voting_rights,
            "present": total.present,
            "online": total.online,
            "represented": total.represented,
            "participants": total.participants,
        },
    }
    GeneralAssemblyPage.objects.filter(pk=page.pk).update(
        votes_closed_at=now, quorum_result=quorum_result
    )
    page.votes_closed_at, page.quorum_result = now, quorum_result
    assembly.votes_closed_at, assembly.quorum_result = now, quorum_result
    adopted = sum(1 for _r, result in results.tallies if result.adopted)
    detail = _("%(adopted)s résolution(s) adoptée(s) sur %(count)s.") % {
        "adopted": adopted,
        "count": len(results.tallies),
    }
    if state in ("open", "upcoming"):
        detail = (
            _("Vote clos avant l'heure prévue (%(date)s), sur décision de l'équipe. ")
            % {"date": _when(page.votes_close_at or now)}
            + detail
        )
    AssemblyEvent.objects.create(
        assembly=page, kind=AssemblyEventKind.VOTE_CLOSED, user=user, detail=detail
    )
    write_minutes(page, results=results, user=user)
    return True


def write_minutes(
    assembly: GeneralAssemblyPage, *, user, results: AssemblyResults | None = None
) -> AssemblyDocument:
    """Write the minutes of a closed vote as a private document of the assembly, visible
    to the associates (their collection), replacing the minutes generated before."""
    if not assembly.votes_closed_at:
        raise CloseRefused(_("Le procès-verbal s'écrit une fois le vote clos."))
    present = results.attendance if results is not None else attendance(assembly)
    resolutions = list(
        AssemblyResolution.objects.filter(page_id=assembly.pk).order_by("sort_order", "pk")
    )
    convocations = dict(
        Convocation.objects.filter(assembly_id=assembly.pk)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    shares = {
        share.college.name: share_display(share.share)
        for share in CollegeShare.objects.filter(page_id=assembly.pk).select_related("college")
    }
    organisation = organisation_for(assembly.get_site())
    pdf = minutes_pdf(
        assembly=assembly,
        resolutions=resolutions,
        attendance=present,
        convocations=convocations,
        shares=shares,
        organisation_name=organisation.name if organisation else "Clus'Ter Jura",
        legal_form=organisation.legal_form
        if organisation
        else "société coopérative d'intérêt collectif",
    )
    title = MINUTES_TITLE % {"title": assembly.title}
    for link in AssemblyDocument.objects.filter(
        page_id=assembly.pk, kind=DocumentKind.MINUTES, document__title=title
    ).select_related("document"):
        previous = link.document
        link.delete()
        previous.delete()
    document = get_document_model()(
        title=title, collection=associates_collection(), uploaded_by_user=user
    )
    document.file.save(
        f"proces-verbal-{slugify(assembly.title) or assembly.pk}.pdf", ContentFile(pdf), save=False
    )
    document._set_document_file_metadata()  # size, hash, type: what the admin form does
    document.save()
    link = AssemblyDocument.objects.create(
        page_id=assembly.pk,
        document=document,
        kind=DocumentKind.MINUTES,
        title=GENERATED_MINUTES_LABEL,
        sort_order=AssemblyDocument.objects.filter(page_id=assembly.pk).count(),
    )
    AssemblyEvent.objects.create(
        assembly_id=assembly.pk,
        kind=AssemblyEventKind.MINUTES,
        user=user,
        detail=_("Procès-verbal produit : « %(title)s ».") % {"title": title},
    )
    return link
