"""Shop-export presets: which columns of a Shopify, WooCommerce or Shopware export hold the
customer, the date, the total, the order number and the cancellation.

One idea: a :class:`Preset` lists, for each field the reader needs, the column names the
shop's export really uses (the first one present is taken), and which values of which
column mark an order the export itself calls cancelled or voided. Nothing else is guessed.
Imports :mod:`retention_xl.errors` only. The mappings are documented in ``docs/presets.md``.

Line-item exports repeat an order over several rows with the total (and often the date)
only on the first: every preset names an order column, and the reader counts each order
once, taking each field from the first row of the order where it is filled.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

__all__ = ["PRESETS", "Preset", "preset_by_name"]


@dataclass(frozen=True)
class Preset:
    """Column names of one shop's order export (candidates, first match wins)."""

    name: str
    customer: tuple[str, ...]
    date: tuple[str, ...]
    amount: tuple[str, ...]
    order: tuple[str, ...]
    status: tuple[str, ...] = ()
    #: status values (compared trimmed and lower-case) that mean the order did not happen
    cancelled_statuses: frozenset[str] = frozenset()
    #: columns whose being filled means the order was cancelled (Shopify "Cancelled at")
    cancelled_when_filled: tuple[str, ...] = ()


PRESETS: dict[str, Preset] = {
    # Shopify admin: Orders > Export > "CSV for Excel, Numbers or other spreadsheet programs".
    # One row per line item; Total, Financial Status and Cancelled at on the order's first row.
    "shopify": Preset(
        "shopify",
        customer=("Email", "Customer Email", "Customer: Email", "Customer ID"),
        date=("Created at", "Processed At", "Paid at"),
        amount=("Total", "Total Price"),
        order=("Name", "Id", "Order Number"),
        status=("Financial Status",),
        cancelled_statuses=frozenset({"voided"}),
        cancelled_when_filled=("Cancelled at",),
    ),
    # WooCommerce: the order exports of "Customer/Order/Coupon Export" (snake_case headers)
    # and "Advanced Order Export" (title-case headers), English or German status labels.
    "woocommerce": Preset(
        "woocommerce",
        customer=(
            "billing_email",
            "Billing Email Address",
            "Email (Billing)",
            "customer_email",
            "customer_id",
            "Customer User ID",
        ),
        date=("order_date", "Order Date", "Date", "date_created"),
        amount=("order_total", "Order Total Amount", "Order Total", "total"),
        order=("order_id", "Order ID", "order_number", "Order Number", "Order #"),
        status=("status", "Order Status", "Status"),
        cancelled_statuses=frozenset(
            {
                "cancelled",
                "wc-cancelled",
                "failed",
                "wc-failed",
                "trash",
                "storniert",
                "fehlgeschlagen",
            }
        ),
    ),
    # Shopware 6 admin: Settings > Import/Export, profile "Default orders" (dotted field
    # paths), and the German column titles of Shopware 5's order export.
    "shopware": Preset(
        "shopware",
        customer=(
            "orderCustomer.email",
            "orderCustomer.customerNumber",
            "customerNumber",
            "E-Mail",
            "Kundennummer",
        ),
        date=("orderDateTime", "orderTime", "Bestelldatum"),
        amount=("amountTotal", "invoiceAmount", "Gesamtbetrag", "Betrag"),
        order=("orderNumber", "number", "Bestellnummer"),
        status=("stateMachineState.technicalName", "state", "Status", "Bestellstatus"),
        cancelled_statuses=frozenset({"cancelled", "storniert", "abgebrochen"}),
    ),
}


def preset_by_name(name: str) -> Preset:
    """The preset called ``name`` (any case).

    Examples
    --------
    >>> preset_by_name("Shopify").order[0]
    'Name'
    """
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        raise InputError(
            f"--preset / preset must be one of {', '.join(PRESETS)}; got {name!r}."
        ) from None
