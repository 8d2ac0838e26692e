"""Sign-in and the GUI's pickers against the emulator: subscriptions, regions, groups, name availability;
clouds and client options; the error translation table."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceResponseError

from wizard.profile import Profile
from wizard.targets.azure import auth, config
from wizard.targets.azure import pickers
from wizard.targets.azure.errors import RETIREMENT_SENTENCE, translate
from wizard.targets.base import StepFailed, TransientError


def test_subscriptions_regions_and_groups(arm, credential, managed_profile):
    subs = pickers.list_subscriptions(credential, managed_profile)
    assert [s.id for s in subs] == [arm.subscription_id]
    regions = pickers.list_locations(credential, managed_profile)
    assert "westeurope" in [r.id for r in regions]
    assert pickers.list_resource_groups(credential, managed_profile) == []
    from tests.azure.deploying import deploy

    deploy(managed_profile, credential)
    assert [g.id for g in pickers.list_resource_groups(credential, managed_profile)] == ["rg-amr"]


def test_name_checks_for_each_kind(arm, credential, managed_profile):
    arm.state.taken_names.update({"takencache", "takenstore", "taken-app"})
    for kind, free, taken in [("cache", "freecache", "takencache"), ("storage", "freestore", "takenstore"), ("function-app", "free-app", "taken-app")]:
        assert pickers.check_name(kind, free, credential, managed_profile).available, kind
        check = pickers.check_name(kind, taken, credential, managed_profile)
        assert not check.available and taken in check.message, kind
    assert pickers.check_name("managed-redis", "amr-cache", credential, managed_profile).available


def test_sign_in_checks_the_credential_and_fails_with_a_sentence(arm, credential, managed_profile):
    assert auth.sign_in(managed_profile, credential=credential) is credential
    assert credential.calls[-1] == (f"{arm.url}/.default",)

    class NoSignIn:
        # A credential that cannot sign in, like DefaultAzureCredential on a machine without `az login`.
        def get_token(self, *scopes, **kwargs):
            raise ClientAuthenticationError("no credential available")

    with pytest.raises(StepFailed) as failed:
        auth.sign_in(managed_profile, credential=NoSignIn())
    assert str(failed.value).startswith("Could not sign in to Azure: ")  # `az login` only where az is installed


@pytest.mark.parametrize(
    "cloud, endpoint, suffix",
    [("public", "https://management.azure.com", "core.windows.net"),
     ("china", "https://management.chinacloudapi.cn", "core.chinacloudapi.cn"),
     ("usgov", "https://management.usgovcloudapi.net", "core.usgovcloudapi.net")],
)
def test_clouds(cloud, endpoint, suffix):
    profile = Profile(target="azure")
    profile.azure.cloud = cloud
    found = auth.cloud_for(profile)
    assert (found.arm_endpoint, found.storage_suffix, found.scope) == (endpoint, suffix, endpoint + "/.default")


def test_custom_cloud_needs_an_https_endpoint(monkeypatch):
    profile = Profile(target="azure")
    profile.azure.cloud = "custom"
    with pytest.raises(StepFailed, match="arm_endpoint"):
        auth.cloud_for(profile)
    profile.azure.cloud = "mars"
    with pytest.raises(StepFailed, match="not known"):
        auth.cloud_for(profile)
    profile.azure.cloud = "custom"
    profile.azure.arm_endpoint = "https://arm.example.local/"
    monkeypatch.setenv("MLFUNC_WIZARD_CA_BUNDLE", "/tmp/ca.pem")
    monkeypatch.setenv("MLFUNC_WIZARD_POLLING_INTERVAL", "0")
    options = config.client_options(auth.cloud_for(profile))
    assert options["base_url"] == "https://arm.example.local"
    assert options["credential_scopes"] == ["https://arm.example.local/.default"]
    assert options["connection_verify"] == "/tmp/ca.pem"
    assert options["polling_interval"] == 0.0


class _Response:
    def __init__(self, status, body, headers=None):
        self.status_code = status
        self.reason = "x"
        self.headers = headers or {}
        self._body = body

    def json(self):
        return self._body

    def text(self, encoding=None):
        import json

        return json.dumps(self._body)


def _http_error(status, code, message, headers=None):
    # A real azure-core HttpResponseError built from a response-shaped object: the seam where ARM's answer is parsed.
    return HttpResponseError(response=_Response(status, {"error": {"code": code, "message": message}}, headers))


@pytest.mark.parametrize(
    "error, kind, words",
    [
        (_http_error(429, "TooManyRequests", "slow down", {"Retry-After": "7"}), TransientError, "throttling"),
        (_http_error(503, "ServiceUnavailable", "busy"), TransientError, "temporary"),
        (_http_error(400, "BadRequest", "Azure Cache for Redis is retiring, create Azure Managed Redis instance instead"), StepFailed, RETIREMENT_SENTENCE),
        (_http_error(409, "NameNotAvailable", "taken"), StepFailed, "already taken"),
        (_http_error(403, "AuthorizationFailed", "no write."), StepFailed, "Contributor"),
        (_http_error(400, "InvalidParameter", "bad sku."), StepFailed, "bad sku."),
        (ServiceResponseError("connection reset"), TransientError, "Lost the connection"),
    ],
)
def test_error_translation(error, kind, words):
    out = translate(error, "creating the cache", name="c1", name_field="cache.name")
    assert isinstance(out, kind)
    assert words in str(out)
    if isinstance(out, TransientError) and "throttling" in words:
        assert out.retry_after_s == 7.0
