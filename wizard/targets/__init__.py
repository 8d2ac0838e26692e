"""Deployment targets: where the plan's steps create real resources (local machine or Azure)."""
