"""Login, logout, password change and the user/role pages."""

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"


def user_list(request):
    raise NotImplementedError


def user_detail(request, pk):
    raise NotImplementedError


def user_roles(request, pk):
    raise NotImplementedError
