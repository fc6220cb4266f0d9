"""Convening a general assembly: what is missing first, then one action that convenes
every associate with voting rights, by email for those who agreed to it in writing
(Associate.consent_electronic, with its date), by post for the others.

The convocation leaves at least CONVOCATION_MIN_DAYS days before the assembly; sending
it later needs a reason, which the assembly's log keeps. Sending again convenes only
the associates not convened yet (a newcomer, an address fixed): nobody gets it twice.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from extranet.constants import (
    CONVOCATION_MIN_DAYS,
    AssemblyEventKind,
    ConvocationChannel,
)
from extranet.models import (
    AssemblyEvent,
    Associate,
    Convocation,
    GeneralAssemblyPage,
)
from home.links import absolute_url
from home.outbox import queue_email

REASON_MAX = 1000


class ConvocationRefused(ValueError):
    """The convocation cannot leave: the message says why, in French."""


@dataclass(frozen=True)
class Check:
    """One line of the check list shown before the convocation."""

    label: str
    ok: bool
    detail: str = ""
    blocking: bool = True


def convened_associates(assembly: GeneralAssemblyPage):
    """Who is convened: the associates with voting rights on the assembly's day."""
    return Associate.objects.voting_at(assembly)


def days_before(assembly: GeneralAssemblyPage, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return (timezone.localdate(assembly.held_at) - today).days


def checks(assembly: GeneralAssemblyPage, *, today: datetime.date | None = None) -> list[Check]:
    """What must be right before the convocation leaves (blocking), and what should be
    (warnings). A handful of queries, whatever the number of associates."""
    associates = convened_associates(assembly).select_related("user", "college")
    resolutions = list(assembly.resolutions.all())
    shares = list(assembly.college_shares.select_related("college"))
    colleges_with_votes = set(associates.values_list("college_id", flat=True).distinct())
    missing_share = sorted(
        {a.college.name for a in associates if a.college_id not in {s.college_id for s in shares}}
    )
    no_email = [
        a.display_name for a in associates if a.consent_electronic and not a.user.email.strip()
    ]
    no_address = [
        a.display_name for a in associates if not a.consent_electronic and not a.postal_address
    ]
    delay = days_before(assembly, today)
    documents = assembly.documents.count()
    lines = [
        Check(_("L'assemblée est publiée dans l'espace des associés"), assembly.live),
        Check(
            _("L'ordre du jour est rédigé"),
            bool(strip_tags(assembly.agenda or "").strip()),
        ),
        Check(
            _("Les projets de résolution sont saisis"),
            bool(resolutions),
            _("%(count)s résolution(s)") % {"count": len(resolutions)},
        ),
        Check(
            _("Des associés ont le droit de vote"),
            associates.exists(),
            _("%(count)s associé(s)") % {"count": len(associates)},
        ),
    ]
    if shares or len(colleges_with_votes) > 1:
        lines.append(
            Check(
                _("Chaque collège qui vote a sa part des voix"),
                not missing_share and bool(shares),
                ", ".join(missing_share),
            )
        )
    lines += [
        Check(
            _("Les associés convoqués par courriel ont une adresse électronique"),
            not no_email,
            ", ".join(no_email),
        ),
        Check(
            _("Les associés convoqués par la poste ont une adresse postale"),
            not no_address,
            ", ".join(no_address),
        ),
        Check(
            _("La convocation part au moins %(days)s jours avant l'assemblée")
            % {"days": CONVOCATION_MIN_DAYS},
            delay >= CONVOCATION_MIN_DAYS,
            _("L'assemblée a lieu dans %(days)s jour(s) : une dérogation motivée est requise.")
            % {"days": delay}
            if delay < CONVOCATION_MIN_DAYS
            else "",
            blocking=False,
        ),
        Check(
            _("Le vote en ligne a une fenêtre d'ouverture"),
            bool(assembly.votes_open_at and assembly.votes_close_at),
            _("Sans fenêtre, le vote n'a lieu qu'en salle."),
            blocking=False,
        ),
        Check(
            _("Les documents sont joints à l'assemblée"),
            documents > 0,
            _("%(count)s document(s)") % {"count": documents},
            blocking=False,
        ),
    ]
    return lines


def letter_context(assembly: GeneralAssemblyPage) -> dict:
    """What the convocation says, by email or on paper."""
    page_url = absolute_url(assembly.url or "")
    return {
        "assembly": assembly,
        "resolutions": list(assembly.resolutions.all()),
        "documents": list(assembly.documents.select_related("document")),
        "agenda_text": strip_tags(
            (assembly.agenda or "").replace("</li>", "\n").replace("</p>", "\n")
        ).strip(),
        "page_url": page_url,
        "proxy_url": f"{page_url}procuration/" if page_url else "",
        "vote_url": f"{page_url}vote/" if page_url else "",
    }


def send_convocation(
    assembly: GeneralAssemblyPage,
    *,
    user,
    override_reason: str = "",
    today: datetime.date | None = None,
) -> dict:
    """Convene every associate with voting rights not convened yet. Returns the counts
    {"email": n, "post": n}. Raises ConvocationRefused (French) when a blocking check
    fails, or when the assembly is less than CONVOCATION_MIN_DAYS days away and no
    reason is given."""
    override_reason = " ".join(override_reason.split())[:REASON_MAX]
    with transaction.atomic():
        # One convocation at a time for an assembly: a double click convenes nobody twice.
        assembly = GeneralAssemblyPage.objects.select_for_update().get(pk=assembly.pk)
        if assembly.votes_closed_at:
            raise ConvocationRefused(_("Le vote de cette assemblée est clos."))
        blocking = [check for check in checks(assembly, today=today) if check.blocking]
        failed = [check for check in blocking if not check.ok]
        if failed:
            raise ConvocationRefused(
                _("La convocation ne peut pas partir : %(missing)s.")
                % {"missing": " ; ".join(check.label.lower() for check in failed)}
            )
        delay = days_before(assembly, today)
        if delay < 0:
            raise ConvocationRefused(_("L'assemblée a déjà eu lieu."))
        if delay < CONVOCATION_MIN_DAYS and not override_reason:
            raise ConvocationRefused(
                _(
                    "L'assemblée a lieu dans %(days)s jour(s), moins des %(min)s jours "
                    "prévus : indiquez la raison de la dérogation pour envoyer quand même."
                )
                % {"days": delay, "min": CONVOCATION_MIN_DAYS}
            )
        already = set(assembly.convocations.values_list("associate_id", flat=True))
        to_convene = list(
            convened_associates(assembly)
            .exclude(pk__in=already)
            .select_related("user", "college")
            .order_by("pk")
        )
        context = letter_context(assembly)
        subject = _("Convocation : %(title)s, le %(date)s") % {
            "title": assembly.title,
            "date": timezone.localtime(assembly.held_at).strftime("%d/%m/%Y"),
        }
        counts = {ConvocationChannel.EMAIL: 0, ConvocationChannel.POST: 0}
        convocations = []
        for associate in to_convene:
            email = None
            if associate.consent_electronic:
                channel = ConvocationChannel.EMAIL
                email = queue_email(
                    to=associate.user.email,
                    subject=subject,
                    template="extranet/emails/convocation",
                    context={**context, "associate": associate},
                    kind="extranet.convocation",
                    about=assembly,
                )
            else:
                channel = ConvocationChannel.POST
            counts[channel] += 1
            convocations.append(
                Convocation(assembly=assembly, associate=associate, channel=channel, email=email)
            )
        Convocation.objects.bulk_create(convocations)
        now = timezone.now()
        if delay < CONVOCATION_MIN_DAYS:
            AssemblyEvent.objects.create(
                assembly=assembly,
                kind=AssemblyEventKind.CONVOCATION_OVERRIDE,
                user=user,
                detail=_("%(days)s jour(s) avant l'assemblée. Raison : %(reason)s")
                % {"days": delay, "reason": override_reason},
            )
        AssemblyEvent.objects.create(
            assembly=assembly,
            kind=AssemblyEventKind.CONVOCATION_SENT,
            user=user,
            detail=_("%(email)s par courriel, %(post)s par la poste.")
            % {"email": counts[ConvocationChannel.EMAIL], "post": counts[ConvocationChannel.POST]},
        )
        GeneralAssemblyPage.objects.filter(pk=assembly.pk).update(
            convocation_sent_at=assembly.convocation_sent_at or now,
            convocation_date=assembly.convocation_date or timezone.localdate(now),
            associates_count=len(already) + len(to_convene),
        )
    return {"email": counts[ConvocationChannel.EMAIL], "post": counts[ConvocationChannel.POST]}


def postal_convocations(assembly: GeneralAssemblyPage) -> list[Convocation]:
    """The convocations that leave by post, with their associate and address."""
    return list(
        assembly.convocations.filter(channel=ConvocationChannel.POST)
        .select_related("associate__user", "associate__college")
        .order_by("associate__user__last_name", "associate__user__first_name", "pk")
    )
