"""Demo content: `manage.py load_demo_content` builds the site from the AG article.

Each app of the project may have a `demo` package with a `load(home) -> int` function
(pages created); `home.demo.content.load` finds them in INSTALLED_APPS order, so home
imports no feature app, and production code never imports a demo package.
"""

from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings


def app_loaders(module: str = "demo") -> Iterator[Callable]:
    """The `load` function of `module` (`demo`, or `demo.scale` for the benchmark's
    large site) in every project app, home excepted."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if config.name == "home" or not Path(config.path).resolve().is_relative_to(base):
            continue
        name = f"{config.name}.{module}"
        try:
            found = import_module(name)
        except ModuleNotFoundError as error:
            if name.startswith(f"{error.name}.") or error.name == name:
                continue
            raise
        loader = getattr(found, "load", None)
        if loader is not None:
            yield loader
