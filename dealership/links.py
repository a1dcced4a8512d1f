"""Signed links for customers, who open them without logging in: the token
carries record ids signed with the secret key and a salt per purpose, so it
cannot be forged or changed to reach another record, and it expires."""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse


def make_token(*, salt: str, **data: int) -> str:
    return signing.dumps(data, salt=salt, compress=True)


def read_token(token: str, *, salt: str, max_age: int) -> dict:
    """The signed data, or 404 for a forged, altered or expired token."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(data, dict):
        raise Http404
    return data


def public_url(view_name: str, token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(view_name, args=[token])


def pk_url(view_name: str):
    """`order_url = pk_url("dealership:order")`, then `order_url(o.pk)` for each row of a list:
    the route is reversed once per page rather than once per row (a board's hundred rows)."""
    marker = 987654321
    before, after = reverse(view_name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"
