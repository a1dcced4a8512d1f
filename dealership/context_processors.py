from django.http import HttpRequest
from django.urls import reverse

from .access import home_url_name
from .navigation import nav_for


def staff_context(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    home = home_url_name(user)
    return {
        "home_url": reverse(home) if home else reverse("home"),
        "nav_items": nav_for(user, request.resolver_match.view_name if request.resolver_match else ""),
    }
