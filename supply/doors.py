"""The doors of parts supply's stateful models (dealership.doors): every
status change of a purchase order or a stock count goes through its door."""

from dealership.doors import Door

from .models import PurchaseOrder, StockCount

PURCHASE_ORDER = Door(PurchaseOrder)
STOCK_COUNT = Door(StockCount)  # the table is StockCount.TRANSITIONS
