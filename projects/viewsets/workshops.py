"""Admin screens for workshop registrations (filled in by the workshops work)."""

viewsets = []
