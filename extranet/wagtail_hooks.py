"""Wagtail hooks of the extranet.

Page privacy stays Wagtail's own (PageViewRestriction). Wagtail answers a visitor who
fails a "login" or "groups" restriction by sending them to the login page, even when
they are already logged in: an account outside the group would go round in a login
loop. Here a logged-in visitor who fails a restriction gets a French 403 page instead,
which names neither the page nor anything in it; anonymous visitors still go to the
login page (WAGTAIL_FRONTEND_LOGIN_URL) with `next`, and come back after logging in.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.models import PageViewRestriction

ACCOUNT_RESTRICTIONS = (PageViewRestriction.LOGIN, PageViewRestriction.GROUPS)


@hooks.register("before_serve_page")
def refuse_logged_in_visitors_outside_the_group(page, request, serve_args, serve_kwargs):
    if not request.user.is_authenticated:
        return None  # Wagtail's own check redirects to the login page
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type in ACCOUNT_RESTRICTIONS and not (
            restriction.accept_request(request)
        ):
            # "Change account" logs out, then logs in again and comes back here.
            login_again = redirect_to_login(request.get_full_path(), settings.LOGIN_URL).url
            response = TemplateResponse(
                request,
                "extranet/account/restricted.html",
                {"login_again": login_again},
                status=403,
            )
            add_never_cache_headers(response)
            return response
    return None
