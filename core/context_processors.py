from core.portals import portals_for


def portal_links(request):
    user = getattr(request, "user", None)
    return {"portal_links": portals_for(user) if user is not None else []}
