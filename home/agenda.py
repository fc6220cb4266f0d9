"""Sections of the home page that other apps fill from their own records: what a
visitor can take part in next (an open call for ideas, the next workshops...).

`home` never imports a feature app: an app registers a section here from its
`AppConfig.ready()`, with the template that shows it and a function that returns its
context (an empty dict hides the section). Each function should cost one query or
two: the home page's query count is pinned (tests/home/test_queries.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    context: Callable[[HttpRequest], dict]


_sections: dict[str, HomeSection] = {}


def register(key: str, template: str, context: Callable[[HttpRequest], dict]) -> None:
    _sections[key] = HomeSection(key=key, template=template, context=context)


def sections(request: HttpRequest) -> list[dict]:
    """[{"template": ..., "context": {...}}] for each registered section with something
    to show, in the order the apps registered them."""
    shown = []
    for section in _sections.values():
        context = section.context(request)
        if context:
            shown.append({"template": section.template, "context": context})
    return shown
