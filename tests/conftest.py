"""The named cast of users every test can ask for, and the organisation they work in."""

import pytest

from jiaotong import roles
from tests.factories import make_unit, make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache holds login-failure counters per address: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_at_sign_in(monkeypatch):
    """``client.force_login(user)`` stands for the whole sign-in, which for a
    user with an enrolled authenticator includes typing its code: verify the
    session with that device, as the code page does (django_otp.login). Users
    without a device sign in as before; the check itself stays on."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path_factory):
    """Each test has its own (empty) audit checkpoint directory: a checkpoint
    names rows of one test's database state and must not judge the next test's."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture
def org(db):
    """A small bureau: 局机关 with two 股室, the 执法大队 with a 中队, one 镇."""
    bureau = make_unit("B", "睢县交通运输局", kind="bureau")
    return {
        "bureau": bureau,
        "window": make_unit("B01", "行政审批股", parent=bureau),
        "legal": make_unit("B02", "政策法规股", parent=bureau),
        "brigade": (
            brigade := make_unit(
                "B10", "交通运输综合执法大队", kind="brigade", parent=bureau
            )
        ),
        "squad": make_unit("B11", "第一中队", kind="squad", parent=brigade),
        "agency": make_unit("B20", "运输管理所", kind="agency", parent=bureau),
        "town": make_unit("T01", "城关镇", kind="town", parent=bureau),
    }


@pytest.fixture
def clerk(org):
    return make_user("clerk", roles=[roles.ROLE_WINDOW], unit=org["window"])


@pytest.fixture
def officer(org):
    return make_user("officer", roles=[roles.ROLE_OFFICER], unit=org["squad"])


@pytest.fixture
def reviewer(org):
    return make_user("reviewer", roles=[roles.ROLE_REVIEWER], unit=org["legal"])


@pytest.fixture
def hotline_agent(org):
    return make_user("agent", roles=[roles.ROLE_HOTLINE], unit=org["agency"])


@pytest.fixture
def handler(org):
    return make_user("handler", roles=[roles.ROLE_HANDLER], unit=org["squad"])


@pytest.fixture
def supervisor(org):
    return make_user("supervisor", roles=[roles.ROLE_SUPERVISOR], unit=org["agency"])


@pytest.fixture
def leader(org):
    return make_user("leader", roles=[roles.ROLE_LEADER], unit=org["bureau"])


@pytest.fixture
def sysadmin(org):
    return make_user("sysadmin", roles=[roles.ROLE_SYSTEM_ADMIN], unit=org["bureau"])


@pytest.fixture
def secadmin(org):
    return make_user("secadmin", roles=[roles.ROLE_SECURITY_ADMIN], unit=org["bureau"])


@pytest.fixture
def auditor(org):
    return make_user("auditor", roles=[roles.ROLE_AUDIT_ADMIN], unit=org["bureau"])


@pytest.fixture
def outsider(org):
    """Signed in, but holds no role and works in another unit."""
    return make_user("outsider", unit=org["town"])
