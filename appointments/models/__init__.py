from .appointment import Appointment
from .arrivals import BookingRequest, QueueTicket
from .capacity import WorkshopDay
from .confirmations import AppointmentChange, Confirmation
from .offers import RebookingOffer
from .preparation import PartReservation

__all__ = ["Appointment", "AppointmentChange", "BookingRequest", "Confirmation", "PartReservation",
           "QueueTicket", "RebookingOffer", "WorkshopDay"]
