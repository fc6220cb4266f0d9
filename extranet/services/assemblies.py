"""An associate's part in a general assembly: proxies (given, changed, withdrawn) and
online votes (cast, changed), with their receipts, log and emails.

Rules (law of 10 September 1947 and the statutes, issue 10):
- a proxy goes to another associate with voting rights at this assembly; it is given,
  changed or withdrawn until it has served: before the vote opens, and while it is
  open as long as no vote was recorded for the principal (a mandate can be revoked
  until it is carried out); never once the vote is closed. One holder holds at most `assembly.proxy_cap`
  proxies, counted under a lock of the holder's row, so two principals choosing the
  same holder at once cannot pass the cap;
- no chains: a principal who gave a proxy holds none, a holder gives none;
- a principal who already voted online gives no proxy; one who gave a proxy does not
  vote: their holder does, and the ballot counts in the principal's college;
- a vote is cast while the window is open, once per associate and resolution (the
  database refuses a second `Participation`: concurrent posts give one ballot), and may
  be changed until the window closes: an open ballot by choosing again, a secret one
  with the receipt code shown when it was cast (nothing else links it to its voter).

Every function writes in one transaction; emails go through the outbox in it.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from extranet.constants import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    AssemblyEventKind,
    VoteChoice,
)
from extranet.models import (
    AssemblyEvent,
    AssemblyResolution,
    Associate,
    Ballot,
    GeneralAssemblyPage,
    Participation,
    Proxy,
)
from home.links import absolute_url
from home.outbox import queue_email

# Holders listed at once on the proxy page: a name typed narrows the list.
HOLDER_LIST_LIMIT = 30
SEARCH_MAX_WORDS = 5


class AssemblyRefused(ValueError):
    """What an associate asked cannot be done: `message` says why, in French."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class ProxyRefused(AssemblyRefused):
    pass


class VoteRefused(AssemblyRefused):
    pass


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y à H\\hi")


def voters(assembly: GeneralAssemblyPage):
    """The associates who vote at this assembly: voting rights on its day, and an
    account that can log in."""
    on = timezone.localdate(assembly.held_at)
    return Associate.objects.with_voting_rights(on).filter(user__is_active=True)


# --- proxies --------------------------------------------------------------------------


def proxies_open(assembly: GeneralAssemblyPage, now=None) -> bool:
    """Proxies are given and withdrawn until the vote closes (without an online vote:
    until the assembly begins); each principal's only until a vote is recorded for them
    (`proxy_used`)."""
    now = now or timezone.now()
    state = assembly.voting_state(now)
    return state == "open" or (state in ("none", "upcoming") and now < assembly.held_at)


def proxy_used(assembly: GeneralAssemblyPage, principal: Associate) -> bool:
    """A vote was recorded for `principal` (by themself, or by their holder): their
    proxy has served, or they chose to vote; it no longer changes."""
    return Participation.objects.filter(resolution__page=assembly, associate=principal).exists()


def _check_proxy_window(assembly: GeneralAssemblyPage, now) -> None:
    """As the database holds the window now, not as the page handed in was read."""
    window = _fresh_window(assembly)
    if proxies_open(window, now):
        return
    if window.voting_state(now) == "closed":
        message = _("Le vote de cette assemblée est clos : les procurations ne changent plus.")
    else:
        message = _("L'assemblée a commencé : les procurations ne changent plus.")
    raise ProxyRefused(message, code="window")


def _lock(*associates: Associate) -> None:
    """Lock these associates' rows, in one order (two proxies crossing each other never
    deadlock). SQLite runs one writing transaction at a time: nothing to lock there."""
    ids = sorted({associate.pk for associate in associates})
    list(Associate.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _log(assembly, kind, *, user, associate, detail) -> AssemblyEvent:
    return AssemblyEvent.objects.create(
        assembly=assembly, kind=kind, user=user, associate=associate, detail=detail[:2000]
    )


def _proxy_email(template: str, *, proxy: Proxy, recipient: Associate, subject: str, **context):
    if not recipient.user.email.strip():
        return None  # convened by post: the assembly's log keeps the change
    assembly = proxy.assembly
    return queue_email(
        to=recipient.user.email,
        subject=subject,
        template=f"extranet/emails/{template}",
        context={
            "proxy": proxy,
            "assembly": assembly,
            "recipient": recipient,
            "for_holder": recipient.pk == proxy.holder_id,
            "page_url": absolute_url(assembly.url),
            "proxy_url": absolute_url(assembly.url + "procuration/"),
            "vote_url": absolute_url(assembly.url + "vote/"),
            **context,
        },
        kind=f"extranet.{template}",
        about=proxy,
    )


def _withdraw(proxy: Proxy, *, now, user, replaced_by: Associate | None = None) -> None:
    proxy.withdrawn_at = now
    proxy.save(update_fields=["withdrawn_at"])
    _log(
        proxy.assembly,
        AssemblyEventKind.PROXY_WITHDRAWN,
        user=user,
        associate=proxy.principal,
        detail=_("Procuration de %(principal)s à %(holder)s retirée.")
        % {"principal": proxy.principal, "holder": proxy.holder},
    )
    subject = _("Procuration retirée : %(title)s") % {"title": proxy.assembly.title}
    recipients = [proxy.holder] if replaced_by else [proxy.principal, proxy.holder]
    for recipient in recipients:
        _proxy_email(
            "proxy_withdrawn",
            proxy=proxy,
            recipient=recipient,
            subject=subject,
            replaced_by=replaced_by,
        )


@transaction.atomic
def give_proxy(
    assembly: GeneralAssemblyPage, *, principal: Associate, holder: Associate, user=None
) -> Proxy:
    """`principal` gives their proxy for `assembly` to `holder` (replacing the proxy they
    gave before, if any). Raises ProxyRefused with the reason."""
    now = timezone.now()
    user = user or principal.user
    _check_proxy_window(assembly, now)
    if holder.pk == principal.pk:
        raise ProxyRefused(
            _("Choisissez un autre associé que vous-même : il votera pour vous."), code="self"
        )
    _lock(principal, holder)
    allowed = set(
        voters(assembly).filter(pk__in=[principal.pk, holder.pk]).values_list("pk", flat=True)
    )
    if principal.pk not in allowed:
        raise ProxyRefused(
            _("Seul un associé qui a le droit de vote à cette assemblée donne procuration."),
            code="principal",
        )
    if holder.pk not in allowed:
        raise ProxyRefused(
            _(
                "%(holder)s n'a pas le droit de vote à cette assemblée : choisissez un autre "
                "associé."
            )
            % {"holder": holder},
            code="holder",
        )
    active = Proxy.objects.filter(assembly=assembly).active()
    held = active.filter(holder=principal).count()
    if held:
        raise ProxyRefused(
            ngettext(
                "Vous détenez déjà %(count)d procuration pour cette assemblée : un mandataire "
                "ne donne pas la sienne (pas de procuration en chaîne). Votre mandant doit "
                "d'abord retirer la sienne.",
                "Vous détenez déjà %(count)d procurations pour cette assemblée : un "
                "mandataire ne donne pas la sienne (pas de procuration en chaîne). Vos "
                "mandants doivent d'abord retirer les leurs.",
                held,
            )
            % {"count": held},
            code="chain",
        )
    if active.filter(principal=holder).exists():
        raise ProxyRefused(
            _(
                "%(holder)s a donné sa propre procuration pour cette assemblée : il ne peut "
                "pas en recevoir (pas de procuration en chaîne). Choisissez un autre associé."
            )
            % {"holder": holder},
            code="chain",
        )
    if proxy_used(assembly, principal):
        raise ProxyRefused(
            _(
                "Un vote est déjà enregistré pour vous (par vous-même ou par votre "
                "mandataire) : vous ne pouvez plus donner ni changer de procuration."
            ),
            code="voted",
        )
    current = active.filter(principal=principal).select_related("holder__user").first()
    if current is not None and current.holder_id == holder.pk:
        return current  # the same proxy again (a second click): nothing changes
    if active.filter(holder=holder).count() >= assembly.proxy_cap:
        raise ProxyRefused(
            _(
                "%(holder)s détient déjà le nombre maximal de procurations (%(cap)d) : "
                "choisissez un autre associé."
            )
            % {"holder": holder, "cap": assembly.proxy_cap},
            code="cap",
        )
    if current is not None:
        current.assembly = assembly
        current.principal = principal
        _withdraw(current, now=now, user=user, replaced_by=holder)
    proxy = Proxy(assembly=assembly, principal=principal, holder=holder)
    proxy.full_clean()
    proxy.save()
    _log(
        assembly,
        AssemblyEventKind.PROXY_GIVEN,
        user=user,
        associate=principal,
        detail=_("Procuration de %(principal)s à %(holder)s.")
        % {"principal": principal, "holder": holder},
    )
    subject = _("Procuration pour %(title)s") % {"title": assembly.title}
    for recipient in (principal, holder):
        _proxy_email(
            "proxy_given",
            proxy=proxy,
            recipient=recipient,
            subject=subject,
            previous_holder=current.holder if current else None,
        )
    return proxy


@transaction.atomic
def withdraw_proxy(assembly: GeneralAssemblyPage, *, principal: Associate, user=None) -> Proxy:
    """`principal` takes back the proxy they gave for `assembly`: they vote themself."""
    now = timezone.now()
    _check_proxy_window(assembly, now)
    _lock(principal)
    proxy = (
        Proxy.objects.filter(assembly=assembly, principal=principal)
        .active()
        .select_related("holder__user", "principal__user")
        .first()
    )
    if proxy is None:
        raise ProxyRefused(
            _("Vous n'avez pas donné de procuration pour cette assemblée."), code="none"
        )
    if proxy_used(assembly, principal):
        raise ProxyRefused(
            _("%(holder)s a déjà voté pour vous : la procuration a servi et ne se retire plus.")
            % {"holder": proxy.holder},
            code="used",
        )
    proxy.assembly = assembly
    _withdraw(proxy, now=now, user=user or principal.user)
    return proxy


def holder_candidates(assembly: GeneralAssemblyPage, *, principal: Associate, query: str = ""):
    """The associates `principal` may choose as holder, found by name (each word typed
    in the first name, last name or organisation), in alphabetical order. Those who gave
    their own proxy are left out (no chains); the cap is checked when choosing."""
    found = (
        voters(assembly)
        .exclude(pk=principal.pk)
        .exclude(pk__in=Proxy.objects.filter(assembly=assembly).active().values("principal_id"))
        .select_related("user", "college")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    for word in query.split()[:SEARCH_MAX_WORDS]:
        found = found.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(organisation__icontains=word)
        )
    return found


# --- what the associate sees ----------------------------------------------------------


@dataclass
class AssociatePart:
    """One associate's part in an assembly, for the assembly page."""

    associate: Associate
    state: str
    proxies_open: bool
    proxy_given: Proxy | None
    proxies_held: list[Proxy]
    voted_resolutions: int
    resolutions: int

    @property
    def may_vote(self) -> bool:
        return self.state == "open" and (self.proxy_given is None or bool(self.proxies_held))


def associate_part(assembly: GeneralAssemblyPage, associate: Associate) -> AssociatePart:
    """Three queries: the proxies given and held, the resolutions voted for oneself."""
    proxies = list(
        Proxy.objects.filter(assembly=assembly)
        .active()
        .filter(Q(principal=associate) | Q(holder=associate))
        .select_related("principal__user", "holder__user")
        .order_by("principal__user__last_name", "principal__user__first_name")
    )
    resolution_ids = [resolution.pk for resolution in assembly.resolutions.all()]
    voted = Participation.objects.filter(
        resolution_id__in=resolution_ids, associate=associate
    ).count()
    return AssociatePart(
        associate=associate,
        state=assembly.voting_state(),
        proxies_open=proxies_open(assembly) and not voted,
        proxy_given=next((p for p in proxies if p.principal_id == associate.pk), None),
        proxies_held=[p for p in proxies if p.holder_id == associate.pk],
        voted_resolutions=voted,
        resolutions=len(resolution_ids),
    )


@dataclass
class Person:
    """Someone the voter votes for: themself, or a principal (with the proxy)."""

    associate: Associate
    proxy: Proxy | None = None

    @property
    def is_self(self) -> bool:
        return self.proxy is None


@dataclass
class VotingSheet:
    """What the voting form shows: the resolutions, the people the voter votes for,
    what is already voted (and the choice and receipt of open ballots)."""

    assembly: GeneralAssemblyPage
    voter: Associate
    resolutions: list[AssemblyResolution]
    people: list[Person]
    proxy_given: Proxy | None
    voted: set[tuple[int, int]] = field(default_factory=set)
    open_ballots: dict[tuple[int, int], Ballot] = field(default_factory=dict)


def voting_sheet(assembly: GeneralAssemblyPage, voter: Associate) -> VotingSheet:
    """Five queries, whatever the number of resolutions and principals."""
    resolutions = list(
        AssemblyResolution.objects.filter(page=assembly).order_by("sort_order", "pk")
    )
    proxies = list(
        Proxy.objects.filter(assembly=assembly)
        .active()
        .filter(Q(principal=voter) | Q(holder=voter, principal__in=voters(assembly)))
        .select_related("principal__user", "principal__college", "holder__user")
        .order_by("principal__user__last_name", "principal__user__first_name", "pk")
    )
    proxy_given = next((p for p in proxies if p.principal_id == voter.pk), None)
    people = [] if proxy_given else [Person(voter)]
    people += [Person(p.principal, proxy=p) for p in proxies if p.holder_id == voter.pk]
    ids = [person.associate.pk for person in people]
    voted = set(
        Participation.objects.filter(resolution__in=resolutions, associate_id__in=ids).values_list(
            "associate_id", "resolution_id"
        )
    )
    ballots = Ballot.objects.filter(resolution__in=resolutions, associate_id__in=ids)
    return VotingSheet(
        assembly=assembly,
        voter=voter,
        resolutions=resolutions,
        people=people,
        proxy_given=proxy_given,
        voted=voted,
        open_ballots={(b.associate_id, b.resolution_id): b for b in ballots},
    )


# --- votes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CastBallot:
    """One ballot written or confirmed by `cast_votes`, for the receipt page."""

    associate: Associate
    resolution: AssemblyResolution
    number: int
    choice: str
    receipt: str
    secret: bool
    status: str  # "new", "changed" or "unchanged"
    for_self: bool

    @property
    def choice_label(self) -> str:
        return str(VoteChoice(self.choice).label)


def normalize_receipt(code: str) -> str:
    """A receipt code as stored: capitals, without the spaces or dashes typed."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def new_receipts(count: int) -> list[str]:
    """`count` receipt codes, random (secrets) and not used yet."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = count - len(codes)
        drawn = {
            "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))
            for _j in range(wanted)
        }
        drawn -= set(Ballot.objects.filter(receipt__in=drawn).values_list("receipt", flat=True))
        codes |= drawn
    return list(codes)[:count]


# Django's ORM has FOR UPDATE, not FOR SHARE (GeneralAssemblyPage's table, by name).
SHARE_LOCK_SQL = "SELECT 1 FROM extranet_generalassemblypage WHERE page_ptr_id = %s FOR SHARE"


def _fresh_window(assembly: GeneralAssemblyPage) -> GeneralAssemblyPage:
    """The voting window as the database holds it now. On PostgreSQL the assembly's row
    is share-locked first: votes do not wait for each other, but closing the vote (which
    locks the row for update) waits for the votes under way, and the votes after it see
    it closed. SQLite runs one writing transaction at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(SHARE_LOCK_SQL, [assembly.pk])
    window = (
        GeneralAssemblyPage.objects.filter(pk=assembly.pk)
        .only("held_at", "votes_open_at", "votes_close_at", "votes_closed_at")
        .first()
    )
    if window is None:
        raise AssemblyRefused(_("Cette assemblée n'existe plus."), code="window")
    return window


def fresh_voting_state(assembly: GeneralAssemblyPage, now=None) -> str:
    """The assembly's voting state as the database holds it now (it may have closed
    since the page was read)."""
    return _fresh_window(assembly).voting_state(now or timezone.now())


def check_vote_window(assembly: GeneralAssemblyPage, now=None) -> None:
    """Raise VoteRefused, with the French reason, unless the online vote is open."""
    window = _fresh_window(assembly)
    state = window.voting_state(now or timezone.now())
    if state == "open":
        return
    if state == "upcoming":
        message = _("Le vote en ligne ouvre le %(date)s.") % {"date": _date(window.votes_open_at)}
    elif state == "closed":
        message = _("Le vote en ligne est clos : aucun vote ne peut plus être enregistré.")
    else:
        message = _("Cette assemblée n'a pas de vote en ligne : on y vote dans la salle.")
    raise VoteRefused(message, code="window")


def _event_detail(cast: CastBallot, voter: Associate) -> str:
    detail = _("Résolution %(number)d « %(title)s »") % {
        "number": cast.number,
        "title": cast.resolution.title,
    }
    if cast.secret:
        detail += _(" (vote secret)")  # who and when, never what
    else:
        detail += _(" : %(choice)s") % {"choice": cast.choice_label}
    if not cast.for_self:
        detail += _(", par son mandataire %(holder)s") % {"holder": voter}
    return detail + "."


@transaction.atomic
def cast_votes(
    assembly: GeneralAssemblyPage,
    *,
    voter: Associate,
    choices: Mapping[tuple[int, int], str],
    receipts: Mapping[tuple[int, int], str] | None = None,
    user=None,
) -> list[CastBallot]:
    """Record `voter`'s votes: `choices` maps (id of the associate the vote is for,
    resolution id) to a VoteChoice, for the voter and the principals whose active proxy
    they hold. A vote already cast is changed: an open ballot keeps its receipt; a
    secret one needs its receipt code in `receipts` (same keys). Raises VoteRefused."""
    now = timezone.now()
    receipts = receipts or {}
    check_vote_window(assembly, now)
    if not choices:
        raise VoteRefused(_("Choisissez au moins un vote."), code="empty")
    if not voters(assembly).filter(pk=voter.pk).exists():
        raise VoteRefused(
            _("Seul un associé qui a le droit de vote à cette assemblée vote en ligne."),
            code="voter",
        )
    sheet = voting_sheet(assembly, voter)
    people = {person.associate.pk: person for person in sheet.people}
    resolutions = {resolution.pk: resolution for resolution in sheet.resolutions}
    numbers = {resolution.pk: n for n, resolution in enumerate(sheet.resolutions, 1)}
    for (associate_id, resolution_id), choice in choices.items():
        if associate_id not in people:
            if associate_id == voter.pk and sheet.proxy_given:
                raise VoteRefused(
                    _(
                        "Vous avez donné procuration à %(holder)s : c'est votre mandataire "
                        "qui vote pour vous."
                    )
                    % {"holder": sheet.proxy_given.holder},
                    code="gave_proxy",
                )
            raise VoteRefused(
                _("Vous n'avez pas de procuration de cet associé pour cette assemblée."),
                code="no_proxy",
            )
        if resolution_id not in resolutions:
            raise VoteRefused(
                _("Cette résolution n'est pas soumise au vote de cette assemblée."),
                code="resolution",
            )
        if choice not in VoteChoice.values:
            raise VoteRefused(_("Choisissez pour, contre ou abstention."), code="choice")

    cast: list[CastBallot] = []
    participations: list[Participation] = []
    new_ballots: list[Ballot] = []
    changed_participations: list[tuple[int, int]] = []
    pairs = sorted(choices, key=lambda pair: (list(people).index(pair[0]), numbers[pair[1]]))
    secret_changes = {}
    for pair in pairs:
        if pair in sheet.voted and resolutions[pair[1]].secret:
            code = normalize_receipt(receipts.get(pair, ""))
            if not code:
                raise VoteRefused(
                    _(
                        "Un vote secret est déjà enregistré sur la résolution %(number)d : "
                        "pour le changer, donnez le code de reçu affiché quand il a été fait."
                    )
                    % {"number": numbers[pair[1]]},
                    code="secret_receipt",
                )
            secret_changes[pair] = code
    found = {
        (ballot.resolution_id, ballot.receipt): ballot
        for ballot in Ballot.objects.select_for_update().filter(
            resolution_id__in={pair[1] for pair in secret_changes},
            receipt__in=set(secret_changes.values()),
            associate__isnull=True,
        )
    }
    codes = iter(new_receipts(sum(1 for pair in pairs if pair not in sheet.voted)))
    for pair in pairs:
        associate_id, resolution_id = pair
        person, resolution, choice = people[associate_id], resolutions[resolution_id], choices[pair]
        associate = person.associate
        status = "new"
        if pair not in sheet.voted:
            ballot = Ballot(
                resolution=resolution,
                college_id=associate.college_id,
                choice=choice,
                receipt=next(codes),
                associate=None if resolution.secret else associate,
            )
            new_ballots.append(ballot)
            participations.append(
                Participation(resolution=resolution, associate=associate, cast_by=voter)
            )
        else:
            if resolution.secret:
                ballot = found.get((resolution_id, secret_changes[pair]))
            else:
                ballot = sheet.open_ballots.get(pair)
            if ballot is None or (resolution.secret and ballot.college_id != associate.college_id):
                raise VoteRefused(
                    _(
                        "Ce code de reçu ne correspond à aucun vote secret sur la "
                        "résolution %(number)d : vérifiez-le."
                    )
                    % {"number": numbers[resolution_id]},
                    code="receipt_unknown",
                )
            status = "unchanged" if ballot.choice == choice else "changed"
            if status == "changed":
                ballot.choice = choice
                ballot.save(update_fields=["choice"])
                changed_participations.append(pair)
        cast.append(
            CastBallot(
                associate=associate,
                resolution=resolution,
                number=numbers[resolution_id],
                choice=choice,
                receipt=ballot.receipt,
                secret=resolution.secret,
                status=status,
                for_self=person.is_self,
            )
        )
    try:
        with transaction.atomic():
            # The register first: a second post for the same associate and resolution
            # stops here (unique constraint) before any secret ballot is written.
            Participation.objects.bulk_create(participations)
            Ballot.objects.bulk_create(new_ballots)
    except IntegrityError:
        raise VoteRefused(
            _(
                "Ce vote vient d'être enregistré par une autre demande (un double clic ?) : "
                "vérifiez vos choix ci-dessous et recommencez si besoin."
            ),
            code="concurrent",
        ) from None
    for associate_id, resolution_id in changed_participations:
        Participation.objects.filter(associate_id=associate_id, resolution_id=resolution_id).update(
            changed_at=now, cast_by=voter
        )
    user = user or voter.user
    AssemblyEvent.objects.bulk_create(
        AssemblyEvent(
            assembly=assembly,
            kind=AssemblyEventKind.VOTE_CAST
            if item.status == "new"
            else AssemblyEventKind.VOTE_CHANGED,
            user=user,
            associate=item.associate,
            detail=_event_detail(item, voter),
        )
        for item in cast
        if item.status != "unchanged"
    )
    _vote_emails(assembly, voter=voter, cast=[item for item in cast if item.status != "unchanged"])
    return cast


def _vote_emails(assembly, *, voter: Associate, cast: list[CastBallot]) -> None:
    """One confirmation to the voter, and one to each principal voted for: the choice and
    receipt of open ballots only (the outbox keeps the body; a secret ballot's code is
    shown on screen, once)."""
    if not cast:
        return
    by_person: dict[int, list[CastBallot]] = {}
    for item in cast:
        by_person.setdefault(item.associate.pk, []).append(item)
    recipients = [(voter, cast)]
    recipients += [(items[0].associate, items) for pk, items in by_person.items() if pk != voter.pk]
    for recipient, items in recipients:
        if not recipient.user.email.strip():
            continue
        queue_email(
            to=recipient.user.email,
            subject=_("Votre vote est enregistré : %(title)s") % {"title": assembly.title},
            template="extranet/emails/vote_confirmation",
            context={
                "assembly": assembly,
                "recipient": recipient,
                "voter": voter,
                "by_holder": recipient.pk != voter.pk,
                "ballots": items,
                "vote_url": absolute_url(assembly.url + "vote/"),
                "receipts_url": absolute_url(assembly.url + "recus/"),
            },
            kind="extranet.vote_confirmation",
            about=assembly,
        )
