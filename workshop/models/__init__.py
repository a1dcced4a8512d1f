from .changes import Finding, FreeFix
from .jobs import Bay, ClockEntry, Job, SelfCheckItem
from .parts import OldPart, Requisition

__all__ = ["Bay", "ClockEntry", "Finding", "FreeFix", "Job", "OldPart", "Requisition", "SelfCheckItem"]
