"""The extranet home's view: it records the associate's visit, then renders the page.

Wagtail has already checked the page's view restrictions before the route reaches
this view (`before_serve_page`): only those who may see the page get here.
"""

from extranet.models import Associate
from extranet.services import membership
from home import routing


@routing.page_view("extranet.home")
def extranet_home(request, page):
    associate = (
        Associate.objects.select_related("user", "college").filter(user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    since = membership.record_visit(associate=associate) if associate else None
    return page.render(
        request,
        context_overrides=page.dashboard(user=request.user, associate=associate, since=since),
    )
