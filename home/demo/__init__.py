"""Demo content: `manage.py load_demo_content` builds the site from the AG article.

Feature apps add their own demo pages by registering a loader here from their
`AppConfig.ready()`; a loader takes the home page and returns how many pages it created.
"""

from collections.abc import Callable

_loaders: list[Callable] = []


def register(loader: Callable) -> Callable:
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def loaders() -> list[Callable]:
    return list(_loaders)
