from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("space/", views.dashboard, name="dashboard"),
    path("space/profile/", views.profile_choose, name="profile_choose"),
    path("space/password/", views.password_change, name="password_change"),
    path("space/security/", views.security, name="security"),
    path("space/language/", views.language, name="language"),
    path("space/security/compromised/", views.compromised, name="compromised"),
    path("onboarding/password/", views.onboarding_password, name="onboarding_password"),
    path("onboarding/email/", views.onboarding_email, name="onboarding_email"),
    path("onboarding/terms/", views.onboarding_terms, name="onboarding_terms"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("password/forgotten/", views.password_forgotten, name="password_forgotten"),
    path("password/reset/<str:secret>/", views.password_reset, name="password_reset"),
    path("username/forgotten/", views.username_forgotten, name="username_forgotten"),
]
