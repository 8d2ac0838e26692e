"""Masking: registered secrets and secret-shaped text are masked in scrubbed text and in log records."""

from __future__ import annotations

import io
import logging

from wizard import secrets


def test_mask_keeps_only_the_ends_of_a_long_secret():
    assert secrets.mask("abcdefghijklmnopqrstuvwxyz") == "abcd…wxyz"
    assert secrets.mask("short") == "…"


def test_scrub_masks_registered_secrets_and_known_shapes():
    registry = secrets.SecretRegistry()
    key = "k3y-" + "x" * 40
    registry.add(key)
    text = registry.scrub(f"password is {key}; DefaultEndpointsProtocol=https;AccountName=a;AccountKey=SECRETVALUE123==;x https://h/api/score?code=FUNCKEY123456")
    assert key not in text
    assert "SECRETVALUE123==" not in text and "AccountKey=" in text
    assert "FUNCKEY123456" not in text and "?code=" in text


def test_log_records_from_any_logger_are_scrubbed_once_installed():
    stream = io.StringIO()
    logger = logging.getLogger("test-secrets-scrub")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        key = secrets.registry.add("registered-secret-" + "y" * 30)
        secrets.install_log_scrubbing(logger)
        secrets.install_log_scrubbing(logger)  # idempotent: one filter per handler
        assert sum(isinstance(f, secrets.ScrubbingFilter) for f in handler.filters) == 1
        logger.warning("GET https://acr/upload?sig=%s", key)
        assert key not in stream.getvalue()
        assert secrets.mask(key) in stream.getvalue()
    finally:
        logger.removeHandler(handler)
