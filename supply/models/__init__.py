from .counts import StockCount, StockCountLine
from .ledger import StockMove
from .orders import PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from .suppliers import PartSupply, Supplier

__all__ = ["PartSupply", "PurchaseOrder", "PurchaseOrderLine", "Receipt", "ReceiptLine", "StockCount",
           "StockCountLine", "StockMove", "Supplier"]
