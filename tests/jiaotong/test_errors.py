"""403 / 404 / 500 pages in Chinese."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from jiaotong import urls
from jiaotong.views.errors import server_error


@pytest.mark.django_db
def test_unknown_page_is_a_chinese_404(client, clerk):
    client.force_login(clerk)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_for_anonymous_visitor_offers_login(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert reverse("login") in response.content.decode()


@pytest.mark.django_db
def test_forbidden_page_is_a_chinese_403(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("matter_list"))

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_server_error_page_renders_without_the_database():
    # No django_db mark: pytest-django makes any database access here an error.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "系统暂时出现错误" in response.content.decode()


def test_handlers_are_wired():
    assert urls.handler403 == "jiaotong.views.errors.permission_denied"
    assert urls.handler404 == "jiaotong.views.errors.page_not_found"
    assert urls.handler500 == "jiaotong.views.errors.server_error"
