"""The receiving form (issue 19): one row per order line, pre-filled with
what is still to come, the delivery note, and one optional extra row for a
part that came but is not on the order. Quantities and prices are checked by
the service (supply.receiving), which names the line it refuses."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealership.messages import quantity_text
from dealership.models import Part

from .models import PurchaseOrderLine, Receipt
from .receiving import ReceiptInput, cost_field, quantity_field

NUMBER = {"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}


class ReceiveForm(forms.Form):
    delivery_note = forms.CharField(label=gettext_lazy("Delivery note number"),
                                    max_length=Receipt._meta.get_field("delivery_note").max_length,
                                    error_messages={"required": gettext_lazy("Enter the supplier's delivery note "
                                                                             "number.")})
    extra_part = forms.CharField(label=gettext_lazy("Part not on the order (part number)"), max_length=30,
                                 required=False)
    extra_quantity = forms.CharField(label=gettext_lazy("Quantity"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs=NUMBER))
    extra_unit_cost = forms.CharField(label=gettext_lazy("Purchase price (yuan)"), max_length=20, required=False,
                                      widget=forms.TextInput(attrs=NUMBER))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
    # a quantity above what is still to come is received only when the clerk says so: 10 typed for 1 is a typo
    # more often than a generous supplier (the difference is recorded either way)
    more = forms.BooleanField(label=gettext_lazy("More than ordered came: receive it"), required=False)

    def __init__(self, *args, lines: list[PurchaseOrderLine], store_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.store_id = store_id
        for line in lines:
            named = f"{line.part.number} {line.part.name}"
            self.fields[quantity_field(line)] = forms.CharField(
                label=_("Quantity received"), max_length=20, required=False,
                widget=forms.TextInput(attrs={**NUMBER, "aria-label": f"{_('Quantity received')}: {named}"}),
                initial=quantity_text(line.outstanding) if line.outstanding > 0 else "")
            self.fields[cost_field(line)] = forms.CharField(
                label=_("Purchase price (yuan)"), max_length=20, required=False,
                widget=forms.TextInput(attrs={**NUMBER, "aria-label": f"{_('Purchase price (yuan)')}: {named}"}),
                initial=format(line.unit_cost, "f"))

    def rows(self):
        """(line, quantity field, cost field) for the template's table."""
        return [(line, self[quantity_field(line)], self[cost_field(line)]) for line in self.lines]

    def clean_extra_part(self) -> Part | None:
        number = self.cleaned_data["extra_part"].strip()
        if not number:
            return None
        part = Part.objects.filter(store_id=self.store_id, number__iexact=number).first()
        if part is None:
            raise forms.ValidationError(_("No part %(number)s in this store's catalogue.") % {"number": number})
        return part

    def clean(self):
        data = super().clean()
        if data.get("extra_part") is None and (data.get("extra_quantity") or "").strip():
            self.add_error("extra_part", _("Say which part came."))
        if not data.get("more"):
            for line in self.lines:
                try:
                    quantity = Decimal((data.get(quantity_field(line)) or "").strip() or "0")
                except InvalidOperation:
                    continue  # the service names what is wrong with it
                if quantity.is_finite() and quantity > line.outstanding:
                    self.add_error(quantity_field(line), _(
                        "More than the %(left)s still to come: tick “More than ordered came” to receive it.")
                        % {"left": quantity_text(line.outstanding)})
        return data

    def inputs(self) -> list[ReceiptInput]:
        """What came: the rows with a quantity (a blank row did not come in this delivery)."""
        data = self.cleaned_data
        out = []
        for line in self.lines:
            quantity = (data.get(quantity_field(line)) or "").strip()
            if quantity:
                out.append(ReceiptInput(line, quantity, (data.get(cost_field(line)) or "").strip() or None))
        if data.get("extra_part") is not None:
            out.append(ReceiptInput(None, (data.get("extra_quantity") or "").strip(),
                                    (data.get("extra_unit_cost") or "").strip() or None, part=data["extra_part"]))
        return out

