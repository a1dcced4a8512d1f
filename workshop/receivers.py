"""The workshop's answers to what earlier stages announce (connected in
WorkshopConfig.ready)."""

from django.dispatch import receiver

from reception.signals import work_order_signed

from .jobs import jobs_for_signed_order


@receiver(work_order_signed, dispatch_uid="workshop-jobs-at-signing")
def jobs_at_signing(sender, *, work_order, **kwargs) -> None:
    """REP-1: the signed order's jobs exist at once, in the signing's transaction."""
    jobs_for_signed_order(work_order=work_order)
