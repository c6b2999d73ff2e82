from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import LoginPage, PasswordResetRequestView
from conduct.forms import SetNewPasswordForm
from conduct.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginPage.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        PasswordResetRequestView.as_view(),
        name="password_reset",
    ),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetNewPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/", include("accounts.urls")),
    path("manage/partnerships/", include("partnerships.urls")),
    path("declarations/", include("declarations.urls")),
    path("meetings/", include("meetings.urls")),
    path("breaches/", include("breaches.urls")),
    path("privacy/", include("privacy.urls")),
    path("reports/", include("reports.urls")),
    path("", include("conduct.urls")),
]

handler400 = "conduct.views.bad_request"

if settings.CONDUCT_BENCHMARK:
    urlpatterns.insert(0, path("bench/", include("bench.urls")))
