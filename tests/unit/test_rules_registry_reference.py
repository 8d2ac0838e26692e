"""function.registry as a full image reference (an image already pushed, e.g. myacr.azurecr.io/app:1.2): valid for the
Azure docker route, which pulls it as is; refused with a sentence for the routes that need an ACR name; an ACR name
is still checked as a name. The grammar is the distribution reference grammar (docker/distribution reference.go)."""

from __future__ import annotations

import pytest

from wizard import profile as profiles
from wizard import rules
from wizard.containers.reference import parse_reference
from wizard.profile import Profile

GUID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
DIGEST = "sha256:" + "a" * 64


def azure(packaging: str, registry: str) -> Profile:
    p = Profile(name="digits-managed", target="azure")
    p.azure.subscription_id = GUID
    p.cache.sku = "Balanced_B1"
    p.function.packaging = packaging
    p.function.registry = registry
    return p


def local(packaging: str, registry: str) -> Profile:
    p = profiles.default_local()
    p.function.packaging = packaging
    p.function.registry = registry
    return p


def registry_problems(p: Profile) -> list[rules.Problem]:
    return [x for x in rules.check(p) if x.path == "function.registry"]


@pytest.mark.parametrize("ref", [
    "myacr.azurecr.io/app:1.2",
    "myacr.azurecr.io/team/app",
    "myacr.azurecr.cn/app:latest",
    "localhost:5000/app:v1",
    "127.0.0.1:5443/mlfunc-wizard/digits:0123abcd",
    f"myacr.azurecr.io/app@{DIGEST}",
    f"myacr.azurecr.io/app:1.2@{DIGEST}",
    "registry.example.com/a_b/c-d/e__f:Tag_1.0-rc",
])
def test_the_azure_docker_route_accepts_a_full_image_reference(ref):
    assert registry_problems(azure("docker", ref)) == []


@pytest.mark.parametrize("ref", [
    "myacr.azurecr.io/App:1.2",  # repository in upper case
    "myacr.azurecr.io/app:",  # empty tag
    "myacr.azurecr.io/app:-x",  # a tag starts with a word character
    "myacr.azurecr.io/app:" + "x" * 129,  # a tag has at most 128 characters
    "myacr.azurecr.io//app",  # empty path component
    "myacr.azurecr.io/app/",  # trailing slash
    "myacr.azurecr.io/app@sha256:abc",  # digest too short
    "myacr.azurecr.io/-app",  # a path component starts with a letter or digit
    "myacr.azurecr.io/app:1 2",  # spaces
    "team/app:1",  # no registry host: nothing says where to pull from
    "myacr.azurecr.io/" + "a" * 256,  # name over 255 characters
])
def test_the_azure_docker_route_refuses_an_invalid_reference_with_a_sentence(ref):
    found = registry_problems(azure("docker", ref))
    assert len(found) == 1 and found[0].severity == "error", found
    assert "image reference" in found[0].message
    assert "\n" not in found[0].message and found[0].message.endswith(".")


@pytest.mark.parametrize("profile", [
    azure("acr-build", "myacr.azurecr.io/app:1.2"),
    azure("azureml", "myacr.azurecr.io/app:1.2"),
    local("docker", "myacr.azurecr.io/app:1.2"),
    local("local", "localhost:5000/app:v1"),
], ids=["azure-acr-build", "azure-azureml", "local-docker", "local-local"])
def test_other_routes_refuse_a_full_reference_saying_which_route_uses_one(profile):
    found = registry_problems(profile)
    assert len(found) == 1 and found[0].severity == "error", found
    msg = found[0].message
    assert "docker" in msg and "registry name" in msg.lower(), msg
    assert "\n" not in msg


def test_an_acr_name_is_still_checked_as_a_name_on_every_route():
    assert registry_problems(azure("docker", "mlacr01")) == []
    assert registry_problems(azure("acr-build", "mlacr01")) == []
    assert [p.severity for p in registry_problems(azure("docker", "ml-acr-1"))] == ["error"]
    assert [p.severity for p in registry_problems(azure("docker", "acr"))] == ["error"]


def test_parse_reference_splits_domain_path_tag_and_digest():
    ref = parse_reference(f"localhost:5000/team/app:1.2@{DIGEST}")
    assert (ref.domain, ref.path, ref.tag, ref.digest) == ("localhost:5000", "team/app", "1.2", DIGEST)
    assert parse_reference("myacr.azurecr.io/app").tag == ""
    with pytest.raises(ValueError):
        parse_reference("Not A Reference")
