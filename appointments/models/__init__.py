from .appointment import Appointment
from .arrivals import BookingRequest, QueueTicket
from .capacity import WorkshopDay
from .confirmations import AppointmentChange, Confirmation
from .offers import RebookingOffer
from .preparation import PartReservation
from .selfbooking import MobileCode

__all__ = ["Appointment", "AppointmentChange", "BookingRequest", "Confirmation", "MobileCode", "PartReservation",
           "QueueTicket", "RebookingOffer", "WorkshopDay"]
