"""The managers' "Export data" page (issue 18): one button per table, each an .xlsx file of the store's rows
(dealership.exports). An after-sales manager exports their store; a group manager picks a store of the group
(their own by default); a store of another group is a 404."""

import logging

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .access import MANAGERS, role_required
from .exports import TABLES, export_write
from .models import Customer, LabourOperation, Part, PastVisit, Store, User
from .replicas import reads_replica

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNTED = {"customers": Customer, "past-visits": PastVisit, "labour": LabourOperation, "parts": Part, "stock": Part}


def _stores(user: User) -> QuerySet[Store]:
    if user.is_group_manager:
        return Store.objects.filter(group_id=user.group_id).order_by("name", "id")
    return Store.objects.filter(pk=user.store_id)


def _store(request: HttpRequest, stores: QuerySet[Store], *, strict: bool) -> Store | None:
    """The store asked for (`?store=`), else the user's own, else the first they may export."""
    asked = request.GET.get("store", "")
    if asked and request.user.is_group_manager:
        found = stores.filter(pk=int(asked)).first() if asked.isascii() and asked.isdigit() and len(asked) < 19 else None
        if found is not None or strict:
            return found
    return stores.filter(pk=request.user.store_id).first() or stores.first()


@role_required(*MANAGERS)
@reads_replica
def export_page(request: HttpRequest) -> HttpResponse:
    stores = _stores(request.user)
    store = _store(request, stores, strict=False)
    counts = {key: model.objects.filter(store=store).count() for key, model in COUNTED.items()} if store else {}
    return render(request, "dealership/export.html", {
        "store": store, "stores": stores if request.user.is_group_manager else None,
        "tables": [(table, counts.get(key, 0)) for key, table in TABLES.items()]})


@role_required(*MANAGERS)
@reads_replica
def export_download(request: HttpRequest, table: str) -> FileResponse:
    store = _store(request, _stores(request.user), strict=True)
    if table not in TABLES or store is None:
        raise Http404
    log.info("export of %s of store %s by user %s", table, store.pk, request.user.pk)  # customers' data left
    return FileResponse(export_write(table=table, store=store), as_attachment=True, content_type=XLSX,
                        filename=f"{table}-{store.code}-{timezone.localdate():%Y%m%d}.xlsx")
