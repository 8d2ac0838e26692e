"""The local Azure Functions host: serves a Python v2-model function app folder over HTTP and blob triggers.

It runs inside the function app's own interpreter, so it imports nothing from `wizard` (an import-linter
contract holds it to that): only the standard library, starlette, uvicorn and azure.functions.
"""
