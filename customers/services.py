from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import Contact, Customer, LedgerEntry

# What a contact is given from input; the rest (user, primary) the service decides.
CONTACT_FIELDS = ("name", "position", "email", "phone")


def ledger_lock(*, customer: Customer) -> None:
    """Hold the customer's ledger until the caller's transaction ends.

    A balance is a sum of entries with no row of its own, so the customer's row stands
    for it: whoever checks a balance before spending it takes this lock first, and a
    second spender waits and then reads what the first left. Callers that also lock an
    order take the order first (every service does), so two of them never wait on each
    other in opposite orders. FOR NO KEY UPDATE rather than FOR UPDATE: inserting an
    order or an entry that refers to the customer takes FOR KEY SHARE on its row, which
    this lock lets through, so creating orders never waits on a payment.
    SQLite ignores row locks; its IMMEDIATE transactions already run one writer at a time.
    """
    list(
        Customer.objects.select_for_update(no_key=True)
        .filter(pk=customer.pk)
        .values_list("pk", flat=True)
    )


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
    a retried task) returns the first entry instead of counting it again. Takes the
    customer's `ledger_lock`, so no entry slips between a spender's check and its charge.
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
    with transaction.atomic():
        ledger_lock(customer=customer)
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


def _customer_save(customer: Customer, fields: dict, by) -> Customer:
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    if by is not None:  # else the history names the request's user, if any
        customer._history_user = by
    customer.save()
    return customer


def _stripped(value):
    """Text without its outer spaces; a phone number (already parsed) as it is."""
    return value.strip() if isinstance(value, str) else (value or "")


def customer_create(*, fields: dict, contacts: list[dict] | tuple = (), by=None) -> Customer:
    """A new customer from `fields` (model field names) with its `contacts` (dicts of
    `CONTACT_FIELDS`; the first is the primary one), all in one transaction.

    The customer's own email and phone, when not given, are the first contact's, so a
    search by them finds the customer. Raises ValidationError naming every bad field,
    a contact's as `contacts.<index>.<field>`; then nothing is saved.
    """
    fields = dict(fields)
    if contacts:
        for name in ("email", "phone"):
            if not fields.get(name):
                fields[name] = _stripped(contacts[0].get(name))
    customer = Customer(**fields)
    errors: dict[str, list[str]] = {}
    try:
        customer.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    prepared = []
    for index, data in enumerate(contacts):
        contact = Contact(
            is_primary=index == 0,
            **{name: _stripped(data.get(name)) for name in CONTACT_FIELDS},
        )
        try:
            contact.full_clean(exclude=["customer"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"contacts.{index}.{name}"] = messages
        prepared.append(contact)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if by is not None:  # else the history names the request's user, if any
            customer._history_user = by
        customer.save()
        for contact in prepared:
            # One by one, not in bulk: each contact's history starts with its creation.
            contact.customer = customer
            if by is not None:
                contact._history_user = by
            contact.save()
    return customer


def customer_update(*, customer: Customer, fields: dict, by=None) -> Customer:
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        return _customer_save(locked, fields, by)


def customer_upsert(*, external_id: str, fields: dict, by=None) -> tuple[Customer, bool]:
    """Create or update the customer known by `external_id` in the accounting system.

    Returns the customer and whether it was created. Two calls racing to create the same
    customer both succeed: the loser's insert hits the unique constraint, and it updates
    the winner's row instead.
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                customer = (
                    Customer.objects.select_for_update().filter(external_id=external_id).first()
                )
                created = customer is None
                if created:
                    customer = Customer(external_id=external_id)
                return _customer_save(customer, fields, by), created
        except (IntegrityError, ValidationError):
            # Another call created it between our read and our insert (its row fails our
            # uniqueness check or our insert): the second attempt updates that row.
            if attempt or not Customer.objects.filter(external_id=external_id).exists():
                raise
    raise AssertionError("unreachable")
