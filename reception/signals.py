"""What reception announces, for later stages to act on without reception
importing them (design.md: dependencies flow with the process)."""

from django.dispatch import Signal

# Sent by work_order_sign inside the signing's transaction, with the locked
# order (`work_order=`), once the signatures are stored: what a receiver writes
# (the workshop's jobs) commits or rolls back with the signature, and an error
# in a receiver refuses the signing (send, not send_robust).
work_order_signed = Signal()
