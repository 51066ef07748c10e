from rest_framework.throttling import SimpleRateThrottle

from api.permissions import request_client


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per API key (rate `api_key` in REST_FRAMEWORK); portal sessions are not counted.

    Keyed by the key's prefix, not the client's row id, so ids reused by a test database
    never share a bucket. A 429 carries `Retry-After`.
    """

    scope = "api_key"

    def get_cache_key(self, request, view):
        client = request_client(request)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.key_prefix}
