"""Code that runs inside the generated function app; imports nothing from `wizard`."""
