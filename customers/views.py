"""The sign-up page: a new client makes their customer, contact and login in one form."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from phonenumber_field.formfields import PhoneNumberField

from accounts.throttling import is_limited, limit_posts
from core.form_errors import form_add_errors
from customers.models import Customer
from customers.signup import client_register

TOO_MANY = 429


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("I buy as"),
        choices=[
            (Customer.Kind.PERSON, gettext_lazy("a private person")),
            (Customer.Kind.COMPANY, gettext_lazy("a company")),
        ],
        widget=forms.RadioSelect,
        initial=Customer.Kind.PERSON,
    )
    organisation = forms.CharField(
        label=gettext_lazy("Company name"), max_length=255, required=False
    )
    inn = forms.CharField(label=gettext_lazy("INN"), max_length=12, required=False)
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Email"))
    phone = PhoneNumberField(label=gettext_lazy("Phone"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Customer.Kind.COMPANY and not data.get("organisation", "").strip():
            self.add_error("organisation", _("Give the company's name."))
        return data


# Who may: anyone not logged in (a logged-in user is sent home); a few sign-ups an hour
# from one address.
@require_http_methods(["GET", "POST"])
@limit_posts("accounts.register", "SIGNUP_RATE")
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and is_limited(request):
        # Checked before validating: nothing is looked up or sent for a flood.
        form.is_valid()
        form.add_error(None, _("Too many sign-ups from your network. Try again in an hour."))
        return render(request, "accounts/register.html", {"form": form}, status=TOO_MANY)
    if request.method == "POST" and form.is_valid():
        try:
            user = client_register(**form.cleaned_data, language=get_language()[:2])
        except ValidationError as error:
            form_add_errors(form, error.message_dict)
        else:
            return render(request, "accounts/register_sent.html", {"email": user.email})
    return render(request, "accounts/register.html", {"form": form})
