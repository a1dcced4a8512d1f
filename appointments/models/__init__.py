from .appointment import Appointment
from .arrivals import BookingRequest, QueueTicket
from .capacity import WorkshopDay
from .confirmations import AppointmentChange, Confirmation
from .preparation import PartReservation

__all__ = ["Appointment", "AppointmentChange", "BookingRequest", "Confirmation", "PartReservation",
           "QueueTicket", "WorkshopDay"]
