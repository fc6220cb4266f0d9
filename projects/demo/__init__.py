"""Demo content of the projects app, loaded by `manage.py load_demo_content` (make run)
and the tests; production code never imports this package."""


def load(home) -> int:
    """Every commune of the Jura (as `manage.py import_communes` does), project stories
    and workshops, then the calls for ideas (they use both)."""
    from projects.demo import ideas, stories
    from projects.services.communes import import_communes

    import_communes()
    return stories.load(home) + ideas.load(home)
