"""Key figures that other apps compute from their own records.

`home` never imports a feature app: an app registers a counter here from its
`AppConfig.ready()`, and the home page adds it to the figure's editable offset
(the history before the site existed). The counts are cached under the page cache's
version (home.cache), which each app replaces when its records change: a count over
thousands of rows is made once, not at every visit.
"""

from collections.abc import Callable
from dataclasses import dataclass

from home import cache as page_cache

# "Workshops held" also changes with the clock, when a workshop starts.
COUNT_SECONDS = 300


@dataclass(frozen=True)
class FigureSource:
    key: str
    label: str
    count: Callable[[], int]


_sources: dict[str, FigureSource] = {}


def register(key: str, label: str, count: Callable[[], int]) -> None:
    _sources[key] = FigureSource(key=key, label=label, count=count)


def get(key: str) -> FigureSource | None:
    return _sources.get(key)


def count(key: str) -> int:
    """What the source `key` counts (0 for an unknown source), cached with the others:
    a page that shows one figure shows them all."""
    return page_cache.fragment(None, "figures", _count_all, seconds=COUNT_SECONDS).get(key, 0)


def _count_all() -> dict[str, int]:
    return {key: source.count() for key, source in _sources.items()}


def source_choices() -> list[tuple[str, str]]:
    return [(source.key, source.label) for source in _sources.values()]
