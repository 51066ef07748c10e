from rest_framework.throttling import SimpleRateThrottle

from api.permissions import request_client


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per API key (rate `api_key` in REST_FRAMEWORK); portal sessions are not counted.

    Keyed by the key's prefix, not the client's row id, so ids reused by a test database
    never share a bucket. A 429 carries `Retry-After`: the seconds until the window ends.

    Counted in fixed windows of the rate's period: the cache holds (window start, count).
    DRF's own throttle keeps the time of every request of the last period, a list that
    every request reads, unpickles, pickles and writes back: at 1,200 a minute, 10 kB.
    """

    scope = "api_key"

    def get_cache_key(self, request, view):
        client = request_client(request)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.key_prefix}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window_start = self.now - self.now % self.duration
        self.window_end = window_start + self.duration
        counted = self.cache.get(self.key)
        count = counted[1] if isinstance(counted, tuple) and counted[0] == window_start else 0
        if count >= self.num_requests:
            return self.throttle_failure()
        self.cache.set(self.key, (window_start, count + 1), self.duration)
        return True

    def wait(self):
        return self.window_end - self.now
