"""The local target: real redis-server processes and a local functions host on this machine."""
