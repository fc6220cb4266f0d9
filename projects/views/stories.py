"""The project index: its filter form and the paginated cards."""

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
    return page.render(
        request,
        context_overrides={
            "projects_page": paginate(request, projects, PROJECTS_PER_PAGE),
            "filter_form": form,
            "chosen": chosen,
            # Pagination keeps the filters itself ({% querystring %}).
            "is_filtered": any(value is not None for value in chosen.values()),
        },
    )
