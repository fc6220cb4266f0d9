"""Page routes hand their requests to views, without page models importing them.

A routable page's route stays one line:

    @path("")
    def call(self, request):
        return routing.serve("projects.call_for_ideas", request, self)

and the view that handles it is a plain function in `<app>/views/`, registered with
`@routing.page_view("projects.call_for_ideas")` and imported by the app's `ready()`.
So imports run one way (views -> forms -> services -> models -> constants), as in
Wagtail's own form pages, and a model never reaches up to a form or a service.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_views: dict[str, Callable[..., HttpResponse]] = {}


def page_view(name: str) -> Callable:
    """Register the decorated function as the view called by `serve(name, ...)`."""

    def register(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        if _views.get(name, view) is not view:
            raise ValueError(f"Two views registered for the page route {name!r}.")
        _views[name] = view
        return view

    return register


def serve(name: str, request: HttpRequest, page, *args, **kwargs) -> HttpResponse:
    """Call the view registered under `name` with (request, page, *args, **kwargs)."""
    try:
        view = _views[name]
    except KeyError:
        raise LookupError(
            f"No view registered for the page route {name!r}: does the app's ready() "
            "import its views?"
        ) from None
    return view(request, page, *args, **kwargs)
