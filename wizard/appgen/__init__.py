"""Generation of the function app folder and the local functions host that serves it."""
