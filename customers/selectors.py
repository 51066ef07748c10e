from decimal import Decimal
from functools import cache, reduce
from operator import or_

from django.db.models import Case, DecimalField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.history import HistoryEntry, history_entries
from core.phones import phone_query_forms, phone_to_e164
from core.query_shapes import QueryShape
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
    """Customers the query names as a whole (as the search box finds them: a phone typed
    any way, a contact), or whose name, INN, email, phone or external ID, or a contact's
    name or email, contains every word of it."""
    phrase = search_phrase(query)
    if not phrase:
        return queryset
    by_words = Q()
    for word in phrase.casefold().split():
        by_contact = Contact.objects.filter(
            Q(name__icontains=word) | Q(email__icontains=word)
        ).values("customer_id")
        by_words &= Q(search_text__contains=word) | Q(pk__in=by_contact)
    by_contact = Contact.objects.filter(contact_match_condition(phrase)).values("customer_id")
    return queryset.filter(by_words | customer_match_condition(phrase) | Q(pk__in=by_contact))


# Fewer characters than this match no fragment (a trigram index cannot narrow them down).
SEARCH_FRAGMENT_MIN_LENGTH = 3


def search_phrase(query: str) -> str:
    """The query as one phrase: trimmed, inner whitespace collapsed."""
    return " ".join(query.split())


def _any_of(conditions: list[Q]) -> Q:
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def customer_match_condition(phrase: str) -> Q:
    """Customers whose name, INN, email, phone (typed any way, or a digit fragment) or
    external ID contains `phrase`: one `LIKE` each on `search_text` (trigram-indexed on
    PostgreSQL)."""
    folded = phrase.casefold()
    e164, digits = phone_query_forms(phrase)
    fragments = {folded} if len(folded) >= SEARCH_FRAGMENT_MIN_LENGTH else set()
    fragments |= {form.casefold() for form in (e164, digits) if form}
    return _any_of([Q(search_text__contains=fragment) for fragment in sorted(fragments)])


def contact_match_condition(phrase: str) -> Q:
    """Contacts whose name or email contains `phrase`, or whose phone is it (typed any
    way) or contains its digits; each column trigram-indexed on PostgreSQL."""
    e164, digits = phone_query_forms(phrase)
    conditions = []
    if len(phrase) >= SEARCH_FRAGMENT_MIN_LENGTH:
        conditions += [Q(name__icontains=phrase), Q(email__icontains=phrase)]
    if e164:
        conditions.append(Q(phone=e164))
    if digits:
        conditions.append(Q(phone__contains=digits))
    return _any_of(conditions)


def customer_search_results(*, query: str, limit: int = 10) -> list[Customer]:
    """The search box's customers: by name, INN, email, phone or a contact's name, email
    or phone; an exact INN first, then by name. At most `limit + 1` (one more tells the
    page there are more), in one query."""
    phrase = search_phrase(query)
    if not phrase:
        return []
    by_contact = Contact.objects.filter(contact_match_condition(phrase)).values("customer_id")
    matches = Customer.objects.filter(customer_match_condition(phrase) | Q(pk__in=by_contact))
    return list(
        matches.annotate(
            inn_rank=Case(When(inn=phrase, then=0), default=1, output_field=IntegerField())
        ).order_by("inn_rank", "name", "id")[: limit + 1]
    )


def customer_lookup(*, query: str, limit: int = 20) -> list[Customer]:
    """Customers for a search-as-you-type box: by name, INN, email or phone (the customer's
    or a contact's), at most `limit`, in two queries whatever the number of matches."""
    query = query.strip()
    if not query:
        return []
    by_contact = Contact.objects.filter(
        Q(email__iexact=query)
        | Q(phone__contains=query)
        | Q(phone__contains=phone_to_e164(query))  # "8 912 345-67-89" finds +79123456789
        | Q(name__icontains=query)
    ).values("customer_id")
    matches = customer_search(Customer.objects.all(), query) | Customer.objects.filter(
        pk__in=by_contact
    )
    return list(matches.prefetch_related("contacts").order_by("name", "id")[:limit])


def customer_find_duplicates(
    *, inn: str = "", emails: list[str] | tuple = (), phones: list[str] | tuple = ()
) -> list[Customer]:
    """Customers who look like the one about to be created: the same INN, or an email or
    phone that the customer or one of its contacts already has. One query."""
    emails = [email.strip() for email in emails if email and email.strip()]
    # Stored as E.164: "8 (912) 345-67-89" and "+7 912 345 67 89" are the same number.
    phones = [phone_to_e164(str(phone)) for phone in phones if phone and str(phone).strip()]
    condition = Q(pk__in=[])
    if inn.strip():
        condition |= Q(inn=inn.strip())
    for email in emails:
        condition |= Q(email__iexact=email) | Q(contacts__email__iexact=email)
    if phones:
        condition |= Q(phone__in=phones) | Q(contacts__phone__in=phones)
    return list(Customer.objects.filter(condition).distinct().order_by("name", "id")[:10])


def customer_balance(*, customer: Customer, account: str = LedgerEntry.Account.MONEY) -> Decimal:
    total = customer.ledger_entries.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


def customer_for_user(*, user) -> Customer | None:
    """The customer a client user acts for, through their contact record."""
    if not user.is_authenticated:
        return None
    contact = Contact.objects.select_related("customer").filter(user=user).first()
    return contact.customer if contact else None


def customer_for_reference(reference: dict) -> Customer | None:
    """The customer given as `{"id": n}` or `{"external_id": "…"}` (an API reference)."""
    # Every order the API makes asks: compiled once (`core.query_shapes`).
    if "id" in reference:
        found = _customer_shape("pk").objects(value=reference["id"])
    else:
        found = _customer_shape("external_id").objects(value=reference["external_id"])
    return found[0] if found else None


@cache
def _customer_shape(field: str) -> QueryShape:
    def build(*, value):
        return Customer.objects.filter(**{field: value}).order_by("pk")[:1]

    return QueryShape(build, "value", text=["value"] if field == "external_id" else ())


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
