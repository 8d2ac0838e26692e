"""Page 7, Review + create: the whole profile grouped like the portal's review tab, its problems, Save, Create."""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from wizard import profile as profile_mod
from wizard import rules
from wizard.rules import Problem
from wizard.ui import sku_catalog
from wizard.ui.pages.base import PageId, ProfilePage, credential_of
from wizard.ui.profile_model import ProfileModel, matches
from wizard.ui.translation import fill
from wizard.ui.widgets.error_banner import ErrorBanner
from wizard.ui.wording import field_label, friendly, managed_sku, packaging_words, page_of_field
from wizard.ui.workers import run_in_background

# (group title, page field prefixes) in the order of the pages.
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Start", ("name", "target", "azure", "resource_group")),
    ("Basics", ("cache.service", "cache.name", "cache.sku", "cache.capacity", "cache.redis_version", "cache.high_availability")),
    ("Networking", ("cache.connectivity", "cache.subnet_id")),
    ("Advanced", ("cache.non_tls_port", "cache.minimum_tls_version", "cache.authentication", "cache.shard_count",
                  "cache.replicas_per_primary", "cache.zones", "cache.persistence", "cache.clustering_policy",
                  "cache.eviction_policy")),
    ("Tags", ("tags",)),
    ("Model & function", ("model", "function", "cache_policy")),
]


def _rows(p: profile_mod.Profile) -> dict[str, list[tuple[str, str]]]:
    c, m, f = p.cache, p.model, p.function
    managed = c.service == "managed-redis"
    premium = not managed and c.sku == "Premium"
    if managed:
        size = f"{managed_sku(c.sku)} ({sku_catalog.memory(c.sku)})"
    else:
        code = f"{'P' if premium else 'C'}{c.capacity}"
        size = f"{c.sku} {code} ({sku_catalog.memory(code)})"
    start = [("Deployment name", p.name),
             ("Runs on", "this computer" if p.target == "local" else "Azure"),
             ("Resource group", fill(_t("%1 (new)") if p.resource_group.create else _t("%1 (existing)"),
                                     p.resource_group.name))]
    if p.target == "azure":
        start += [("Subscription", p.azure.subscription_id or "(not chosen)"), ("Region", p.azure.location)]
    # (The classic service's retirement is the warning under this section: said once, one date format.)
    basics = [("Service", "Azure Managed Redis" if managed else "Azure Cache for Redis"),
              ("Cache name", c.name), ("Size", size)]
    if managed:
        basics.append(("High availability", "yes" if c.high_availability else "no"))
    networking = [("Connectivity", {"public": "Public endpoint", "private-endpoint": "Private endpoint",
                                    "vnet": "Virtual network"}.get(c.connectivity, c.connectivity))]
    if c.connectivity != "public":
        networking.append(("Subnet", c.subnet_id or "(none)"))
    advanced = [("Non-TLS port", "enabled" if c.non_tls_port else "disabled"), ("Minimum TLS", c.minimum_tls_version),
                ("Authentication", "Microsoft Entra" if c.authentication == "entra" else "Access keys")]
    if premium:
        advanced += [("Clustering", fill(_t("%1 shards"), c.shard_count) if c.shard_count else "off"),
                     ("Replicas per primary", str(c.replicas_per_primary)),
                     ("Zones", ", ".join(c.zones) or "none"),
                     ("Persistence", fill(_t("%1 every %2 min"), c.persistence.mode,
                                          c.persistence.rdb_frequency_minutes) if c.persistence.mode == "rdb"
                      else c.persistence.mode)]
    if managed:
        advanced += [("Clustering policy", POLICIES.get(c.clustering_policy, c.clustering_policy)),
                     ("Eviction policy", EVICTION.get(c.eviction_policy, c.eviction_policy))]
    tags = [(k, v) for k, v in p.tags.items()] or [("(no tags)", "")]
    if m.source == "sample":
        model_desc = fill(_t("sample '%1'"), m.sample)
    elif m.source == "file":
        model_desc = fill(_t("file %1"), m.path or _t("(none)"))
    else:
        model_desc = f"Azure ML {m.azureml.workspace}/{m.azureml.name}:{m.azureml.version}"
    keys = {"function": _t("function key"), "admin": _t("admin key"), "anonymous": _t("anonymous key")}
    level = f.trigger.auth_level or ""
    trigger = f.trigger.type + (f" ({keys.get(level, level)})"
                                if f.trigger.type == "http" else "")
    model_rows = [("Model", model_desc), ("Entry script", m.entry_script or "generated"),
                  ("Sample input", "set" if m.sample_input is not None else "from the sample model"),
                  ("Trigger", trigger),
                  ("Packaging", packaging_words(p.target).get(f.packaging, f.packaging)), ("Function app", f.app_name),
                  ("Storage account", f.storage_account), ("Plan", f.plan_sku), ("Python", f.python_version),
                  ("Cache TTL", f"{p.cache_policy.ttl_seconds} s"), ("Key prefix", p.cache_policy.key_prefix),
                  ("Cache timeout", f"{p.cache_policy.timeout_ms} ms")]
    return {"Start": start, "Basics": basics, "Networking": networking, "Advanced": advanced, "Tags": tags,
            "Model & function": model_rows}


def _t(text: str) -> str:
    """A summary word in the user's language; names and numbers have no catalogue entry and stay as they are."""
    return QCoreApplication.translate("ReviewSummary", text)


POLICIES = {"EnterpriseCluster": "Enterprise (one endpoint, any client)", "OSSCluster": "OSS (cluster-aware clients)"}
EVICTION = {"VolatileLRU": "Least recently used, keys with a TTL", "AllKeysLRU": "Least recently used, any key",
            "AllKeysLFU": "Least frequently used, any key", "VolatileLFU": "Least frequently used, keys with a TTL",
            "AllKeysRandom": "Random, any key", "VolatileRandom": "Random, keys with a TTL",
            "VolatileTTL": "Shortest TTL first", "NoEviction": "No eviction (writes fail when full)"}
PAGE_OF_GROUP = {"Start": 0, "Basics": 1, "Networking": 2, "Advanced": 3, "Tags": 4, "Model & function": 5}


def group_of(problem: Problem) -> str:
    for title, prefixes in GROUPS:
        if matches(problem.path, prefixes):
            return title
    return "Other"


class ReviewPage(ProfilePage):
    prefixes = ("",)  # every problem counts here

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Review + create"))
        self.setSubTitle(self.tr("Check the settings. Create starts the deployment; errors must be fixed first."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Create"))
        self.summary = QTextBrowser()
        self.summary.setAccessibleName(self.tr("Summary of the deployment"))
        self.summary.setOpenLinks(False)
        self.status = QLabel()
        self.status.setObjectName("bigStatus")
        self.status.setAccessibleName(self.tr("Validation status"))
        self.save_button = QPushButton(self.tr("&Save profile…"))
        self.save_button.setAccessibleName(self.tr("Save profile"))
        self.saved_label = QLabel()
        self.saved_label.setObjectName("hint")
        self.error_banner = ErrorBanner()
        # Estimated monthly cost (Azure Retail Prices API, fetched in a worker and cached a day).
        self.cost_label = QLabel("")
        self.cost_label.setWordWrap(True)
        self.cost_label.setAccessibleName(self.tr("Estimated monthly cost"))
        self.cost_label.setTextFormat(Qt.TextFormat.RichText)
        self.estimate: Any = None
        # What Create would do to each resource (deployment.what_if: acts on nothing), as `plan` prints it.
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setObjectName("responseView")  # monospace, visible focus
        self.preview.setAccessibleName(self.tr("What Create will do"))
        self.preview.setMaximumHeight(170)
        self.whatif: Any = None
        # Tests replace this to answer "replace this resource?" (the narrowest seam).
        self.confirm_replace: Any = self._confirm_replace
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.saved_label)
        row.addWidget(self.save_button)
        from wizard.ui import template_save  # issue 15 item 3: ARM template / az script of an Azure profile

        self.save_template_button = template_save.add_button(self, row)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.error_banner)
        self.save_button.clicked.connect(self._save_dialog)
        self.summary.anchorClicked.connect(lambda url: self.open_link(url.toString()))

    def initializePage(self) -> None:  # noqa: N802
        super().initializePage()
        self.save_template_button.setVisible(self.model.profile.target == "azure")
        self.check_name_collision()
        self.check_model()
        self.refresh_cost()
        self.refresh_preview()

    def refresh_preview(self) -> None:
        profile = copy.deepcopy(self.model.profile)
        credential = credential_of(self)
        self.whatif = None
        self.preview.setPlainText(self.tr("Comparing the profile with what is deployed…"))

        def work() -> Any:
            from wizard import deployment

            return deployment.what_if(profile, credential=credential)

        def show(w: Any) -> None:
            from wizard.core import whatif

            self.whatif = w
            self.preview.setPlainText(whatif.render_text(w))

        run_in_background(work, on_success=show,
                          on_failure=lambda e: self.preview.setPlainText(self.tr("No preview: ") + e.sentence),
                          owner=self, doing="preview what Create will do")

    def _confirm_replace(self, text: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        return QMessageBox.question(self, self.tr("Replace resources?"), text) == QMessageBox.StandardButton.Yes

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name: Create was clicked
        """A replacement is never done without consent: name the setting that forces it and what is lost."""
        w = self.whatif
        replacing = list(getattr(w, "replacements", []) or [])
        deploy: Any = self.wizard().page(int(PageId.DEPLOY)) if self.wizard() is not None else None
        if deploy is not None:
            deploy.allow_replace = False
        if not replacing:
            return True
        lines = []
        for step in replacing:
            # The settings by their labels on the pages, as rule sentences name them (no internal paths).
            forced = friendly(", ".join(step.change.forced_by)) or self.tr("a setting")
            loss = fill(self.tr(" It loses %1."), step.change.data_loss) if step.change.data_loss else ""
            lines.append(fill(self.tr("%1: changing %2 replaces it (delete and create)."), step.title or step.name,
                              forced) + loss)
        if not self.confirm_replace("\n".join(lines) + "\n\n" + self.tr("Replace and continue?")):
            return False
        if deploy is not None:
            deploy.allow_replace = True
        return True

    def refresh_cost(self) -> None:
        profile = copy.deepcopy(self.model.profile)
        if profile.target != "azure":
            self.cost_label.setText("")
            self.cost_label.hide()
            return
        self.cost_label.show()
        self.cost_label.setText(self.tr("Estimating the monthly cost from Azure's list prices…"))

        def work() -> Any:
            from wizard import pricing

            return pricing.estimate(profile)

        run_in_background(work, on_success=self._show_cost,
                          on_failure=lambda e: self.cost_label.setText(
                              fill(self.tr("Cost estimate unavailable: %1"), e.sentence)),
                          owner=self, doing="estimate the monthly cost")

    def _show_cost(self, estimate: Any) -> None:
        self.estimate = estimate
        if not estimate.available:
            self.cost_label.setText(html.escape(fill(self.tr("Cost estimate unavailable: %1"), estimate.reason)))
            return
        rows = "".join(
            f"<tr><td style='padding-right:18px'>{html.escape(line.resource)}</td><td style='padding-right:18px'>"
            f"{html.escape(line.description)}</td><td align='right'>"
            + (f"{line.monthly:,.2f} {html.escape(estimate.currency)}" if line.monthly is not None
               else html.escape(line.note))
            + "</td></tr>" for line in estimate.lines)
        total = fill(self.tr("Estimated monthly cost: %1"), f"{estimate.total:,.2f} {estimate.currency}")
        note = fill(self.tr("(an estimate from Azure's public list prices of %1, before tax and discounts; storage, "
                            "traffic and executions are extra)"), estimate.fetched)
        self.cost_label.setText(f"<b>{html.escape(total)}</b> <span style='color:#555'>{html.escape(note)}</span>"
                                f"<table cellspacing='0' cellpadding='1'>{rows}</table>")

    def check_name_collision(self) -> None:
        """A new deployment must not take the name of a recorded one: Create would resume or replace that record,
        and a record whose resources live elsewhere (another target or group) would be lost with them."""
        name = self.model.profile.name
        w = self.wizard()
        start = w.page(0) if w is not None else None
        reopened = getattr(start, "reopened", None)

        def work() -> Any:
            from wizard import deployment

            return [i for i in deployment.list_deployments() if i.name == name]

        def answer(found: list[Any]) -> None:
            if self.model.profile.name != name:
                return
            problem = None
            if found and reopened != name:
                info = found[0]
                where = self.tr("on this computer") if info.target == "local" else self.tr("on Azure")
                status = start._status_word(info.status) if hasattr(start, "_status_word") else info.status
                problem = Problem("name", "error", fill(self.tr(
                    "A deployment named '%1' already exists (%2, %3, resource group %4). Choose another deployment "
                    "name on Start, or reopen that one from Start to resume or clean it up."),
                    name, status, where, info.resource_group))
            self.model.set_extra_problem("collision:name", problem)

        run_in_background(work, on_success=answer, on_failure=lambda _e: None, owner=self,
                          doing="look for deployments with the same name")

    def check_model(self) -> None:
        """Load the model and run init() as deploy would: in a subprocess (unpickling runs code, so never in the GUI's
        process), in a worker; its problems join the page's and block Create (issue 12 item 10)."""
        from wizard import model_check

        profile = copy.deepcopy(self.model.profile)
        what = (profile.model.source, profile.model.path, profile.model.entry_script)
        for key in [k for k in self.model.extra_problems if k.startswith("model-check:")]:
            self.model.set_extra_problem(key, None)
        if rules.errors(rules.problems_for(self.model.problems(), "model")):
            return  # the rules already say what is wrong with the model fields

        def answer(found: list[Problem]) -> None:
            m = self.model.profile.model
            if (m.source, m.path, m.entry_script) != what:
                return  # edited meanwhile: the next visit checks again
            for i, problem in enumerate(found):
                self.model.set_extra_problem(f"model-check:{i}", problem)

        run_in_background(lambda: model_check.check_model(profile), on_success=answer, on_failure=lambda _e: None,
                          owner=self, doing="load the model and run its init()")

    def problems(self) -> list[Problem]:
        return self.model.problems()

    def isComplete(self) -> bool:  # noqa: N802
        return not self.model.errors()

    def _show_problems(self) -> None:
        self.show_summary()
        self.completeChanged.emit()

    def show_summary(self) -> None:
        problems = self.model.problems()
        by_group: dict[str, list[Problem]] = {}
        for p in problems:
            by_group.setdefault(group_of(p), []).append(p)
        n_err = sum(p.severity == "error" for p in problems)
        n_warn = len(problems) - n_err
        if n_err:
            self.status.setText(self.tr("✗ Validation failed: %1 error(s) to fix, %2 warning(s).").replace("%1", str(n_err)).replace("%2", str(n_warn)))
            self.status.setStyleSheet("color:#a4262c")
        else:
            self.status.setText(self.tr("✓ Validation passed with %1 warning(s).").replace("%1", str(n_warn)) if n_warn
                                else self.tr("✓ Validation passed."))
            self.status.setStyleSheet("color:#107c10")
        parts = []
        rows = _rows(self.model.profile)
        for title, _ in GROUPS + [("Other", ())]:
            group_rows = rows.get(title, [])
            group_problems = by_group.get(title, [])
            if not group_rows and not group_problems:
                continue
            edit = (f" <a href='page:{PAGE_OF_GROUP[title]}' style='font-size:small;font-weight:normal'>{html.escape(self.tr('Edit'))}</a>"
                    if title in PAGE_OF_GROUP else "")
            parts.append(f"<h3 style='margin-bottom:2px'>{html.escape(_t(title))}{edit}</h3>"
                         "<table cellspacing='0' cellpadding='2'>")
            for k, v in group_rows:
                parts.append(f"<tr><td width='190' style='color:#555;padding-right:18px'>{html.escape(_t(k))}</td><td>{html.escape(_t(str(v)))}</td></tr>")
            parts.append("</table>")
            for p in group_problems:
                colour = "#a4262c" if p.severity == "error" else "#7a5a00"
                word = self.tr("Error") if p.severity == "error" else self.tr("Warning")
                place = fill(self.tr("%1 on %2"), _t(field_label(p.path)), _t(page_of_field(p.path) or title))
                where = f" — <a href='field:{html.escape(p.path)}'>{html.escape(place)}</a>" if p.path else ""
                parts.append(f"<p style='color:{colour};margin:2px 0'><b>{word}:</b> "
                             f"{html.escape(friendly(p.message, p.path, self.model.profile.target))}{where}</p>")
        self.summary.setHtml("".join(parts))

    def group_texts(self) -> dict[str, list[str]]:
        """Problems per group, as the page shows them (tests and accessibility)."""
        out: dict[str, list[str]] = {}
        for p in self.model.problems():
            out.setdefault(group_of(p), []).append(friendly(p.message, p.path, self.model.profile.target))
        return out

    def open_link(self, link: str) -> None:
        """`page:N` goes back to page N; `field:path` goes to the field's page and puts the cursor in it."""
        kind, _, value = link.partition(":")
        w = self.wizard()
        if w is None:
            return
        if kind == "page":
            target, path = int(value), ""
        else:
            path = value
            target = PAGE_OF_GROUP.get(page_of_field(path) or group_of(Problem(path, "error", "")), -1)
        if target < 0:
            return
        while w.currentId() != target and w.currentId() > target and w.button(QWizard.WizardButton.BackButton).isEnabled():
            w.back()
        page = w.currentPage()
        if path:
            for widget, bound in getattr(page, "_bound", []):
                if bound == path or path.startswith(bound + "."):
                    widget.setFocus()
                    break

    # --- saving ---------------------------------------------------------------------------
    def _save_dialog(self) -> None:
        start = (self.model.profile.base_dir or Path.home()) / f"{self.model.profile.name}.json"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save profile"), str(start),
                                              self.tr("Profiles (*.json)"))
        if path:
            self.save_profile(Path(path))

    def save_profile(self, path: Path) -> bool:
        try:
            profile_mod.save(self.model.profile, path)
        except OSError as exc:
            self.error_banner.show_error(fill(self.tr("Could not save the profile to %1: %2. Choose a folder you "
                                                      "can write to."), path, exc.strerror or exc))
            return False
        self.error_banner.clear()
        self.model.mark_saved()
        self.saved_label.setText(fill(self.tr("Saved %1"), path.name))
        return True
