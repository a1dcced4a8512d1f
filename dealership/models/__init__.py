from .archive import TextOverflow
from .catalogue import JobType, LabourOperation, Part
from .customers import Channel, Customer, MileageReading, Vehicle
from .hours import ClosedDay, StoreHours
from .notifications import OutboundMessage, StaffTask
from .org import DealerGroup, Role, StaffRole, Store, StoreCounter, Trade, User
from .past import PastVisit
from .prices import PriceChange
from .settings_log import SettingChange
from .work_orders import WorkOrder, WorkOrderEvent, WorkOrderLine

__all__ = [
    "Channel", "ClosedDay", "Customer", "DealerGroup", "JobType", "LabourOperation", "MileageReading",
    "OutboundMessage", "Part", "PastVisit", "PriceChange", "Role", "SettingChange", "StaffRole", "StaffTask", "Store",
    "StoreCounter", "StoreHours", "TextOverflow", "Trade", "User",
    "Vehicle",
    "WorkOrder", "WorkOrderEvent", "WorkOrderLine",
]
