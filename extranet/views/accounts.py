"""Account pages under /compte/: Django's authentication views with the site's forms and
templates, plus the second step of a login and the two-factor settings.

Every redirection after a form (`next`) goes only to a path of this site: an absolute
address, even to this host, is ignored (no open redirect).
"""

from base64 import b64encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from extranet.forms.accounts import (
    ChangePasswordForm,
    ChoosePasswordForm,
    DisableTwoFactorForm,
    EnrolForm,
    LoginForm,
    PasswordResetRequestForm,
    VerifyCodeForm,
)
from extranet.services import accounts
from home.abuse import RateLimit
from home.text import normalize_email

# A reset email per address at most every 20 minutes or so, and a few addresses per
# network: nobody floods an inbox through this form. Over the limit the page answers
# exactly as usual (and sends nothing), so it still says nothing about the address.
RESET_PER_NETWORK = RateLimit(scope="password-reset-ip", limit=10, window=3600)
RESET_PER_ADDRESS = RateLimit(scope="password-reset-email", limit=3, window=3600)


def safe_next(request, default: str = "") -> str:
    """The `next` of the request when it is a path of this site, else `default`."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if (
        isinstance(candidate, str)
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts=set(), require_https=request.is_secure()
        )
    ):
        return candidate
    return default


def default_destination(user) -> str:
    """Where a login without `next` leads: the admin for staff, the extranet otherwise."""
    if user.is_authenticated and user.has_perm(accounts.ADMIN_ACCESS_PERMISSION):
        return reverse("wagtailadmin_home")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def with_next(url: str, destination: str) -> str:
    if not destination:
        return url
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: destination}, safe='/')}"


class LinkDaysMixin:
    """Says how long invitation and reset links stay valid (PASSWORD_RESET_TIMEOUT)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_days=accounts.link_lifetime_days(), **kwargs)


class SafeNextMixin:
    """Django's RedirectURLMixin, restricted to paths of this site."""

    def get_redirect_url(self, request=None):
        return safe_next(request or self.request)


class LoginView(SafeNextMixin, auth_views.LoginView):
    """The password step. An account with an authenticator goes on to the code step;
    django-axes refuses the login (429 page) after too many failures."""

    template_name = "extranet/account/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        return default_destination(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        if accounts.has_two_factor(self.request.user):
            return HttpResponseRedirect(
                with_next(reverse("accounts:verify"), self.get_success_url())
            )
        return response


@method_decorator(never_cache, name="dispatch")
class LogoutView(SafeNextMixin, auth_views.LogoutView):
    """Logging out is a POST (CSRF-checked); a GET only shows the button."""

    http_method_names = ["get", "post", "options"]
    template_name = "extranet/account/logged_out.html"

    def get(self, request, *args, **kwargs):
        return render(request, "extranet/account/logout.html")


@method_decorator([sensitive_post_parameters(), never_cache, login_required], name="dispatch")
class VerifyCodeView(FormView):
    """The second step of a login for an account with an authenticator (and where the
    two-factor middleware sends such an account that has not given its code yet)."""

    template_name = "extranet/account/verify.html"
    form_class = VerifyCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.device = accounts.confirmed_device(request.user)
        if self.device is None or request.user.is_verified():
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request), **kwargs)

    def get_success_url(self):
        return safe_next(self.request, default_destination(self.request.user))

    def form_valid(self, form):
        otp_login(self.request, self.device)
        self.request.session.cycle_key()  # a new session id for the now verified login
        return HttpResponseRedirect(self.get_success_url())


@method_decorator([sensitive_post_parameters(), never_cache, login_required], name="dispatch")
class TwoFactorView(TemplateView):
    """Turn two-factor authentication on (scan, then a first code) or off (password and
    a current code). Optional for associates, required for staff with admin access."""

    template_name = "extranet/account/two_factor.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(form=None)

    def post(self, request, *args, **kwargs):
        user = request.user
        device = accounts.confirmed_device(user)
        if device is None:
            pending = accounts.pending_device(user)
            form = EnrolForm(request.POST, device=pending)
            if form.is_valid():
                pending.refresh_from_db()
                otp_login(request, pending)
                request.session.cycle_key()
                destination = safe_next(request)
                if destination:
                    return HttpResponseRedirect(destination)
                return HttpResponseRedirect(reverse("accounts:two_factor") + "?active=1")
        else:
            form = DisableTwoFactorForm(request.POST, user=user, device=device)
            if form.is_valid():
                accounts.disable_two_factor(user=user)
                return HttpResponseRedirect(reverse("accounts:two_factor") + "?inactive=1")
        return self.render_page(form=form)

    def render_page(self, *, form):
        user = self.request.user
        device = accounts.confirmed_device(user)
        context = {
            "device": device,
            "required": accounts.two_factor_required(user),
            "next": safe_next(self.request),
            "just_enabled": self.request.GET.get("active") == "1" and device is not None,
            "just_disabled": self.request.GET.get("inactive") == "1" and device is None,
        }
        if device is None:
            pending = accounts.pending_device(user)
            context.update(
                form=form or EnrolForm(device=pending),
                secret=accounts.secret_for_typing(pending),
                otpauth_uri=pending.config_url,
                qr_data_uri="data:image/svg+xml;base64,"
                + b64encode(accounts.qr_code_svg(pending.config_url).encode()).decode("ascii"),
            )
        else:
            context["form"] = form or DisableTwoFactorForm(user=user, device=device)
        return self.render_to_response(self.get_context_data(**context))


@method_decorator(login_required, name="dispatch")
class AccountView(TemplateView):
    """/compte/: who is logged in, and the ways to the extranet, the password and 2FA."""

    template_name = "extranet/account/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            has_two_factor=accounts.has_two_factor(user),
            two_factor_required=accounts.two_factor_required(user),
            admin_access=user.has_perm(accounts.ADMIN_ACCESS_PERMISSION),
            **kwargs,
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "extranet/account/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "extranet/account/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address and always answers "if an account uses it, an email is on its
    way": the same page, status and text whether the address is known or not."""

    template_name = "extranet/account/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = normalize_email(form.cleaned_data["email"])
        if RESET_PER_NETWORK.hit(self.request) and RESET_PER_ADDRESS.hit_value(email):
            return super().form_valid(form)  # emails, through the outbox, the accounts found
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(LinkDaysMixin, auth_views.PasswordResetDoneView):
    template_name = "extranet/account/password_reset_done.html"


class PasswordResetConfirmView(LinkDaysMixin, auth_views.PasswordResetConfirmView):
    """The link of the reset email; an expired or used one gives the French page that
    offers to ask for a new one."""

    template_name = "extranet/account/password_reset_confirm.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "extranet/account/password_reset_complete.html"


class WelcomeView(LinkDaysMixin, auth_views.PasswordResetConfirmView):
    """The link of the invitation: the associate chooses a password, is logged in and
    lands on the extranet. The link works once, for INVITATION_DAYS days."""

    template_name = "extranet/account/welcome.html"
    form_class = ChoosePasswordForm
    token_generator = accounts.invitation_token_generator
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_success_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
