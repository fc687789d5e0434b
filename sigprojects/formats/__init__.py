"""Date and time formats of the interface languages, where they differ from Django's own.

The users are Danish public bodies, so the English interface writes dates the European way
("29 November 2026", "2026-11-29") rather than the American ("Nov. 29, 2026", "11/29/2026").
Django's formats for a language are used for whatever a module here leaves out.
"""
