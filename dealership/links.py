"""Signed links for customers, who open them without logging in: the token
carries record ids signed with the secret key and a salt per purpose, so it
cannot be forged or changed to reach another record, and it expires."""

from typing import TypeVar

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

M = TypeVar("M", bound=models.Model)


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


def record_token(record: models.Model, *, salt: str, key: str) -> str:
    """A token naming one store-owned record: its id under `key`, its store under "s"."""
    return make_token(salt=salt, **{key: record.pk, "s": record.store_id})


def record_from_token(token: str, *, salt: str, max_age: int, key: str, queryset: QuerySet[M]) -> M:
    """The record a `record_token` names, read through `queryset` and in the
    token's store; 404 for a bad token or a record that is gone."""
    data = read_token(token, salt=salt, max_age=max_age)
    try:
        return queryset.get(pk=int(data[key]), store_id=int(data["s"]))
    except (KeyError, TypeError, ValueError, queryset.model.DoesNotExist):
        raise Http404 from None


def public_url(view_name: str, token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(view_name, args=[token])


def pk_url(view_name: str):
    """`order_url = pk_url("dealership:order")`, then `order_url(o.pk)` for each row of a list:
    the route is reversed once per page rather than once per row (a board's hundred rows)."""
    marker = 987654321
    before, after = reverse(view_name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"
