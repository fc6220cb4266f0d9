"""Views of the donations app: the campaign page's form and checkout, the thank-you
page, Stripe's webhook, and the donor's own space."""

import logging

from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from donations import stripe_api
from donations.constants import DonorType
from donations.forms import DonationForm
from donations.models import Allocation, DonationPage
from donations.models.donations import format_eur
from donations.services import checkout, donor_space, webhooks
from donations.services.receipts import issuer_for
from home import abuse, routing
from home.links import absolute_url
from home.organisation import contact_address, organisation_for
from projects.models import ProjectPage

logger = logging.getLogger(__name__)

# Card testers try many cards from one address, or one address from many networks.
CHECKOUT_PER_NETWORK = abuse.RateLimit(scope="checkout-ip", limit=10, window=3600)
CHECKOUT_PER_EMAIL = abuse.RateLimit(scope="checkout-email", limit=5, window=3600)
DONOR_LINK_PER_NETWORK = abuse.RateLimit(scope="donor-link", limit=5, window=3600)
STARTED_SESSION_KEY = "donations_started"
MAX_BODY_BYTES = 32 * 1024


def _projects():
    """Projects the fund finances (public allocations): the form's earmarks."""
    ids = Allocation.objects.public().values_list("project_id", flat=True)

    return list(
        ProjectPage.objects.live()
        .public()
        .filter(pk__in=ids)
        .only("pk", "title", "url_path")
        .order_by("title")
    )


@routing.page_view("donations.donate")
def donate(request, page: DonationPage):
    if request.method == "POST":
        return _submit(request, page)
    initial = None
    resumed = request.GET.get("reprendre", "")[:64]
    if resumed:
        donation = checkout.resume(
            public_id=resumed, allowed=set(request.session.get(STARTED_SESSION_KEY, []))
        )
        if donation is not None:
            initial = DonationForm.initial_from(donation)
    form = _form(request, page, initial=initial)
    return _render(request, page, form=form, resumed=initial is not None)


def _form(request, page, data=None, initial=None) -> DonationForm:
    organisation = organisation_for(page.get_site())
    privacy = organisation.privacy_page if organisation else None
    return DonationForm(
        data,
        initial=initial,
        page=page,
        projects=_projects(),
        privacy_url=privacy.get_url(request) if privacy else "",
    )


def _render(request, page, *, form, status=200, refusal=None, resumed=False):
    issuer = issuer_for(page.get_site())
    response = page.render(
        request,
        context_overrides={
            "form": form,
            "refusal": refusal,
            "resumed": resumed,
            "progress": page.progress(),
            "online_payment": stripe_api.is_configured(),
            "issuer": issuer,
            "tax_individuals": issuer.is_eligible_for(DonorType.INDIVIDUAL),
            "tax_companies": issuer.is_eligible_for(DonorType.COMPANY),
            "min_amount": 5,
            "max_amount": format_eur(page.max_amount_cents),
        },
    )
    response.status_code = status
    return response


def _submit(request, page):
    if abuse.body_too_large(request, MAX_BODY_BYTES):
        return _render(
            request,
            page,
            form=_form(request, page),
            status=413,
            refusal=_("Le formulaire envoyé est trop volumineux : vérifiez-le puis renvoyez-le."),
        )
    data = abuse.read_post(request)
    form = _form(request, page, data=data)
    if data is None or abuse.honeypot_filled(data):
        return _render(
            request,
            page,
            form=form,
            status=400,
            refusal=_(
                "Votre don n'a pas été enregistré : le champ « Laissez ce champ vide » a été "
                "rempli, ce que font les robots. Videz-le puis renvoyez le formulaire."
            ),
        )
    if not form.is_valid():
        return _render(request, page, form=form, status=400)
    if not stripe_api.is_configured():
        return _render(
            request,
            page,
            form=form,
            status=503,
            refusal=_(
                "Le paiement en ligne n'est pas encore ouvert : rien n'a été enregistré. "
                "Vous pouvez donner par chèque ou par virement (voir ci-dessous)."
            ),
        )
    email = form.cleaned_data["email"]
    if not CHECKOUT_PER_NETWORK.hit(request) or not CHECKOUT_PER_EMAIL.hit_value(email):
        response = _render(
            request,
            page,
            form=form,
            status=429,
            refusal=_(
                "Nous avons reçu beaucoup de tentatives de paiement depuis votre connexion ou "
                "pour cette adresse : par prudence, réessayez dans une heure, ou écrivez-nous "
                "à %(address)s."
            )
            % {"address": contact_address(page.get_site())},
        )
        response["Retry-After"] = "3600"
        return response
    donation = checkout.record_pending_donation(page=page, **form.donation_fields())
    started = request.session.get(STARTED_SESSION_KEY, [])[-9:]
    request.session[STARTED_SESSION_KEY] = [*started, str(donation.public_id)]
    try:
        url = checkout.start_checkout(donation=donation)
    except stripe_api.PaymentUnavailable:
        return _render(
            request,
            page,
            form=form,
            status=503,
            refusal=_(
                "Le paiement en ligne est momentanément indisponible : rien n'a été débité. "
                "Votre saisie est conservée ci-dessous ; réessayez dans quelques minutes."
            ),
        )
    return HttpResponseRedirect(url, status=303)


@routing.page_view("donations.thanks")
def thanks(request, page: DonationPage):
    summary = checkout.thanks_summary(request.GET.get("session_id", ""))
    return page.render(
        request,
        template="donations/donation_page_thanks.html",
        context_overrides={"summary": summary, "progress": page.progress()},
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events: 400 on a bad, missing or stale signature; 200 once recorded,
    for a duplicate and for a type we do not handle."""
    try:
        event = stripe_api.verify_event(request.body, request.META.get("HTTP_STRIPE_SIGNATURE"))
    except stripe_api.BadSignature:
        return JsonResponse({"error": "invalid signature"}, status=400)
    outcome = webhooks.receive(event)
    return JsonResponse({"received": True, "outcome": outcome})


@require_http_methods(["GET", "POST"])
def donor_space_request(request):
    """Ask for the link to one's donor space: the same answer whether the address has
    given or not (no one learns who gave)."""
    sent = False
    error = ""
    email = ""
    if request.method == "POST":
        email = (request.POST.get("email") or "").strip()[:254]
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            error = _("Saisissez une adresse électronique complète, par exemple nom@exemple.fr.")
        else:
            if DONOR_LINK_PER_NETWORK.hit(request):
                donor_space.send_link(email=email)
            sent = True
    return render(
        request,
        "donations/donor_space_request.html",
        {"sent": sent, "error": error, "email": email},
        status=400 if error else 200,
    )


def _email_or_error(request, token):
    try:
        return donor_space.email_from(token), None
    except donor_space.LinkInvalid as invalid:
        response = render(
            request,
            "donations/donor_space_invalid.html",
            {"reason": invalid.reason},
            status=410 if invalid.reason == "expired" else 400,
        )
        return None, response


@require_http_methods(["GET", "POST"])
def donor_space_view(request, token):
    email, error = _email_or_error(request, token)
    if error:
        return error
    unavailable = False
    if request.method == "POST":
        try:
            subscription_id = int(request.POST.get("subscription", ""))
            url = donor_space.portal_url(
                email=email,
                subscription_id=subscription_id,
                return_url=absolute_url(request.path),
            )
        except (ValueError, donor_space.LinkInvalid):
            raise Http404 from None
        except stripe_api.PaymentUnavailable:
            unavailable = True
        else:
            return HttpResponseRedirect(url, status=303)
    return render(
        request,
        "donations/donor_space.html",
        {
            "email": email,
            "token": token,
            "unavailable": unavailable,
            **donor_space.overview(email),
        },
        status=503 if unavailable else 200,
    )


def receipt_download(request, token, pk):
    email, error = _email_or_error(request, token)
    if error:
        return error
    receipt = donor_space.receipt_of(email, pk)
    if receipt is None:
        raise Http404
    response = HttpResponse(bytes(receipt.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
