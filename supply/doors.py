"""The doors of parts supply's stateful models (dealership.doors): every
status change of a stock count goes through its door."""

from dealership.doors import Door

from .models import StockCount

STOCK_COUNT = Door(StockCount)  # the table is StockCount.TRANSITIONS
