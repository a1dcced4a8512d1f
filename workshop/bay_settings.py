"""The store's workshop bays (工位), kept by the after-sales manager on a settings sub-page of the store (issue 18):
list, add, rename, set the trade, deactivate. The pages are the core's (dealership.store_places)."""

from django.utils.translation import gettext_lazy as _

from dealership.store_places import place_views

from .models import Bay

bays, bay_edit = place_views(model=Bay, extra_fields=("trade",), title=_("Workshop bays"), list_url="workshop:bays",
                             edit_url="workshop:bay_edit")
