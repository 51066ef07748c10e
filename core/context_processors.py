from core.portals import is_client_user, portals_for


def portal_links(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"portal_links": [], "is_client_user": False}
    return {
        "portal_links": portals_for(user),
        "is_client_user": user.is_authenticated and is_client_user(user),
    }
