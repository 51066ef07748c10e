from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.permission_cache import permissions_from_names
from api.selectors import api_client_for_key
from api.services import api_client_touch


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`: the request acts as the client's service user.

    `request.auth` is the `ApiClient`, so permissions can check its scopes.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key after “Bearer ”, no spaces."))
        try:
            key = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from error
        client = api_client_for_key(key)
        if client is None or not client.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        api_client_touch(client=client)
        # A key's request checks many permissions: read with the key, not by the backend.
        permissions_from_names(client.user, client.permission_names)
        return client.user, client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "An API key made by an administrator (Django admin or "
                    "`manage.py create_api_key`), sent as `Authorization: Bearer <key>`."
                )
            ),
        }
