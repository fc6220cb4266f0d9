"""Projects app models: taxonomy, project stories, workshops, calls for ideas and ideas."""

from projects.models.ideas import CallForIdeasIndexPage, CallForIdeasPage, Idea
from projects.models.stories import (
    ProjectGalleryImage,
    ProjectIndexPage,
    ProjectMilestone,
    ProjectPage,
    ProjectPartner,
)
from projects.models.taxonomy import Commune, ProjectStatus, Theme
from projects.models.workshops import WorkshopIndexPage, WorkshopPage, WorkshopRegistration

__all__ = [
    "CallForIdeasIndexPage",
    "CallForIdeasPage",
    "Commune",
    "Idea",
    "ProjectGalleryImage",
    "ProjectIndexPage",
    "ProjectMilestone",
    "ProjectPage",
    "ProjectPartner",
    "ProjectStatus",
    "Theme",
    "WorkshopIndexPage",
    "WorkshopPage",
    "WorkshopRegistration",
]
