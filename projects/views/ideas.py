"""The call for ideas page: the form on GET, a submission on POST (post/redirect/get).

Abuse is refused kindly (home.abuse: body size, honeypot, fill time, rate limit),
what was typed is kept, and the idea is stored by `projects.services.ideas`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from home import abuse, routing
from home.models import paginate
from home.organisation import contact_address, organisation_for
from projects.constants import IDEAS_PER_PAGE
from projects.forms.ideas import IdeaForm
from projects.services.ideas import CallNotOpen, recent_identical_idea, submit_idea

IDEA_RATE_LIMIT = abuse.RateLimit(scope="ideas", limit=5, window=3600)


def token_scope(call) -> str:
    return f"idea:{call.pk}"


@routing.page_view("projects.call_for_ideas")
def call_for_ideas(request, call):
    if request.method == "POST":
        return submit(request, call)
    form = _form(request, call) if call.is_open() else None
    return render_call(request, call, form=form)


def _form(request, call, data=None) -> IdeaForm:
    return IdeaForm(data, call=call, organisation=organisation_for(call.get_site()))


def submit(request, call):
    """The POST of the submission form: refuse abuse kindly, store, then redirect (PRG)."""
    if not call.is_open():
        return render_call(request, call, form=None, status=403, refusal=Refusal.call_closed(call))
    data = abuse.read_post_within_limit(request)
    form = _form(request, call, data)
    screening = abuse.screen(
        request, data, form, scope=token_scope(call), rate_limit=IDEA_RATE_LIMIT
    )
    if not screening.passed:
        refusal = Refusal.after(screening, call)
        return screening.stamp(
            render_call(request, call, form=form, refusal=refusal, started=screening.started)
        )
    started = screening.started
    data = {key: value for key, value in form.cleaned_data.items() if key != abuse.HONEYPOT_FIELD}
    if not abuse.spend_token(started):
        # One start token, one idea: a double click lands on the thanks page of the idea
        # already stored; any other idea sent with a used token is refused.
        if recent_identical_idea(
            call=call, email=data["email"], title=data["title"], description=data["description"]
        ):
            return redirect(call.url + call.reverse_subpage("thanks"))
        return render_call(
            request, call, form=form, status=400, refusal=Refusal.timing(abuse.FillTime.INVALID)
        )
    try:
        submit_idea(call=call, **data)
    except CallNotOpen:
        return render_call(request, call, form=None, status=403, refusal=Refusal.call_closed(call))
    except ValidationError as error:
        form.add_error(None, error)
        return render_call(request, call, form=form, status=400)
    return redirect(call.url + call.reverse_subpage("thanks"))


def render_call(request, call, *, form, status=200, refusal=None, started=None):
    ideas_page = paginate(request, call.published_ideas(), IDEAS_PER_PAGE)
    response = call.render(
        request,
        context_overrides={
            "form": form,
            "refusal": refusal,
            "started_token": started or abuse.start_token(scope=token_scope(call)),
            "started_field": abuse.STARTED_FIELD,
            "call_state": call.state(),
            "themes": list(call.themes.all()),
            "ideas_page": ideas_page,
            "has_errors": bool(refusal) or bool(form is not None and form.errors),
        },
    )
    response.status_code = status
    return response


@dataclass(frozen=True)
class Refusal:
    """A refusal shown above the form: a title and what to do next."""

    title: str
    message: str

    @classmethod
    def call_closed(cls, call) -> "Refusal":
        if call.state() == "upcoming":
            return cls(
                _("Cet appel n'est pas encore ouvert"),
                _(
                    "Votre idée n'a pas été enregistrée : cet appel ouvre le %(date)s. "
                    "Revenez à partir de cette date, nous serons heureux de vous lire."
                )
                % {"date": date_format(call.opens_on, "j F Y")},
            )
        return cls(
            _("Cet appel est clos"),
            _(
                "Votre idée n'a pas été enregistrée : cet appel a fermé le %(date)s. "
                "Consultez les appels ouverts ou écrivez-nous : les bonnes idées sont "
                "toujours les bienvenues."
            )
            % {"date": date_format(call.closes_on, "j F Y")},
        )

    @classmethod
    def after(cls, screening: abuse.Screening, page) -> "Refusal | None":
        """The refusal for what home.abuse.screen found on the form of `page` (None: the
        form's own errors, shown beside the fields). Subclasses word it for their form."""
        return {
            "too_large": cls.too_large,
            "honeypot": cls.honeypot,
            "too_fast": lambda: cls.timing(abuse.FillTime.TOO_FAST),
            "stale": lambda: cls.timing(abuse.FillTime.INVALID),
            "rate_limited": lambda: cls.rate_limited(contact_address(page.get_site())),
        }.get(screening.refusal, lambda: None)()

    @classmethod
    def too_large(cls) -> "Refusal":
        return cls(
            _("Votre envoi est trop volumineux"),
            _(
                "Votre idée n'a pas été enregistrée : le formulaire envoyé dépasse %(size)s Ko. "
                "La description est limitée à %(max)s caractères. Revenez à la page "
                "précédente de votre navigateur pour retrouver votre texte, raccourcissez-le, "
                "puis renvoyez-le."
            )
            % {"size": abuse.MAX_BODY_BYTES // 1024, "max": "5 000"},
        )

    @classmethod
    def honeypot(cls) -> "Refusal":
        return cls(
            _("Votre idée n'a pas été enregistrée"),
            _(
                "Le champ « Laissez ce champ vide » a été rempli, ce que font les robots. "
                "Videz-le, vérifiez votre idée puis renvoyez-la."
            ),
        )

    @classmethod
    def timing(cls, result: abuse.FillTime) -> "Refusal":
        if result is abuse.FillTime.TOO_FAST:
            return cls(
                _("Votre idée n'a pas encore été enregistrée"),
                _(
                    "Le formulaire a été envoyé en moins de %(seconds)s secondes, ce que font "
                    "les robots. Relisez votre idée, puis renvoyez-la."
                )
                % {"seconds": abuse.MIN_FILL_SECONDS},
            )
        return cls(
            _("Votre idée n'a pas encore été enregistrée"),
            _(
                "Le formulaire était ouvert depuis trop longtemps ou incomplet. Votre texte "
                "est conservé ci-dessous : vérifiez-le, puis renvoyez-le."
            ),
        )

    @classmethod
    def rate_limited(cls, address: str) -> "Refusal":
        return cls(
            _("Merci pour toutes ces idées !"),
            _(
                "Vous avez déjà proposé %(limit)s idées depuis cette connexion au cours de la "
                "dernière heure : celle-ci n'a pas été enregistrée, pour nous protéger des envois "
                "automatiques. Votre texte est conservé ci-dessous : renvoyez-le dans une heure, "
                "ou écrivez-nous directement à %(address)s."
            )
            % {"limit": IDEA_RATE_LIMIT.limit, "address": address},
        )
