"""Demo content of the projects app, loaded by `manage.py load_demo_content` (make run)
and the tests; production code never imports this package."""


def load(home) -> int:
    """Project stories and workshops, then the calls for ideas (they use both)."""
    from projects.demo import ideas, stories

    return stories.load(home) + ideas.load(home)
