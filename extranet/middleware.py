"""Two-factor authentication, enforced on every request (after django-otp's OTPMiddleware).

- An account with a confirmed authenticator that has not given its code in this session
  (it logged in with its password only, through /compte/connexion/, Wagtail's admin login
  or a reset link) reaches nothing but the code page and the logout pages.
- An account that can open Wagtail's admin must have an authenticator (unless
  OTP_REQUIRED_FOR_STAFF is off, as in `make run`): without one, every page but the
  set-up page and the logout pages sends it to set one up first. Not only /admin/: a
  stolen staff password must not open the private pages and documents either.

One check covers every login form: none of them has to know about the second step.
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from extranet.services import accounts


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    @staticmethod
    def refusal(request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        path = request.path_info
        verify = reverse("accounts:verify")
        if path in (verify, reverse("accounts:logout"), reverse("wagtailadmin_logout")):
            return None
        if accounts.has_two_factor(user):
            return redirect_to_login(request.get_full_path(), verify)
        enrol = reverse("accounts:two_factor")
        if path != enrol and accounts.two_factor_required(user):
            return redirect_to_login(request.get_full_path(), enrol)
        return None
