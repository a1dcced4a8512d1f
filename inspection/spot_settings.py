"""The parking spots of the store's completed-vehicle area (QC-13), kept by the after-sales manager on a settings
sub-page of the store (issue 18): list, add, rename, deactivate. The pages are the core's (dealership.store_places)."""

from django.utils.translation import gettext_lazy as _

from dealership.store_places import place_views

from .models import ParkingSpot

spots, spot_edit = place_views(model=ParkingSpot, title=_("Parking spots"), list_url="inspection:spots",
                               edit_url="inspection:spot_edit")
