"""Security headers every answer carries (settings.SECURE_CSP, PERMISSIONS_POLICY).

Django's own ContentSecurityPolicyMiddleware sends one policy for the whole site. The
public pages need no inline script or style (a nonce is given to any inline script that
asks for `csp_nonce`), but Wagtail's admin writes inline scripts and style attributes
of its own: under `/admin/` the looser SECURE_CSP_ADMIN applies instead. A view that
sets its own policy (documents: `default-src 'none'`) keeps it.
"""

from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith("/admin/") and not hasattr(response, "_csp_config"):
            response._csp_config = settings.SECURE_CSP_ADMIN
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """Browser features the site never uses (camera, microphone, location…) are refused
    to every page and to anything it embeds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
