from .archive import TextOverflow
from .catalogue import JobType, LabourOperation, Part
from .customers import Channel, Customer, MileageReading, Vehicle
from .imports import ImportRun
from .notifications import OutboundMessage, StaffTask
from .org import DealerGroup, Role, StaffRole, Store, StoreCounter, Trade, User
from .past import PastVisit
from .settings_log import SettingChange
from .work_orders import WorkOrder, WorkOrderEvent, WorkOrderLine

__all__ = [
    "Channel", "Customer", "DealerGroup", "ImportRun", "JobType", "LabourOperation", "MileageReading",
    "OutboundMessage", "Part", "PastVisit", "Role", "SettingChange", "StaffRole", "StaffTask", "Store", "StoreCounter", "TextOverflow", "Trade", "User",
    "Vehicle",
    "WorkOrder", "WorkOrderEvent", "WorkOrderLine",
]
