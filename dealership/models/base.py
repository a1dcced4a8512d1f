"""What store-owned records share. Every record belongs to one store and
carries it directly, not only through a parent row (design: Scale), so the
data can be partitioned by store later and every query filters by it first."""

from django.conf import settings
from django.db import models

from .org import Store


class StoreOwned(models.Model):
    """A record of one store. A model whose store has a reverse name of its
    own (`store.work_orders`) overrides the field with that name."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class CreatedBy(models.Model):
    """Who recorded it and when."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
