from decimal import Decimal

from django.db import IntegrityError, transaction

from customers.models import Customer, LedgerEntry


def ledger_entry_post(
    *,
    customer: Customer,
    amount: Decimal,
    kind: str,
    account: str = LedgerEntry.Account.MONEY,
    description: str = "",
    reference: str = "",
    by=None,
) -> LedgerEntry:
    """Append one entry to the customer's ledger.

    With a `reference`, posting the same fact twice (a payment notification repeated,
    a retried task) returns the first entry instead of counting it again.
    """
    fields = {
        "customer": customer,
        "account": account,
        "kind": kind,
        "amount": amount,
        "description": description,
        "reference": reference,
        "created_by": by,
    }
    if not reference:
        return LedgerEntry.objects.create(**fields)
    try:
        # A savepoint, so a duplicate does not spoil the caller's transaction.
        with transaction.atomic():
            return LedgerEntry.objects.create(**fields)
    except IntegrityError:
        return LedgerEntry.objects.get(
            customer=customer, account=account, kind=kind, reference=reference
        )
