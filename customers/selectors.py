from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.history import HistoryEntry, history_entries
from customers.models import Contact, Customer, LedgerEntry

_ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _account_sum(account: str):
    return Coalesce(Sum("ledger_entries__amount", filter=Q(ledger_entries__account=account)), _ZERO)


def customer_list_with_balances() -> QuerySet[Customer]:
    """Customers with `balance` and `bonus_points` computed from the ledger in the same query."""
    return Customer.objects.select_related("manager").annotate(
        balance=_account_sum(LedgerEntry.Account.MONEY),
        bonus_points=_account_sum(LedgerEntry.Account.BONUS),
    )


def customer_search(queryset: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    """Match any word of the query against name, INN, email, phone and external ID."""
    for word in query.casefold().split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def customer_balance(*, customer: Customer, account: str = LedgerEntry.Account.MONEY) -> Decimal:
    total = customer.ledger_entries.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


def customer_for_user(*, user) -> Customer | None:
    """The customer a client user acts for, through their contact record."""
    if not user.is_authenticated:
        return None
    contact = Contact.objects.select_related("customer").filter(user=user).first()
    return contact.customer if contact else None


def customer_get_with_balances(*, customer_id) -> Customer:
    """One customer with `balance` and `bonus_points`, and its contacts; 404 if missing."""
    return get_object_or_404(
        customer_list_with_balances().prefetch_related("contacts__user"), pk=customer_id
    )


CHANGES_SHOWN = 10


def customer_changes(*, customer_id: int, limit: int = CHANGES_SHOWN) -> list[HistoryEntry]:
    """The latest changes of the customer's details and its contacts, newest first: who
    changed which field from what to what. A fixed number of queries, whatever the history."""
    customer_entries = history_entries(
        Customer.history.filter(id=customer_id).select_related("history_user")[:limit]
    )
    contact_entries = history_entries(
        Contact.history.filter(customer_id=customer_id).select_related("history_user")[:limit],
        hidden=["customer"],
        subject=lambda record: _("Contact %(name)s") % {"name": record.name},
    )
    entries = sorted([*customer_entries, *contact_entries], key=lambda e: e.when, reverse=True)
    return entries[:limit]
