"""Wagtail admin screens of the projects app, grouped under one menu item (see wagtail_hooks)."""
