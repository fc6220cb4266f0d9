"""Views of the projects app, by sub-area. Page routes hand their requests to them
through `home.routing` (registered when `ProjectsConfig.ready()` imports this package)."""

from projects.views import ideas, joining, stories, workshops

__all__ = ["ideas", "joining", "stories", "workshops"]
