"""Password rules (QUALITY.md): Argon2; at least 12 characters with 3 of 4 classes;
not common; not the username; not one of the last five."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiaotong.models import AuditEvent, PasswordHistory
from tests.factories import TEST_PASSWORD, make_user

GOOD = "Harbour#Light42"


def codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


def change(user, password):
    user.set_password(password)
    user.save()


def test_new_passwords_are_hashed_with_argon2():
    assert make_password(GOOD).startswith("argon2$")


@pytest.mark.django_db
def test_a_good_password_passes_every_rule():
    assert codes(GOOD, make_user("wang")) == set()


@pytest.mark.django_db
def test_eleven_characters_are_too_short():
    assert codes("Harbour#L42", make_user("wang")) == {"password_too_short"}


@pytest.mark.django_db
def test_two_character_classes_are_not_enough():
    assert codes("harbourlight42", make_user("wang")) == {"password_classes"}
    assert codes("harbour#light", make_user("zhao")) == {"password_classes"}


@pytest.mark.django_db
def test_three_classes_without_symbols_are_enough():
    assert codes("HarbourLight42", make_user("wang")) == set()


@pytest.mark.django_db
def test_a_common_password_is_refused_even_when_long_and_mixed():
    # "password1234" is on Django's list of common passwords (compared lower-case).
    assert codes("Password1234", make_user("wang")) == {"password_too_common"}


@pytest.mark.django_db
def test_a_password_containing_the_username_is_refused():
    user = make_user("zhangwei")
    assert "password_has_username" in codes("Zhangwei#2024!", user)


@pytest.mark.django_db
def test_a_two_letter_username_inside_a_word_is_allowed():
    # "li" is a common username and occurs inside "Light".
    assert codes(GOOD, make_user("li")) == set()


@pytest.mark.django_db
def test_the_rules_are_explained_in_chinese():
    with pytest.raises(ValidationError) as caught:
        validate_password("abc", make_user("wang"))
    assert any("密码" in message for message in caught.value.messages)


@pytest.mark.django_db
def test_setting_a_password_records_it_in_the_history():
    user = make_user("wang")

    change(user, GOOD)

    assert PasswordHistory.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.password_changed_at is not None


@pytest.mark.django_db
def test_the_last_five_passwords_cannot_be_reused_the_sixth_can():
    user = make_user("wang")
    used = [f"Harbour#Light{n}x" for n in range(6)]
    for password in used[:5]:
        change(user, password)

    for password in used[:5]:
        assert "password_reused" in codes(password, user), password

    change(user, used[5])

    # The oldest has dropped out of the last five; the history keeps five.
    assert "password_reused" not in codes(used[0], user)
    assert "password_reused" in codes(used[1], user)
    assert PasswordHistory.objects.filter(user=user).count() == 5


@pytest.mark.django_db
def test_the_current_password_counts_even_without_history():
    user = make_user("wang")  # the factory stores a hash, no history row
    assert "password_reused" in codes(TEST_PASSWORD, user)


# --- The password change page ----------------------------------------------------


def test_password_change_page_lists_the_rules(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "至少 12 位" in response.text


def test_weak_new_password_is_refused_with_the_reason(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "harbourlight42",
            "new_password2": "harbourlight42",
        },
    )
    assert response.status_code == 200
    assert "密码须至少包含大写字母、小写字母、数字、符号中的 3 类" in response.text
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD)


def test_wrong_old_password_is_refused(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": "Not#The0ldOne", "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def test_password_change_saves_history_and_is_audited(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    clerk.refresh_from_db()
    assert clerk.check_password(GOOD)
    assert PasswordHistory.objects.filter(user=clerk).count() == 1
    assert AuditEvent.objects.filter(action="password_change", actor=clerk).exists()
    assert "密码已修改" in client.get(response.url).text
