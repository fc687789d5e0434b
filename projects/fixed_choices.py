"""Choices that are fixed once made, shared rather than copied."""


class FixedChoices(tuple):
    """Choices fixed when a filter set's class or its form is made, or kept for a reader
    (`selectors.kept`). Nothing changes them in place (a field offered other choices gets
    another object), so every copy of a filter or field shares them rather than copying each
    choice on every request, and what is drawn from them can be kept with them
    (`templatetags.sigprojects.choice_texts`)."""

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self
