"""The login's own pages: confirming the email address, the profile, password reset.

The sign-up form itself is `customers.views.register`."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.preferences import CHANNELS, notification_kinds_for, notification_wanted
from accounts.services import (
    registration_confirm,
    registration_confirmation_resend,
    user_notification_preferences_set,
)
from accounts.throttling import is_limited, limit_posts, posted_email


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "language"]


class NotificationPreferencesForm(forms.Form):
    """One checkbox per kind of message the user receives and channel, ticked when on."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind in notification_kinds_for(user):
            cells = []
            for channel, channel_label in CHANNELS:
                name = f"{kind}__{channel}"
                self.fields[name] = forms.BooleanField(
                    label=f"{kind.label}: {channel_label}",
                    required=False,
                    initial=notification_wanted(user, kind=kind, channel=channel),
                )
                cells.append((channel, self[name]))
            self.rows.append((kind.label, cells))

    def enabled(self) -> set[tuple[str, str]]:
        return {tuple(name.split("__", 1)) for name, value in self.cleaned_data.items() if value}


TOO_MANY = 429


# Who may: anyone not logged in; counted with the sign-ups from the same address (both
# send the same email), and per typed address, so no mailbox gets more than a few an hour.
@require_http_methods(["GET", "POST"])
@limit_posts("accounts.register", "SIGNUP_RATE")
@limit_posts("accounts.register_resend", "SIGNUP_RATE", key=posted_email)
def register_resend(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = ResendConfirmationForm(request.POST or None, initial={"email": request.GET.get("email")})
    if request.method == "POST" and is_limited(request):
        form.is_valid()
        form.add_error(None, _("Too many requests. Try again in an hour."))
        return render(request, "accounts/register_resend.html", {"form": form}, status=TOO_MANY)
    if request.method == "POST" and form.is_valid():
        registration_confirmation_resend(email=form.cleaned_data["email"])
        # One answer whether or not the address is known or awaits confirmation.
        return render(
            request, "accounts/register_resent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/register_resend.html", {"form": form})


# Who may: whoever holds the link; it works once.
@require_GET
def register_confirm(request, uidb64, token):
    user = registration_confirm(uidb64, token)
    if user is None:
        messages.error(
            request, _("This confirmation link is wrong or was used already. Try logging in.")
        )
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email is confirmed. Welcome!"))
    return redirect("home")


# Who may: any logged-in user, for their own profile only.
@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "preferences_form": NotificationPreferencesForm(user=request.user),
            "channels": CHANNELS,
        },
    )


# Who may: any logged-in user, for their own messages only.
@require_http_methods(["POST"])
@login_required
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST, user=request.user)
    if form.is_valid():
        user_notification_preferences_set(user=request.user, enabled=form.enabled())
        messages.success(request, _("Your notification settings are saved."))
    return redirect("accounts:profile")


# Who may: anyone; a few requests an hour from one address, since each sends an email.
@method_decorator(limit_posts("accounts.password_reset", "PASSWORD_RESET_RATE"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        if is_limited(request):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None, _("Too many reset requests from your network. Try again in an hour.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=TOO_MANY)
        return super().post(request, *args, **kwargs)
