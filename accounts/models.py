from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class User(AbstractUser):
    """A person who logs in: staff of the business or a client's contact."""

    class Language(models.TextChoices):
        RUSSIAN = "ru", _("Russian")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.RUSSIAN,
        help_text=_("Language of the emails and notifications this user receives."),
    )
    # Tells a sign-up nobody confirmed yet from an account an administrator switched off:
    # only the first may ask for the confirmation link again and activate itself with it.
    is_pending_confirmation = models.BooleanField(
        _("awaits email confirmation"),
        default=False,
        help_text=_("Signed up and has not opened the confirmation link yet."),
    )

    # An integration's user (an API key's, an exchange's): it acts, but is no person to
    # give orders, tasks or notifications to, so people's lists leave it out.
    is_service = models.BooleanField(
        _("service user"),
        default=False,
        help_text=_("Acts for an integration through its key; never offered as a person."),
    )
    # "kind:channel" pairs the user switched off (`accounts.preferences`); empty: all on.
    notifications_off = models.JSONField(_("notifications switched off"), default=list, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("access_client_portal", _("Can use the client portal")),
            ("access_manager_portal", _("Can use the manager portal")),
            ("access_admin_portal", _("Can use the admin portal")),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Active is confirmed, however it came about (the link, an administrator, the Django
        # admin), so a later deactivation cannot be undone by asking for a sign-up link.
        if self.is_active and self.is_pending_confirmation:
            self.is_pending_confirmation = False
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_pending_confirmation"}
        super().save(*args, **kwargs)

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    def has_role(self, role: str) -> bool:
        return any(group.name == role for group in self.groups.all())
