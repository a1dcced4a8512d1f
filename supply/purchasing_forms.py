"""The forms of the purchasing pages (issue 19): they check the shape of what
is typed; supply.suppliers and supply.purchasing check the rest."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PurchaseOrder, Supplier


def _decimal(label, **kw):
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, min_value=Decimal("-99999999"),
                              widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}), **kw)


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Supplier.Kind.choices)
    lead_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=90, initial=2,
                                   help_text=_("Days from sending an order to the parts at the counter."))
    contact = forms.CharField(label=_("Contact"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class PartSupplyForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Usual supplier"), queryset=Supplier.objects.none(), required=False,
                                      empty_label=_("— the maker's parts centre —"))
    location = forms.CharField(label=_("Location"), max_length=20, required=False,
                               help_text=_("Shelf and bin, e.g. A-03-2."))
    min_stock = _decimal(_("Minimum stock"), initial=0,
                         help_text=_("Ordered when the free stock falls under it; 0: only when needed."))
    order_quantity = _decimal(_("Order quantity"), initial=1, help_text=_("Ordered in multiples of this (a box, "
                                                                         "a drum)."))

    def __init__(self, *args, store_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(store_id=store_id, active=True)


class OrderNewForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    part_number = forms.CharField(label=_("Part number"), max_length=30)
    quantity = _decimal(_("Quantity"))
    unit_cost = _decimal(_("Purchase price (yuan)"), required=False,
                         help_text=_("Empty: the last purchase price."))
    urgent = forms.BooleanField(label=_("Urgent: for a car in the workshop"), required=False)
    work_order = forms.CharField(label=_("Work order number"), max_length=30, required=False,
                                 help_text=_("The car in the workshop that waits for the part."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, store_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(store_id=store_id, active=True)


class LineAddForm(forms.Form):
    part_number = forms.CharField(label=_("Part number"), max_length=30)
    quantity = _decimal(_("Quantity"))
    unit_cost = _decimal(_("Purchase price (yuan)"), required=False)


class LineSetForm(forms.Form):
    quantity = _decimal(_("Quantity"))
    unit_cost = _decimal(_("Purchase price (yuan)"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open and drafts")), ("all", _("All")), *PurchaseOrder.Status.choices],
                               widget=forms.Select(attrs={"class": "form-select", "aria-label": _("Status")}))
