from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import home_url_name, may_open
from .models import Role
from .navigation import header_url, nav_for
from .readiness import store_setup_refresh


def staff_context(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    home = home_url_name(user)
    customer_search_url = header_url("dealership:customer_search")
    context = {
        "home_url": header_url(home or "home"),
        "nav_items": nav_for(user, request.resolver_match.view_name if request.resolver_match else ""),
        # the header's own links, reversed once per process (issue 22)
        "customer_search_url": customer_search_url if may_open(user, customer_search_url) else "",
        "logout_url": header_url("logout"), "logout_everywhere_url": header_url("logout_everywhere"),
    }
    # The store (read with the user, dealership.backends) says whether it is still being set up: a ready store
    # costs nothing; one being set up, one query, only when the page shows the notice (not in htmx fragments).
    store = user.store if user.store_id else None
    if store is not None and store.setup_pending:
        context["store_setup"] = SimpleLazyObject(lambda: store_setup_refresh(store=store))
        context["sets_up_store"] = user.has_role(Role.AFTERSALES_MANAGER)
    return context
