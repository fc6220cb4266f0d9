from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projets et appels à idées"

    def ready(self):
        from home import demo, figures
        from projects import demo_content, selectors

        figures.register("projects", "Projets amorcés (hors exemples)", selectors.count_projects)
        figures.register("workshops", "Ateliers déjà tenus", selectors.count_workshops_held)
        figures.register("jobs", "Emplois créés par les projets", selectors.sum_jobs_created)
        demo.register(demo_content.load)
        # Calls for ideas: after the projects loader (it makes the themes and workshops).
        from projects import demo_ideas
        from projects.models.ideas import count_received_ideas

        figures.register("ideas", "Idées reçues sur le site", count_received_ideas)
        demo.register(demo_ideas.load)
