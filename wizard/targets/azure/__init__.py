"""The Azure target: real resources through the azure-mgmt SDKs and azure-identity."""
