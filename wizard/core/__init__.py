"""Core contracts shared by every layer of the wizard (errors first; plan, engine, journal and events may move here)."""
