"""Extranet models: membership (colleges, associates, holdings), private pages
(extranet home, general assemblies, working groups) and notices to the associates."""

from extranet.models.membership import (
    Associate,
    Balance,
    College,
    HoldingMovement,
    Holdings,
    format_euros,
)
from extranet.models.notifications import AssemblyNotice
from extranet.models.pages import (
    EXTRANET_PAGE_MODELS,
    AssemblyDocument,
    AssemblyResolution,
    ExtranetHomePage,
    ExtranetPageMixin,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    WorkingGroupDocument,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)
from extranet.models.privacy import associates_group, viewable_by

__all__ = [
    "EXTRANET_PAGE_MODELS",
    "AssemblyDocument",
    "AssemblyNotice",
    "AssemblyResolution",
    "Associate",
    "Balance",
    "College",
    "ExtranetHomePage",
    "ExtranetPageMixin",
    "GeneralAssemblyIndexPage",
    "GeneralAssemblyPage",
    "HoldingMovement",
    "Holdings",
    "WorkingGroupDocument",
    "WorkingGroupIndexPage",
    "WorkingGroupPage",
    "associates_group",
    "format_euros",
    "viewable_by",
]
