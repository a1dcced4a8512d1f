"""Writes of stage 3, by topic: jobs and the clock (jobs.py), parts against
the order (parts.py), changes the customer approves (changes.py)."""

from .changes import finding_decide, finding_price, finding_report, finding_send_link, free_fix_record
from .jobs import (
    job_assign,
    job_clock_on,
    job_finish,
    job_pause,
    jobs_sync,
    rework_job_create,
    self_check_items,
)
from .parts import old_part_record, part_request, part_return, requisition_issue

__all__ = [
    "finding_decide", "finding_price", "finding_report", "finding_send_link", "free_fix_record", "job_assign",
    "job_clock_on", "job_finish", "job_pause", "jobs_sync", "old_part_record", "part_request", "part_return",
    "requisition_issue", "rework_job_create", "self_check_items",
]
