"""The doors of parts supply's stateful models (dealership.doors): each table
is declared on its model."""

from dealership.doors import Door

from .models import PurchaseOrder

PURCHASE_ORDER = Door(PurchaseOrder)
