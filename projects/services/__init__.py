"""Write-side rules of the projects app, by sub-area: `ideas` and `workshops`.

Views, forms and the admin call these functions; nothing is hidden in `save()` or
signals. Every email goes through the site's outbox (`home.outbox.queue_email`),
written in the same transaction as the change that causes it.
"""
