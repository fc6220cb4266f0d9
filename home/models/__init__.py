"""Models of the base app: pages, site settings and the site's one outbox."""

from home.models.outbox import OutboxEmail
from home.models.pages import (
    HomePage,
    HomePageFeaturedPage,
    KeyFigure,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    SectionIndexPage,
    StandardPage,
    paginate,
)
from home.models.settings import OrganisationSettings

__all__ = [
    "HomePage",
    "HomePageFeaturedPage",
    "KeyFigure",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "OrganisationSettings",
    "OutboxEmail",
    "SectionIndexPage",
    "StandardPage",
    "paginate",
]
