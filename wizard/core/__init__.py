"""The core: the error root and the lifecycle (every layer uses them), and the plan, engine, journal, events and what-if."""
