"""Admin screens for ideas (filled in by the ideas work)."""

viewsets = []
