"""The walk-around (REC-5, REC-7, REC-13, REC-14): the store's checklist,
damage marked on the drawing of the car, and photos from the tablet."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from dealership.errors import ProcessError
from dealership.messages import N_
from dealership.models import Store, User, WorkOrder
from dealership.services import work_order_note
from dealership.workflow import EDITABLE_STATUSES

from .models import DamageMark, WalkAround, WalkAroundCheckItem, WalkAroundPhoto

DEFAULT_ITEMS = [
    ("tyres", "轮胎（花纹深度、气压、损伤）"),
    ("brakes", "制动（踏板感、异响）"),
    ("lights", "灯光（前照灯、转向灯、刹车灯）"),
    ("glass", "风挡玻璃与雨刮"),
    ("battery", "蓄电池"),
    ("fluids", "油液（机油、冷却液、制动液）"),
    ("interior", "内饰与座椅"),
    ("spare", "备胎与随车工具"),
]
RESULTS = {"ok": gettext_lazy("fine"), "attention": gettext_lazy("needs attention"),
           "na": gettext_lazy("not applicable")}
MAX_PHOTO_BYTES = 8 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000


def checklist_items(*, store: Store) -> list[WalkAroundCheckItem]:
    """The store's walk-around checklist; the default set on first use."""
    items = list(WalkAroundCheckItem.objects.filter(store=store, active=True))
    if items or WalkAroundCheckItem.objects.filter(store=store).exists():
        return items
    try:
        with transaction.atomic():
            WalkAroundCheckItem.objects.bulk_create([
                WalkAroundCheckItem(store=store, key=key, label=label, position=i)
                for i, (key, label) in enumerate(DEFAULT_ITEMS)])
    except IntegrityError:
        pass
    return list(WalkAroundCheckItem.objects.filter(store=store, active=True))


@dataclass(frozen=True)
class Completeness:
    complete: bool
    missing: list[str]


def completeness(walkaround: WalkAround | None, items: list[WalkAroundCheckItem]) -> Completeness:
    """REC-5: a walk-around is complete when every item of the store's
    checklist has an answer, and the protective covers are on (REC-13)."""
    if walkaround is None:
        return Completeness(False, [_("the walk-around")])
    answered = {c.get("key") for c in walkaround.checks if c.get("result") in RESULTS}
    missing = [item.label for item in items if item.key not in answered]
    if not walkaround.covers_fitted:
        missing.append(_("protective covers"))
    if not walkaround.key_tag.strip():
        missing.append(_("key tag"))
    return Completeness(not missing, missing)


def _editable_walkaround(walkaround: WalkAround) -> WalkAround:
    if walkaround.work_order.status not in EDITABLE_STATUSES:
        raise ProcessError(_("The work order is signed: the walk-around can no longer change."), rule="REP-2")
    return walkaround


def damage_mark_add(*, walkaround: WalkAround, actor: User, x: Decimal, y: Decimal, kind: str,
                    note: str = "") -> DamageMark:
    _editable_walkaround(walkaround)
    if not (0 <= x <= 100 and 0 <= y <= 100):
        raise ProcessError(_("Mark the damage on the drawing of the car."))
    return DamageMark.objects.create(store_id=walkaround.store_id, walkaround=walkaround, x=x, y=y, kind=kind,
                                     note=note.strip()[:200], created_by=actor)


def damage_mark_remove(*, mark: DamageMark, actor: User) -> None:
    """A mark tapped by mistake, before the signatures; a photo keeps it.
    The drawing was not yet agreed, so the mark goes; the timeline keeps the
    trace."""
    walkaround = mark.walkaround
    _editable_walkaround(walkaround)
    if mark.photos.exists():
        raise ProcessError(_("This mark has a photo; it stays on the record."))
    with transaction.atomic():
        mark.delete()
        work_order_note(work_order=walkaround.work_order, actor=actor, rule="REC-5",
                        message=N_("Damage mark taken off the drawing before signing (at %(x)s, %(y)s)."),
                        params={"x": str(mark.x), "y": str(mark.y)})


def photo_check(upload: UploadedFile) -> str:
    """Only real images, of a sane size; returns the content type. The file is
    stored under a random name outside the web root and only ever served,
    as an image, to staff of its own store."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ProcessError(_("The photo is larger than %(mb)s MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > MAX_PIXELS:
                raise ProcessError(_("The photo has too many pixels."))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ProcessError(_("That file is not a photo (JPEG, PNG or WebP).")) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ProcessError(_("That file is not a photo (JPEG, PNG or WebP)."))
    return ALLOWED_FORMATS[image_format]


def photo_add(*, walkaround: WalkAround, upload: UploadedFile, actor: User,
              mark: DamageMark | None = None) -> WalkAroundPhoto:
    _editable_walkaround(walkaround)
    content_type = photo_check(upload)
    if mark is not None and mark.walkaround_id != walkaround.pk:
        raise ProcessError(_("That mark belongs to another walk-around."))
    photo = WalkAroundPhoto(store_id=walkaround.store_id, walkaround=walkaround, mark=mark,
                            content_type=content_type, uploaded_by=actor)
    photo.image.save("photo", upload, save=False)
    photo.save()
    return photo


def walkaround_for(order: WorkOrder) -> WalkAround | None:
    return WalkAround.objects.filter(work_order=order).prefetch_related("marks", "photos").first()
