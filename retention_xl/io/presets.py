"""Shop-export presets: which columns of a Shopify, WooCommerce, Shopware or Etsy export
hold the customer, the date, the total, the refunds, the currency, the order number and the
cancellation.

One idea: a :class:`Preset` lists, for each field the reader needs, the column names the
shop's export really uses (the first one present is taken), and which values of which
column mark an order the export itself calls cancelled or voided. Nothing else is guessed.
Imports :mod:`retention_xl.errors` only. The mappings, and where each export is documented,
are in ``docs/presets.md`` and ``tests/data/SOURCES.md``.

Line-item exports repeat an order over several rows with the total (and often the date)
only on the first: every preset names an order column, and the reader counts each order
once, taking each field from the first row of the order where it is filled.

Every preset reads net revenue where the export says what was refunded (``refund``: an
amount subtracted from the total; ``net``: the total after refunds, used where filled), and
leaves out, counted, the orders without a customer (guest or POS orders without an e-mail).
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
    #: columns holding the amount refunded, subtracted from the total (Shopify "Refunded
    #: Amount"); a blank cell is no refund
    refund: tuple[str, ...] = ()
    #: columns holding the total after refunds, used instead of the total where filled
    #: (Etsy "Adjusted Order Total")
    net: tuple[str, ...] = ()
    #: status values meaning the whole order was refunded: its net revenue is 0 when the
    #: export gives no refunded amount for it
    refunded_statuses: frozenset[str] = frozenset()
    #: columns holding the order's currency (ISO code)
    currency: tuple[str, ...] = ()
    #: strftime pattern of the export's dates when the reader does not take them on its own
    date_format: str | None = None
    #: the export writes its times in UTC (Shopware 6): without a time zone the report says
    #: that the days are UTC days
    utc: bool = False


PRESETS: dict[str, Preset] = {
    # Shopify admin: Orders > Export > "CSV for Excel, Numbers or other spreadsheet programs".
    # One row per line item; Total, Financial Status, Currency, Refunded Amount and Cancelled
    # at on the order's first row. The CSV has no test-order column (docs/presets.md).
    "shopify": Preset(
        "shopify",
        customer=("Email", "Customer Email", "Customer: Email", "Customer ID"),
        date=("Created at", "Processed At", "Paid at"),
        amount=("Total", "Total Price"),
        order=("Name", "Id", "Order Number"),
        status=("Financial Status",),
        cancelled_statuses=frozenset({"voided"}),
        cancelled_when_filled=("Cancelled at",),
        refund=("Refunded Amount",),
        refunded_statuses=frozenset({"refunded"}),
        currency=("Currency",),
    ),
    # WooCommerce: the order exports of "Customer/Order/Coupon Export" (snake_case headers)
    # and "Advanced Order Export For WooCommerce" (title-case labels, English or German),
    # status as WooCommerce names it (slug or label, English or German).
    "woocommerce": Preset(
        "woocommerce",
        customer=(
            "billing_email",
            "Billing Email Address",
            "Email (Billing)",
            "E-Mail (Rechnung)",
            "E-Mail-Adresse (Rechnung)",
            "customer_email",
            "customer_id",
            "Customer User ID",
        ),
        date=("order_date", "Order Date", "Bestelldatum", "Date", "date_created"),
        amount=("order_total", "Order Total Amount", "Order Total", "Bestellsumme", "total"),
        order=(
            "order_id",
            "Order ID",
            "order_number",
            "Order Number",
            "Order #",
            "Bestellnummer",
            "Bestell-ID",
        ),
        status=("status", "order_status", "Order Status", "Bestellstatus", "Status"),
        cancelled_statuses=frozenset(
            {
                "cancelled",
                "wc-cancelled",
                "failed",
                "wc-failed",
                "trash",
                "storniert",
                "fehlgeschlagen",
                "papierkorb",
            }
        ),
        refund=(
            "refunded_total",
            "order_refund",
            "Order Refund Amount",
            "Order Refund",
            "Rückerstattungsbetrag",
            "Erstattungsbetrag",
            "Rückerstattung",
        ),
        refunded_statuses=frozenset({"refunded", "wc-refunded", "rückerstattet", "erstattet"}),
        currency=("order_currency", "Order Currency", "Currency", "Währung"),
    ),
    # Shopware 6 admin: Settings > Import/Export, profile "Default orders" (its mapped keys
    # order_number, customer_email, amount_total, order_date_time; the state only as an id),
    # profiles mapping the field paths themselves (orderCustomer.email …), and the German
    # column titles of Shopware 5's order export. Shopware 6 writes its times in UTC.
    "shopware": Preset(
        "shopware",
        customer=(
            "customer_email",
            "orderCustomer.email",
            "orderCustomer.customerNumber",
            "customerNumber",
            "E-Mail",
            "Kundennummer",
        ),
        date=("order_date_time", "orderDateTime", "orderTime", "Bestelldatum"),
        amount=("amount_total", "amountTotal", "invoiceAmount", "Gesamtbetrag", "Betrag"),
        order=("order_number", "orderNumber", "number", "Bestellnummer"),
        status=(
            "order_state",
            "stateMachineState.technicalName",
            "state",
            "Status",
            "Bestellstatus",
        ),
        cancelled_statuses=frozenset({"cancelled", "storniert", "abgebrochen"}),
        currency=("currency_iso_code", "currency.isoCode", "currency", "Währung"),
        utc=True,
    ),
    # Etsy: Shop Manager > Settings > Options > Download Data, CSV type "Orders"
    # (EtsySoldOrders<year>-<month>.csv): one row per order, dates MM/DD/YY, the total after
    # refunds in "Adjusted Order Total", guests without a Buyer User ID.
    "etsy": Preset(
        "etsy",
        customer=("Buyer User ID",),
        date=("Sale Date",),
        amount=("Order Total",),
        order=("Order ID",),
        status=("Status",),
        cancelled_statuses=frozenset({"canceled", "cancelled"}),
        net=("Adjusted Order Total",),
        currency=("Currency",),
        date_format="%m/%d/%y",
    ),
}


def preset_by_name(name: str) -> Preset:
    """The preset called ``name`` (any case).

    Examples
    --------
    >>> preset_by_name("Shopify").order[0]
    'Name'
    >>> preset_by_name("etsy").date_format
    '%m/%d/%y'
    """
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        raise InputError(
            f"--preset / preset must be one of {', '.join(PRESETS)}; got {name!r}."
        ) from None
