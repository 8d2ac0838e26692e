"""Issue 12 item 10 on the Review page: the model is loaded and init() run in a worker (in a subprocess, as deploy
does), and a model that does not load blocks Create with a sentence under model.path; a good one does not."""

from __future__ import annotations

import pickle

from tests.gui.conftest import go_to
from wizard.ui.pages.base import PageId
from wizard.ui.workers import wait_for_workers


class _Boom:
    def __reduce__(self):  # unpickling this raises, like a model saved with a library that is not installed
        return (int, ("not a number",))


def _review_with_model(window, qtbot, model_file):
    go_to(window, qtbot, PageId.REVIEW)
    window.model.set("model.source", "file")
    window.model.set("model.path", str(model_file))
    review = window.page_of(PageId.REVIEW)
    review.initializePage()
    return review


def test_a_model_that_does_not_load_blocks_create_with_a_sentence(wizard_window, qtbot, tmp_path):
    model_file = tmp_path / "model.pkl"
    model_file.write_bytes(pickle.dumps(_Boom()))
    review = _review_with_model(wizard_window, qtbot, model_file)
    qtbot.waitUntil(lambda: any(k.startswith("model-check:") for k in wizard_window.model.extra_problems), timeout=90_000)
    errors = [p for p in wizard_window.model.errors() if p.path == "model.path"]
    assert errors and "not a number" in errors[0].message
    assert not review.isComplete()  # Create stays disabled


def test_a_model_that_loads_leaves_create_enabled(wizard_window, qtbot, tmp_path):
    from wizard.appgen.samples import ensure_sample

    sample = ensure_sample("digits")
    review = _review_with_model(wizard_window, qtbot, sample.model_path)
    assert wait_for_workers(90_000)
    qtbot.wait(50)
    assert not [k for k in wizard_window.model.extra_problems if k.startswith("model-check:")]
    assert review.isComplete(), [p.message for p in wizard_window.model.errors()]
