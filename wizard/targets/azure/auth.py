"""Sign-in to Azure (azure-identity) and the endpoints of each cloud: public, China, US Government or custom."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import AccessToken, TokenCredential
from azure.identity import (
    AzureAuthorityHosts,
    ChainedTokenCredential,
    DefaultAzureCredential,
    DeviceCodeCredential,
    InteractiveBrowserCredential,
)

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import StepFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cloud:
    """Where ARM and sign-in live for one cloud."""

    name: str
    arm_endpoint: str  # e.g. https://management.azure.com
    authority: str  # sign-in host
    storage_suffix: str  # endpoint suffix in storage connection strings

    @property
    def scope(self) -> str:
        return self.arm_endpoint.rstrip("/") + "/.default"


CLOUDS = {
    "public": Cloud("public", "https://management.azure.com", AzureAuthorityHosts.AZURE_PUBLIC_CLOUD, "core.windows.net"),
    "china": Cloud("china", "https://management.chinacloudapi.cn", AzureAuthorityHosts.AZURE_CHINA, "core.chinacloudapi.cn"),
    "usgov": Cloud(
        "usgov", "https://management.usgovcloudapi.net", AzureAuthorityHosts.AZURE_GOVERNMENT, "core.usgovcloudapi.net"
    ),
}


def cloud_for(profile: Profile) -> Cloud:
    """The cloud the profile names; `custom` takes `azure.arm_endpoint` (any ARM, including the test emulator).

    A custom cloud signs in at AZURE_AUTHORITY_HOST when set (Azure Stack Hub and sovereign clouds
    publish theirs), else at the public authority."""
    name = (profile.azure.cloud or "public").lower()
    if name == "custom":
        if not profile.azure.arm_endpoint.startswith("https://"):
            raise StepFailed(
                _("A custom cloud needs azure.arm_endpoint: the https:// address of its Resource Manager.")
            )
        authority = os.environ.get("AZURE_AUTHORITY_HOST", AzureAuthorityHosts.AZURE_PUBLIC_CLOUD)
        suffix = os.environ.get("MLFUNC_WIZARD_STORAGE_SUFFIX", "core.windows.net")
        return Cloud("custom", profile.azure.arm_endpoint.rstrip("/"), authority, suffix)
    if name not in CLOUDS:
        raise StepFailed(
            _('The cloud "{cloud}" is not known. Use "public", "china", "usgov", or "custom" with azure.arm_endpoint '
              "set to your cloud's Resource Manager address.").format(cloud=profile.azure.cloud)
        )
    return CLOUDS[name]


class TenantCredential:
    """Asks every token of `tenant` (azure.tenant_id): DefaultAzureCredential takes no tenant_id, so the tenant
    goes into each get_token call, which its developer credentials (Azure CLI, azd, PowerShell, VS Code) honour
    for tenants in `additionally_allowed_tenants`. Without it a subscription in another tenant than the
    signed-in account's home tenant gets 401 InvalidAuthenticationTokenTenant from ARM."""

    def __init__(self, inner: Any, tenant: str):
        self.inner = inner
        self.tenant = tenant

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        kwargs["tenant_id"] = kwargs.get("tenant_id") or self.tenant
        return self.inner.get_token(*scopes, **kwargs)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


def for_tenant(credential: Any, profile: Profile) -> Any:
    """`credential`, asking for tokens of the profile's tenant when it names one (else unchanged)."""
    tenant = profile.azure.tenant_id or ""
    if not tenant or isinstance(credential, TenantCredential):
        return credential
    return TenantCredential(credential, tenant)


def _default_chain_credential(profile: Profile, cloud: Cloud, **kwargs: Any) -> DefaultAzureCredential:
    tenant = profile.azure.tenant_id or None
    if tenant:
        # Tenant-specific settings of the credentials that take one; the developer credentials get it per request.
        kwargs.update(additionally_allowed_tenants=[tenant], interactive_browser_tenant_id=tenant,
                      shared_cache_tenant_id=tenant, visual_studio_code_tenant_id=tenant)
    return DefaultAzureCredential(authority=cloud.authority, **kwargs)


def default_credential(profile: Profile) -> TokenCredential:
    """DefaultAzureCredential (environment, workload/managed identity, Azure CLI, PowerShell, azd…), then a
    browser sign-in, then a device code. azure-identity keeps tokens in memory only (no persistent cache
    is enabled here), and refreshes them before expiry, so a 20-minute poll survives token lifetimes."""
    cloud = cloud_for(profile)
    tenant = profile.azure.tenant_id or None
    chain = ChainedTokenCredential(
        _default_chain_credential(profile, cloud, exclude_interactive_browser_credential=True),
        InteractiveBrowserCredential(authority=cloud.authority, tenant_id=tenant),
        DeviceCodeCredential(authority=cloud.authority, tenant_id=tenant, prompt_callback=_device_code_prompt),
    )
    return for_tenant(chain, profile)


def _device_code_prompt(verification_uri: str, user_code: str, expires_on: object) -> None:
    # The user code is not a secret worth masking: it is useless without the user's own sign-in.
    log.warning("To sign in, open %s and enter the code %s", verification_uri, user_code)


def sign_in(profile: Profile, interactive: bool = True, credential: TokenCredential | None = None) -> TokenCredential:
    """A credential for the profile's cloud, checked by asking for one ARM token (GUI: call in a worker).

    With interactive=False the browser and device-code fallbacks are left out (CI, headless runs)."""
    cloud = cloud_for(profile)
    if credential is None:
        if interactive:
            credential = default_credential(profile)
        else:
            credential = _default_chain_credential(profile, cloud)
    credential = for_tenant(credential, profile)
    try:
        credential.get_token(cloud.scope)
    except Exception as exc:  # azure-identity raises several types; all mean "not signed in"
        raise StepFailed(sign_in_failed_sentence(), str(exc)) from exc
    return credential


def sign_in_failed_sentence() -> str:
    """One sentence for a failed sign-in that suggests only what this machine offers: `az login` when the Azure CLI
    is on PATH, else installing it or a service principal (issue 13, defect 14)."""
    if shutil.which("az"):
        return _("Could not sign in to Azure: run `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
                 "AZURE_CLIENT_SECRET for a service principal) and try again.")
    return _("Could not sign in to Azure: the Azure CLI (az) is not installed, so set AZURE_CLIENT_ID, AZURE_TENANT_ID "
             "and AZURE_CLIENT_SECRET for a service principal, or install the Azure CLI and sign in with it, then try again.")
