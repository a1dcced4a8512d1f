import pytest

from dealership.notify import LocmemBackend


@pytest.fixture
def outbox():
    """The messages sent to customers in this test, none failing unless a test says so."""
    LocmemBackend.outbox = []
    LocmemBackend.fail_next = 0
    yield LocmemBackend.outbox
