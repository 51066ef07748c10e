"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The Content-Security-Policy is django-csp's, from `settings.CONTENT_SECURITY_POLICY`, with
one addition made per request: the payment gateway's checkout as a form target. Paying
online posts a form to us and we answer with a redirect to the checkout page; browsers
check every redirect of a form submission against form-action (Chromium blocks it
silently), so the checkout's origin must be listed, and the gateway's address is a
setting that tests and deployments change.

The Permissions-Policy switches off the powerful browser features no page of ours uses,
for our pages and anything they embed, so an injected script or a framed page cannot ask
for the camera, the location or a payment sheet in our name. A constant header is a few
lines, which is why it is not a dependency (django-permissions-policy).
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings

PERMISSIONS_POLICY = "Permissions-Policy"


def payment_checkout_origins() -> list[str]:
    """Where paying online sends the browser: the listed checkout origins, and the gateway's
    own origin (the local fake serves its checkout page there)."""
    origins = list(settings.PAYMENT_CHECKOUT_ORIGINS)
    gateway = urlsplit(settings.PAYMENT_GATEWAY_URL or "")
    if gateway.scheme in ("http", "https") and gateway.netloc:
        origins.append(f"{gateway.scheme}://{gateway.netloc}")
    return list(dict.fromkeys(origins))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        origins = payment_checkout_origins()
        if origins:
            update = dict(parts.update or {})
            update["form-action"] = [*(update.get("form-action") or []), *origins]
            parts.update = update
        return parts


def _permissions_policy_value(features) -> str:
    return ", ".join(f"{feature}=()" for feature in features)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = _permissions_policy_value(settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(PERMISSIONS_POLICY, self.value)
        return response
