"""An associate's general assembly: the page (convocation, agenda, documents, their proxy
and their vote), the proxy form and the voting form.

Wagtail has already checked the page's view restrictions before a route reaches these
views: only those who may see the page get here (anonymous visitors go to the login
page, logged-in outsiders get the 403 page). The proxy and vote pages also need an
associate: an account that may see the page without being one (staff) gets the same
403. GET never changes anything; every change is a POST with its CSRF token.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from extranet.forms.assemblies import HolderSearchForm, ProxyForm, VoteForm
from extranet.models import Associate
from extranet.services import assemblies as services
from home import routing

PROXY_TEMPLATE = "extranet/general_assembly_proxy.html"
VOTE_TEMPLATE = "extranet/general_assembly_vote.html"
VOTED_TEMPLATE = "extranet/general_assembly_voted.html"
# The proxy page's confirmation after a redirect (post/redirect/get).
PROXY_DONE_KEY = "extranet-proxy-done-%s"


def current_associate(request) -> Associate | None:
    if not request.user.is_authenticated:
        return None
    return Associate.objects.select_related("user", "college").filter(user=request.user).first()


def not_an_associate(request):
    """The extranet's 403 page, for an account that may see the page but is no
    associate: neither the proxy nor the voting form is for it."""
    login_again = redirect_to_login(request.get_full_path(), settings.LOGIN_URL).url
    response = TemplateResponse(
        request, "extranet/account/restricted.html", {"login_again": login_again}, status=403
    )
    add_never_cache_headers(response)
    return response


def _render(request, page, template, context, status=200):
    response = page.render(request, template=template, context_overrides=context)
    response.status_code = status
    return response


@routing.page_view("extranet.assembly")
def assembly(request, page):
    associate = current_associate(request)
    part = services.associate_part(page, associate) if associate else None
    return page.render(request, context_overrides={"associate": associate, "part": part})


@routing.page_view("extranet.assembly_proxy")
def proxy(request, page):
    """Give, change or withdraw one's proxy; the holder is found by name (GET ?q=)."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    associate = current_associate(request)
    if associate is None:
        return not_an_associate(request)
    data = request.POST if request.method == "POST" else request.GET
    search = HolderSearchForm(data)
    query = search.query()
    action = request.POST.get("action")
    form = ProxyForm(request.POST if action == "give" else None, assembly=page, principal=associate)
    refusal = ""
    status = 200
    if request.method == "POST":
        status = 400  # unless the change is made (then a redirect)
        try:
            if action == "withdraw":
                services.withdraw_proxy(page, principal=associate)
                request.session[PROXY_DONE_KEY % page.pk] = "withdrawn"
                return redirect(page.url + "procuration/")
            if action == "give" and form.is_valid():
                services.give_proxy(page, principal=associate, holder=form.cleaned_data["holder"])
                request.session[PROXY_DONE_KEY % page.pk] = "given"
                return redirect(page.url + "procuration/")
            if action != "give":
                refusal = _("Cette demande n'est pas comprise : recommencez depuis la page.")
        except services.AssemblyRefused as refused:
            refusal = refused.message
    candidates = services.holder_candidates(page, principal=associate, query=query)
    shown = list(candidates[: services.HOLDER_LIST_LIMIT + 1])
    part = services.associate_part(page, associate)
    return _render(
        request,
        page,
        PROXY_TEMPLATE,
        {
            "associate": associate,
            "part": part,
            "search": search,
            "query": query,
            "form": form,
            "candidates": shown[: services.HOLDER_LIST_LIMIT],
            "more_candidates": len(shown) > services.HOLDER_LIST_LIMIT,
            "refusal": refusal,
            "done": request.session.pop(PROXY_DONE_KEY % page.pk, None)
            if request.method == "GET"
            else None,
        },
        status,
    )


@routing.page_view("extranet.assembly_vote")
def vote(request, page):
    """The voting form (GET) and the vote (POST), answered with the receipt page: the
    codes of secret ballots are shown there once, and kept nowhere with the voter."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    associate = current_associate(request)
    if associate is None:
        return not_an_associate(request)
    state = page.voting_state()
    sheet = services.voting_sheet(page, associate)
    context = {"associate": associate, "state": state, "sheet": sheet, "refusal": ""}
    if request.method == "GET":
        context["form"] = VoteForm(sheet=sheet) if state == "open" else None
        return _render(request, page, VOTE_TEMPLATE, context)

    form = VoteForm(request.POST, sheet=sheet)
    try:
        if form.unknown_fields():
            raise services.VoteRefused(
                _(
                    "Ce formulaire ne correspond pas à vos votes (procuration ou résolution "
                    "inconnue) : rechargez la page de vote et recommencez."
                ),
                code="tampered",
            )
        services.check_vote_window(page)
        if not form.is_valid():
            context["form"] = form
            return _render(request, page, VOTE_TEMPLATE, context, status=400)
        cast = services.cast_votes(
            page, voter=associate, choices=form.choices, receipts=form.receipts
        )
    except services.AssemblyRefused as refused:
        # The form as the database now has it (a vote made meanwhile, the window closed).
        sheet = services.voting_sheet(page, associate)
        state = services.fresh_voting_state(page)
        context.update(
            sheet=sheet,
            state=state,
            refusal=refused.message,
            form=VoteForm(sheet=sheet) if state == "open" else None,
        )
        return _render(request, page, VOTE_TEMPLATE, context, status=400)
    return _render(
        request,
        page,
        VOTED_TEMPLATE,
        {"associate": associate, "cast": cast, "has_secret": any(item.secret for item in cast)},
    )
