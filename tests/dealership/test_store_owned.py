"""Store-owned records share one base, so a new one carries its store the same way."""

from django.apps import apps

from dealership.models import MileageReading, Store
from dealership.models.base import StoreOwned

# a member of staff may have no store (group managers), a counter goes with its store, a group report has none
# a run of the compliance job for every store has none (issue 21), like a group's monthly report
NOT_STORE_OWNED = {"dealership.user", "dealership.storecounter", "followup.monthlyreport", "followup.compliancerun"}


def test_it_gives_every_model_with_a_store_the_store_owned_base():
    for model in apps.get_models():
        field = next((f for f in model._meta.fields if f.name == "store"), None)
        if field is None or field.related_model is not Store or model._meta.label_lower in NOT_STORE_OWNED:
            continue
        assert issubclass(model, StoreOwned), model._meta.label


def test_it_keeps_the_store_required_and_protected():
    field = MileageReading._meta.get_field("store")
    assert not field.null
    assert field.remote_field.on_delete.__name__ == "PROTECT"
