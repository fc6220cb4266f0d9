"""The project index: its filter form and the paginated cards."""

from django.utils.functional import SimpleLazyObject

from home import routing
from home.models import paginate
from projects.constants import PROJECTS_PER_PAGE
from projects.forms.filters import ProjectFilterForm
from projects.models import ProjectPage


@routing.page_view("projects.project_index")
def project_index(request, page):
    # Read only when the template renders them: its cached parts ({% cached %}) do not.
    form = SimpleLazyObject(lambda: ProjectFilterForm(request.GET, auto_id="filtre-%s"))
    chosen = SimpleLazyObject(lambda: form.chosen())
    return page.render(
        request,
        context_overrides={
            "projects_page": SimpleLazyObject(
                lambda: paginate(
                    request, ProjectPage.objects.listing(page, **chosen), PROJECTS_PER_PAGE
                )
            ),
            "filter_form": form,
            "chosen": chosen,
            # Pagination keeps the filters itself ({% querystring %}).
            "is_filtered": SimpleLazyObject(
                lambda: any(value is not None for value in chosen.values())
            ),
        },
    )
