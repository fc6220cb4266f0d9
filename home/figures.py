"""Key figures that other apps compute from their own records.

`home` never imports a feature app: an app registers a counter here from its
`AppConfig.ready()`, and the home page adds it to the figure's editable offset
(the history before the site existed).
"""

from collections.abc import Callable
from dataclasses import dataclass


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


def source_choices() -> list[tuple[str, str]]:
    return [(source.key, source.label) for source in _sources.values()]
