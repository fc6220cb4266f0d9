"""The project index: its filter form and the paginated cards."""

from urllib.parse import urlencode

from home import routing
from home.models import paginate
from projects.constants import PROJECTS_PER_PAGE
from projects.forms.filters import ProjectFilterForm
from projects.models import ProjectPage


@routing.page_view("projects.project_index")
def project_index(request, page):
    form = ProjectFilterForm(request.GET, auto_id="filtre-%s")
    chosen = form.chosen()
    projects = ProjectPage.objects.listing(page, **chosen)
    query_string = urlencode(
        [(key, value.slug) for key, value in chosen.items() if value is not None]
    )
    return page.render(
        request,
        context_overrides={
            "projects_page": paginate(request, projects, PROJECTS_PER_PAGE),
            "filter_form": form,
            "chosen": chosen,
            "is_filtered": bool(query_string),
            "query_string": query_string,
        },
    )
