"""The workshop page (registration form), its calendar file, and the registrant's
self-service cancel link."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from home import abuse, routing
from home.organisation import contact_address
from projects.constants import REGISTERED_SESSION_KEY
from projects.forms.workshops import WorkshopRegistrationForm
from projects.ics import ics_filename, workshop_ics
from projects.models import WorkshopRegistration
from projects.services import workshops as services

# A family or a team may register together: more room than for ideas.
REGISTRATION_RATE_LIMIT = abuse.RateLimit(scope="workshops", limit=10, window=3600)


@routing.page_view("projects.workshop")
def workshop(request, page):
    """The workshop page; a POST is a registration (post/redirect/get on success)."""
    session_key = REGISTERED_SESSION_KEY % page.pk
    if request.method != "POST":
        return page.render(
            request,
            context_overrides={
                "form": WorkshopRegistrationForm(),
                "just_registered": request.session.pop(session_key, None),
            },
        )
    form = WorkshopRegistrationForm(request.POST)
    status = 200
    if form.is_valid() and not REGISTRATION_RATE_LIMIT.hit(request):
        form.add_error(
            None,
            _(
                "Nous avons reçu beaucoup d'inscriptions depuis votre connexion : "
                "réessayez dans une heure, ou écrivez-nous à %(address)s pour inscrire un groupe."
            )
            % {"address": contact_address(page.get_site())},
        )
        status = 429
    if form.is_valid():
        try:
            registration = services.register_for_workshop(
                workshop=page,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
            )
        except services.AlreadyRegistered as already:
            # Not a mistake: they are told their status on the page, and sent their email again.
            request.session[session_key] = _status(
                already.registration, already.position, again=True
            )
            return redirect(page.url + "#inscription")
        except services.RegistrationRefused as refusal:
            field = "email" if refusal.code == "duplicate" else None
            form.add_error(field, refusal.messages[0])
        else:
            request.session[session_key] = _status(
                registration, services.waiting_position(registration), again=False
            )
            return redirect(page.url + "#inscription")
    response = page.render(request, context_overrides={"form": form})
    response.status_code = status
    return response


def _status(registration, position, *, again: bool) -> dict:
    """What the page says once after the redirect (the session holds it until then)."""
    return {"status": registration.status, "position": position, "again": again}


@routing.page_view("projects.workshop_ics")
def workshop_calendar(request, page):
    """The workshop as an iCalendar file (RFC 5545) to add to any calendar."""
    response = HttpResponse(
        workshop_ics(page, request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(page)}"'
    return response


@routing.page_view("projects.workshop_cancel")
def cancel(request, page, token):
    """GET shows what the link will cancel, with a button; POST cancels (a mail scanner
    that follows links never cancels a place)."""
    template = "projects/workshop_cancel.html"
    try:
        registration = services.registration_from_token(workshop=page, token=token)
    except services.CancelLinkInvalid as error:
        response = page.render(
            request, template=template, context_overrides={"link_error": error.reason}
        )
        response.status_code = 410 if error.reason == "expired" else 400
        return response
    context = {"registration": registration, "done": False}
    if registration.status == WorkshopRegistration.Status.CANCELLED:
        context["already_cancelled"] = True
    elif page.starts_at <= timezone.now():
        context["too_late"] = True
    elif request.method == "POST":
        context["freed_place"] = registration.status == WorkshopRegistration.Status.CONFIRMED
        services.cancel_registration(registration=registration)
        context["done"] = True
    return page.render(request, template=template, context_overrides=context)
