"""Real containers: Docker engine access, streamed image builds, containers, registry push and the local base image."""
