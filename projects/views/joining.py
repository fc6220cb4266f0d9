"""The "Rejoindre ce projet" form on its own URL under the project (`rejoindre/`), so the
story page carries no form and no CSRF token; a POST is checked like the idea form
(home.abuse: body size, honeypot, fill time, rate limit), then handed to
`projects.services.joining` (post/redirect/get to `rejoindre/merci/`)."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from home import abuse, routing
from home.organisation import organisation_for
from projects.forms.joining import JoinProjectForm
from projects.services.joining import ProjectNotSeekingPeople, ask_to_join
from projects.views.ideas import Refusal

JOIN_RATE_LIMIT = abuse.RateLimit(scope="project_join", limit=5, window=3600)


def token_scope(project) -> str:
    return f"join:{project.pk}"


@routing.page_view("projects.project_join")
def join(request, project):
    if not project.seeks_people:
        raise Http404("Ce projet ne cherche plus de porteurs.")
    if request.method == "POST":
        return submit(request, project)
    return render_join(request, project, form=_form(project))


@routing.page_view("projects.project_join_thanks")
def thanks(request, project):
    return TemplateResponse(
        request,
        "projects/project_join_thanks.html",
        {"page": project, "self": project, "subpage_title": _("Message transmis")},
    )


def _form(project, data=None) -> JoinProjectForm:
    return JoinProjectForm(data, organisation=organisation_for(project.get_site()))


def submit(request, project):
    data = abuse.read_post_within_limit(request)
    form = _form(project, data)
    screening = abuse.screen(
        request, data, form, scope=token_scope(project), rate_limit=JOIN_RATE_LIMIT
    )
    if not screening.passed:
        refusal = JoinRefusal.after(screening, project)
        return screening.stamp(
            render_join(request, project, form=form, refusal=refusal, started=screening.started)
        )
    started = screening.started
    thanks_url = project.url + project.reverse_subpage("join_thanks")
    if not abuse.spend_token(started):
        # One start token, one message: a double click lands on the thanks page of the
        # message already sent, and a replayed form sends nothing.
        return redirect(thanks_url)
    try:
        ask_to_join(
            project=project,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            contribution=form.cleaned_data["contribution"],
        )
    except ProjectNotSeekingPeople:
        raise Http404("Ce projet ne cherche plus de porteurs.") from None
    return redirect(thanks_url)


def render_join(request, project, *, form, status=200, refusal=None, started=None):
    response = TemplateResponse(
        request,
        "projects/project_join.html",
        {
            "page": project,
            "self": project,
            "subpage_title": _("Rejoindre ce projet"),
            "form": form,
            "refusal": refusal,
            "started_token": started or abuse.start_token(scope=token_scope(project)),
            "started_field": abuse.STARTED_FIELD,
        },
    )
    response.status_code = status
    return response


class JoinRefusal(Refusal):
    """What the join form says when it refuses a message, and what to do next (the
    checks and their order are the idea form's: `Refusal.after`)."""

    @classmethod
    def too_large(cls) -> Refusal:
        return cls(
            _("Votre message est trop volumineux"),
            _(
                "Votre message n'a pas été envoyé : le formulaire dépasse %(size)s Ko. "
                "Raccourcissez votre texte (2 000 caractères au plus), puis renvoyez-le."
            )
            % {"size": abuse.MAX_BODY_BYTES // 1024},
        )

    @classmethod
    def honeypot(cls) -> Refusal:
        return cls(
            _("Votre message n'a pas été envoyé"),
            _(
                "Le champ « Laissez ce champ vide » a été rempli, ce que font les robots. "
                "Videz-le, vérifiez votre message puis renvoyez-le."
            ),
        )

    @classmethod
    def timing(cls, result: abuse.FillTime) -> Refusal:
        if result is abuse.FillTime.TOO_FAST:
            return cls(
                _("Votre message n'a pas encore été envoyé"),
                _(
                    "Le formulaire a été envoyé en moins de %(seconds)s secondes, ce que font "
                    "les robots. Relisez votre message, puis renvoyez-le."
                )
                % {"seconds": abuse.MIN_FILL_SECONDS},
            )
        return cls(
            _("Votre message n'a pas encore été envoyé"),
            _(
                "Le formulaire était ouvert depuis trop longtemps ou incomplet. Votre texte "
                "est conservé ci-dessous : vérifiez-le, puis renvoyez-le."
            ),
        )

    @classmethod
    def rate_limited(cls, address: str) -> Refusal:
        return cls(
            _("Merci pour votre enthousiasme !"),
            _(
                "Vous avez déjà envoyé %(limit)s messages depuis cette connexion au cours de la "
                "dernière heure : celui-ci n'a pas été envoyé, pour nous protéger des envois "
                "automatiques. Votre texte est conservé ci-dessous : renvoyez-le dans une "
                "heure, ou écrivez-nous directement à %(address)s."
            )
            % {"limit": JOIN_RATE_LIMIT.limit, "address": address},
        )
