"""Demo staff users for `manage.py seed_demo`."""

from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role

DEMO_PASSWORD = "demo12345"  # noqa: S105 - printed for the demo, never used in production

STAFF = [
    # username, first name, last name, role
    ("admin", "Анна", "Администратор", Role.ADMIN),
    ("manager1", "Мария", "Смирнова", Role.MANAGER),
    ("manager2", "Павел", "Кузнецов", Role.MANAGER),
    ("manager3", "Ольга", "Новикова", Role.MANAGER),
    ("warehouse", "Сергей", "Складов", Role.WAREHOUSE),
    ("courier", "Иван", "Курьеров", Role.COURIER),
    ("director", "Олег", "Директоров", Role.DIRECTOR),
]


def _demo_password_hash() -> str:
    # Hashed once per run: the demo has dozens of logins, and each hash takes a good part
    # of a second by design. Once per hasher setting: a hash made under one (a test's fast
    # hasher) does not check under another.
    return _hashed_under(tuple(settings.PASSWORD_HASHERS))


@cache
def _hashed_under(_hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def ensure_user(*, username, first_name, last_name, role, email=None, is_staff=False):
    """Create or refresh one demo user; running it again changes nothing new."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email or f"{username}@example.com",
            "is_staff": is_staff,
        },
    )
    if created:
        user.password = _demo_password_hash()
        if role == Role.ADMIN:
            user.is_superuser = True
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user, created


def seed_staff() -> dict[str, User]:
    users = {}
    for username, first_name, last_name, role in STAFF:
        users[username], _created = ensure_user(
            username=username,
            first_name=first_name,
            last_name=last_name,
            role=role,
            is_staff=role == Role.ADMIN,
        )
    return users
