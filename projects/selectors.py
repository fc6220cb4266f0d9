"""Read-side queries of the projects app, offered to other apps (home figures)."""

from projects.models import ProjectPage


def count_projects() -> int:
    return ProjectPage.objects.live().public().filter(is_example=False).count()
