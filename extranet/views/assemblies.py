"""An associate's general assembly: the page (convocation, agenda, documents, their proxy
and their vote), the proxy form and the voting form.

Wagtail has already checked the page's view restrictions before a route reaches these
views: only those who may see the page get here.
"""

from extranet.models import Associate
from home import routing


def current_associate(request) -> Associate | None:
    if not request.user.is_authenticated:
        return None
    return Associate.objects.select_related("user", "college").filter(user=request.user).first()


@routing.page_view("extranet.assembly")
def assembly(request, page):
    return page.render(request, context_overrides={"associate": current_associate(request)})
