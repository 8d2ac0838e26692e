"""Sign-in to Azure (azure-identity) and the endpoints of each cloud: public, China, US Government or custom."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from azure.core.credentials import TokenCredential
from azure.identity import (
    AzureAuthorityHosts,
    ChainedTokenCredential,
    DefaultAzureCredential,
    DeviceCodeCredential,
    InteractiveBrowserCredential,
)

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
                'A custom cloud needs azure.arm_endpoint: the https:// address of its Resource Manager.'
            )
        authority = os.environ.get("AZURE_AUTHORITY_HOST", AzureAuthorityHosts.AZURE_PUBLIC_CLOUD)
        suffix = os.environ.get("MLFUNC_WIZARD_STORAGE_SUFFIX", "core.windows.net")
        return Cloud("custom", profile.azure.arm_endpoint.rstrip("/"), authority, suffix)
    if name not in CLOUDS:
        raise StepFailed(
            f'The cloud "{profile.azure.cloud}" is not known. Use "public", "china", "usgov", or "custom" '
            "with azure.arm_endpoint set to your cloud's Resource Manager address."
        )
    return CLOUDS[name]


def default_credential(profile: Profile) -> TokenCredential:
    """DefaultAzureCredential (environment, workload/managed identity, Azure CLI, PowerShell, azd…), then a
    browser sign-in, then a device code. azure-identity keeps tokens in memory only (no persistent cache
    is enabled here), and refreshes them before expiry, so a 20-minute poll survives token lifetimes."""
    cloud = cloud_for(profile)
    tenant = profile.azure.tenant_id or None
    return ChainedTokenCredential(
        DefaultAzureCredential(authority=cloud.authority, exclude_interactive_browser_credential=True),
        InteractiveBrowserCredential(authority=cloud.authority, tenant_id=tenant),
        DeviceCodeCredential(authority=cloud.authority, tenant_id=tenant, prompt_callback=_device_code_prompt),
    )


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
            credential = DefaultAzureCredential(authority=cloud.authority)
    try:
        credential.get_token(cloud.scope)
    except Exception as exc:  # azure-identity raises several types; all mean "not signed in"
        raise StepFailed(
            "Could not sign in to Azure. Run `az login` (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET "
            "for a service principal) and try again.",
            str(exc),
        ) from exc
    return credential
