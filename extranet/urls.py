"""Account addresses, under /compte/ (site/urls.py). Names: `accounts:<name>`."""

from django.urls import path

from extranet.views import accounts as views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountView.as_view(), name="account"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("code/", views.VerifyCodeView.as_view(), name="verify"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("double-authentification/", views.TwoFactorView.as_view(), name="two_factor"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/modifie/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("bienvenue/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
