"""The Azure ML (SDK v1) packaging route, offline: the environment and inference config it builds, the trigger
options it passes to package(). The package() call itself needs a real workspace's model management service,
which cannot run here (no Azure ML, no emulator for its data plane)."""

from __future__ import annotations

import pytest

from wizard.targets.azure import aml
from wizard.targets.azure.target import AzureTarget
from wizard.targets.base import StepFailed


def test_environment_has_azureml_defaults_and_the_app_requirements(managed_profile):
    env = aml.environment(managed_profile, ["scikit-learn==1.5.2", "redis==8.1.0", "azure-functions==1.26.0", "joblib==1.4.2"])
    pip = list(env.python.conda_dependencies.pip_packages)
    assert pip[0] == "azureml-defaults>=1.0.45"
    assert "scikit-learn==1.5.2" in pip and "redis==8.1.0" in pip and "joblib==1.4.2" in pip
    assert not any(p.startswith("azure-functions") for p in pip)  # the package service brings its own worker
    assert env.name == "mlfunc-amr-app"
    assert "python=3.11" in env.python.conda_dependencies.serialize_to_string()


def test_inference_config_points_at_the_generated_entry_script(managed_profile, tmp_path):
    from wizard.appgen.builder import build_app

    built = build_app(managed_profile, tmp_path / "app")
    config = aml.inference_config(managed_profile, built.path, list(built.requirements))
    assert config.entry_script == "score.py"
    assert config.source_directory == str(built.path)
    assert (built.path / "score.py").is_file()
    assert "azureml-defaults>=1.0.45" in config.environment.python.conda_dependencies.pip_packages


@pytest.mark.parametrize(
    "trigger, expected",
    [
        ({"type": "http", "auth_level": "function"}, ("http", {"auth_level": "function"})),
        ({"type": "blob", "input_path": "in/{name}", "output_path": "out/{name}"}, ("blob", {"input_path": "in/{name}", "output_path": "out/{name}"})),
        ({"type": "service-bus-queue", "input_queue": "q-in", "output_queue": "q-out"},
         ("service_bus_queue", {"input_queue_name": "q-in", "output_queue_name": "q-out"})),
    ],
)
def test_trigger_options(managed_profile, trigger, expected):
    t = managed_profile.function.trigger
    for key, value in trigger.items():
        setattr(t, key, value)
    assert aml.trigger_options(managed_profile) == expected


def test_azureml_route_plans_a_package_step_and_local_packaging_is_refused(credential, managed_profile):
    managed_profile.function.packaging = "azureml"
    steps = {s.name: s for s in AzureTarget(credential=credential).steps(managed_profile)}
    assert "registry" not in steps
    assert type(steps["package"].action).__name__ == "AmlPackageAction"
    managed_profile.function.packaging = "local"
    with pytest.raises(StepFailed, match="acr-build"):
        AzureTarget(credential=credential).steps(managed_profile)
