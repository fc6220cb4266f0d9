"""Extranet models: membership (colleges, associates, holdings), private pages
(extranet home, general assemblies, working groups), the online assembly (convocations,
proxies, ballots, presence, room counts, log) and notices to the associates."""

from extranet.models.assemblies import (
    AssemblyEvent,
    Ballot,
    Convocation,
    Participation,
    Presence,
    Proxy,
    RoomCount,
)
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
    CollegeShare,
    ExtranetHomePage,
    ExtranetPageMixin,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    WorkingGroupDocument,
    WorkingGroupIndexPage,
    WorkingGroupPage,
    college_shares_error,
)
from extranet.models.privacy import associates_collection, associates_group, viewable_by

__all__ = [
    "EXTRANET_PAGE_MODELS",
    "AssemblyDocument",
    "AssemblyEvent",
    "Ballot",
    "CollegeShare",
    "Convocation",
    "Participation",
    "Presence",
    "Proxy",
    "RoomCount",
    "college_shares_error",
    "AssemblyNotice",
    "AssemblyResolution",
    "Associate",
    "associates_collection",
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
