"""Checklists kept as store settings with a default set per kind of job
(the technician's self-check, REP-15; the inspector's QC checklist, QC-2)."""

from collections.abc import Iterable

from .models import JobType


def checklist_catalogue(rows: Iterable[tuple[str, str, bool]], defaults: dict[str, list[str]],
                        common: list[str] = ()) -> dict[str, list[str]]:
    """Every job type's list from the store's rows (job type, label, active):
    the store's own items where it has any; none where it switched them all
    off; otherwise the default set. `common` items close every list."""
    configured: dict[str, list[str]] = {}
    disabled: set[str] = set()
    for job_type, label, active in rows:
        if active:
            configured.setdefault(job_type, []).append(label)
        else:
            disabled.add(job_type)
    out = {}
    for job_type in JobType.values:
        items = configured.get(job_type)
        if items is None:
            items = [] if job_type in disabled else defaults.get(job_type, defaults[JobType.OTHER])
        out[job_type] = [*items, *common]
    return out
