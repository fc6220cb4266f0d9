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
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import PageViewRestriction
from wagtail.permissions import register_permission_policy

from extranet import dashboard as extranet_dashboard
from extranet import tasks as extranet_tasks
from extranet import viewsets as extranet_viewsets
from extranet.models import Associate, ExtranetPageMixin, GeneralAssemblyPage
from extranet.services import privacy as extranet_privacy
from extranet.views import assembly_admin

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


# --- membership, private pages and notices (associates, general assemblies) ----------
# The admin's "Associés" menu (extranet.viewsets); extranet pages kept private when
# moved or copied (created ones restrict themselves, ExtranetPageMixin); a fail-safe
# that serves no extranet page left without any restriction; the associates told when
# a general assembly is published or gets documents (extranet.tasks, after commit).


for _model, _policy in extranet_viewsets.POLICIES.items():
    register_permission_policy(_model, _policy)


@hooks.register("register_admin_viewset")
def register_associates_viewsets():
    return extranet_viewsets.AssociatesGroup()


@hooks.register("construct_homepage_panels")
def add_next_assembly_panel(request, panels):
    """The next general assembly, for staff who follow the associates."""
    policy = extranet_viewsets.POLICIES[Associate]
    if policy.user_has_any_permission(request.user, ["add", "change", "view"]):
        panels.append(extranet_dashboard.NextAssemblyPanel())


@hooks.register("before_serve_page", order=-100)
def refuse_unrestricted_extranet_page(page, request, serve_args, serve_kwargs):
    """An extranet page that lost every restriction (the privacy set to public by
    mistake) is served to nobody until it is restricted again."""
    if isinstance(page, ExtranetPageMixin) and not page.get_view_restrictions().exists():
        raise Http404


@hooks.register("after_move_page")
def keep_moved_extranet_pages_private(request, page):
    extranet_privacy.ensure_tree_restricted(page)


@hooks.register("after_copy_page")
def keep_copied_extranet_pages_private(request, page, new_page):
    extranet_privacy.ensure_tree_restricted(new_page)


@hooks.register("after_publish_page")
def notify_associates_of_assembly(request, page):
    if isinstance(page.specific, GeneralAssemblyPage):
        extranet_tasks.notify_assembly_after_commit(page.pk)


# --- running a general assembly (convocation, attendance, room counts, closing) -------


class RunAssemblyButton(PageMenuItem):
    label = "Piloter l'assemblée"
    icon_name = "group"
    url_name = "extranet_assembly_control"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def run_assembly_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, GeneralAssemblyPage) and page.pk:
        yield RunAssemblyButton(page=page, priority=5)


@hooks.register("register_admin_urls")
def assembly_admin_urls():
    prefix = "assemblees/<int:page_id>/"
    views = assembly_admin
    return [
        path(prefix, views.ControlView.as_view(), name="extranet_assembly_control"),
        path(
            f"{prefix}convocation/",
            views.SendConvocationView.as_view(),
            name="extranet_assembly_convocation",
        ),
        path(
            f"{prefix}courriers.pdf",
            views.PostalPdfView.as_view(),
            name="extranet_assembly_letters",
        ),
        path(
            f"{prefix}etiquettes.pdf",
            views.PostalPdfView.as_view(labels=True),
            name="extranet_assembly_labels",
        ),
        path(
            f"{prefix}presence/",
            views.AttendanceView.as_view(),
            name="extranet_assembly_attendance",
        ),
        path(
            f"{prefix}salle/<int:resolution_id>/",
            views.RoomCountView.as_view(),
            name="extranet_assembly_room",
        ),
        path(f"{prefix}cloture/", views.CloseVoteView.as_view(), name="extranet_assembly_close"),
    ]
