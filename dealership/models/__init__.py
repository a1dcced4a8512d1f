from .archive import TextOverflow
from .attempts import RefusedAttempt
from .catalogue import JobType, LabourOperation, Part
from .customers import Channel, Customer, MileageReading, Vehicle
from .hours import ClosedDay, StoreHours
from .imports import ImportRun
from .messagetexts import MessageText
from .notifications import OutboundMessage, StaffTask
from .org import DealerGroup, Role, StaffRole, Store, StoreCounter, Trade, User
from .past import PastVisit
from .prices import PriceChange
from .settings_log import SettingChange
from .sweeps import ArchiveRun, SweepStore
from .work_orders import WorkOrder, WorkOrderEvent, WorkOrderLine

__all__ = [
    "ArchiveRun", "Channel", "ClosedDay", "Customer", "DealerGroup", "ImportRun", "JobType", "LabourOperation", "MessageText",
    "MileageReading", "OutboundMessage", "Part", "PastVisit", "PriceChange", "RefusedAttempt", "Role", "SettingChange", "StaffRole",
    "StaffTask", "Store", "StoreCounter", "StoreHours", "SweepStore", "TextOverflow", "Trade", "User",
    "Vehicle",
    "WorkOrder", "WorkOrderEvent", "WorkOrderLine",
]
