"""Reads, by concern: `timeline` (the project page), `portfolio` (lists, dashboard, lessons)
and `history` (the change history made readable). Who may read what is `projects.access`."""
