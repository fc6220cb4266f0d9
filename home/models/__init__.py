"""Models of the base app: pages, site settings, the site's one outbox, private documents."""

from home.models.documents import Document, DocumentDownload
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
    "Document",
    "DocumentDownload",
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
