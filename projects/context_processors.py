from projects.access import roles_of


def navigation(request):
    """What the menu needs to know about the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"is_agency": False}}
    roles = roles_of(user)
    return {"nav": {"is_agency": roles.is_agency, "can_invite": roles.can_invite}}
