"""Page 2, Basics: cache service (Managed Redis recommended), name with live checks, tier and size."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wizard.rules import Problem
from wizard.ui import help_text, sku_catalog
from wizard.ui.pages.base import ProfilePage, credential_of, hint, radio_group, select_data, session_of, set_enabled_why
from wizard.ui.profile_model import ProfileModel
from wizard.ui.translation import fill
from wizard.ui.workers import ErrorInfo, run_in_background

# Fields that only Premium has: the portal clears them when you leave Premium.
_PREMIUM_RESETS = {
    "cache.shard_count": 0,
    "cache.replicas_per_primary": 0,
    "cache.zones": [],
    "cache.persistence.mode": "none",
}


class NameAvailability:
    """Checks a name against Azure in the background, 0.6 s after the last keystroke.

    The answer lands in the model as an extra problem (so it blocks Next like a rule error)
    and in `label`; when the check itself fails, the label says so but nothing is blocked.
    """

    def __init__(self, page: ProfilePage, path: str, kind_of: Any, label: QLabel):
        self.page = page
        self.path = path
        self.kind_of = kind_of  # callable -> "cache" | "managed-redis" | "storage" | "function-app"
        self.label = label
        self.timer = QTimer(page)
        self.timer.setSingleShot(True)
        self.timer.setInterval(600)
        self.timer.timeout.connect(self.check_now)
        self._serial = 0
        self.last_result: Any = None

    def schedule(self) -> None:
        self.page.model.set_extra_problem(f"availability:{self.path}", None)
        profile = self.page.model.profile
        credential = credential_of(self.page)
        if profile.target != "azure":
            self.label.setText("")
            return
        if credential is None:
            self.label.setObjectName("hint")
            self.label.setText(self.page.tr("Sign in on the Start page to check that this name is free on Azure."))
            return
        self.label.setText(self.page.tr("Checking the name…"))
        self.timer.start()

    def check_now(self) -> None:
        self._serial += 1
        serial = self._serial
        profile = self.page.model.profile
        name = self.page.model.get(self.path)
        kind = self.kind_of()
        session = session_of(self.page)
        if not name or session is None or session.credential is None:
            return

        def work() -> Any:
            return session.check_name(profile, kind, name)

        run_in_background(work, on_success=lambda r: self._answer(serial, name, r),
                          on_failure=lambda e: self._failed(serial, e), owner=self.page, doing="check the name on Azure")

    def _answer(self, serial: int, name: str, result: Any) -> None:
        if serial != self._serial or self.page.model.get(self.path) != name:
            return  # the user typed on; a newer check is coming
        self.last_result = result
        if result.available:
            self.label.setText(fill(self.page.tr("✓ '%1' is available."), name))
            self.page.model.set_extra_problem(f"availability:{self.path}", None)
        else:
            message = result.message or fill(self.page.tr("'%1' is already taken on Azure; choose another name."),
                                              name)
            self.label.setText(message)
            self.page.model.set_extra_problem(f"availability:{self.path}", Problem(self.path, "error", message))

    def _failed(self, serial: int, error: ErrorInfo) -> None:
        if serial == self._serial:
            self.label.setText(fill(self.page.tr("Could not check the name on Azure (%1) It will be checked again "
                                                 "when you create."), error.sentence))
            self.label.setToolTip(error.detail)


class BasicsPage(ProfilePage):
    prefixes = ("cache.service", "cache.name", "cache.sku", "cache.capacity", "cache.redis_version",
                "cache.high_availability")

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Basics"))
        self.setSubTitle(self.tr("Choose the Redis service, name the cache and pick its size."))

        self.managed_radio = QRadioButton(self.tr("Azure &Managed Redis (recommended)"))
        self.classic_radio = QRadioButton(self.tr("Azure &Cache for Redis (Basic, Standard, Premium)"))
        self.service_group = radio_group(self, (self.managed_radio, self.tr("Service: Azure Managed Redis")),
                                         (self.classic_radio, self.tr("Service: Azure Cache for Redis")))
        self.bind_radios(self.service_group, "cache.service",
                         {self.managed_radio: "managed-redis", self.classic_radio: "cache-for-redis"})
        self.retirement = QLabel(
            self.tr("Azure Cache for Redis (Basic, Standard and Premium) retires on %1; new subscriptions may already "
                    "be refused. Azure Managed Redis is its successor and is recommended.")
            .replace("%1", sku_catalog.CLASSIC_RETIREMENT)
        )
        self.retirement.setObjectName("retirement")
        self.retirement.setWordWrap(True)

        self.name_edit = self.bind_text(QLineEdit(), "cache.name")
        self.name_edit.setAccessibleName(self.tr("Cache name"))
        self.name_status = QLabel()
        self.name_status.setWordWrap(True)
        self.name_status.setAccessibleName(self.tr("Name availability"))
        self.availability = NameAvailability(self, "cache.name", self._name_kind, self.name_status)
        self.name_edit.textEdited.connect(lambda _t: self.availability.schedule())

        self.tier_combo = QComboBox()
        self.tier_combo.setAccessibleName(self.tr("Tier"))
        self.size_combo = QComboBox()
        self.size_combo.setAccessibleName(self.tr("Size"))
        self.tier_help = hint("")
        self.tier_help.setAccessibleName(self.tr("About the chosen tier"))
        self.size_help = hint(self.tr(help_text.SIZE))
        self.ha_help = hint(self.tr(help_text.HIGH_AVAILABILITY))
        self.memory_label = QLabel()
        self.memory_label.setAccessibleName(self.tr("Memory of the chosen size"))
        self.ha_check = self.bind_check(QCheckBox(self.tr("&High availability (a replica in another zone)")), "cache.high_availability")
        self.ha_check.setAccessibleName(self.tr("High availability"))
        self.local_note = hint(
            self.tr("On this computer the cache is a real redis-server with the same settings (TLS, clustering, "
            "persistence); the size is not enforced.")
        )

        service_box = QGroupBox(self.tr("Service"))
        sl = QVBoxLayout(service_box)
        sl.addWidget(self.managed_radio)
        sl.addWidget(self.classic_radio)
        sl.addWidget(self.retirement)
        details = QGroupBox(self.tr("Instance details"))
        form = QFormLayout(details)
        form.addRow(self.tr("Cache n&ame:"), self.name_edit)
        form.addRow("", self.name_status)
        form.addRow(self.tr("&Tier:"), self.tier_combo)
        form.addRow("", self.tier_help)
        form.addRow(self.tr("Si&ze:"), self.size_combo)
        form.addRow("", self.size_help)
        form.addRow(self.tr("Memory:"), self.memory_label)
        form.addRow("", self.ha_check)
        form.addRow("", self.ha_help)

        layout = QVBoxLayout(self)
        layout.addWidget(service_box)
        layout.addWidget(details)
        layout.addWidget(self.local_note)
        self.finish_layout(layout)

        self.tier_combo.currentIndexChanged.connect(self._tier_chosen)
        self.size_combo.currentIndexChanged.connect(self._size_chosen)
        self.service_group.buttonToggled.connect(self._service_toggled)

    def shown_elsewhere(self, problem: Any) -> bool:
        # The retirement notice under the service choice says it once, in one date format.
        return problem.path == "cache.service" and problem.severity == "warning"  # the only one: retirement

    def _name_kind(self) -> str:
        return "managed-redis" if self.model.profile.cache.service == "managed-redis" else "cache"

    # --- loading --------------------------------------------------------------------------
    def after_load(self) -> None:
        self._fill_tiers()
        self._fill_sizes()

    def initializePage(self) -> None:  # noqa: N802
        super().initializePage()
        self.availability.schedule()

    def _fill_tiers(self) -> None:
        cache = self.model.profile.cache
        self.tier_combo.blockSignals(True)
        self.tier_combo.clear()
        if cache.service == "managed-redis":
            for value, label in sku_catalog.MANAGED_TIERS:
                self.tier_combo.addItem(self.tr(label), value)
            select_data(self.tier_combo, sku_catalog.managed_tier(cache.sku))
        else:
            for tier in sku_catalog.CLASSIC_TIERS:
                self.tier_combo.addItem(tier, tier)
            select_data(self.tier_combo, cache.sku)
        self.tier_combo.blockSignals(False)

    def _fill_sizes(self) -> None:
        cache = self.model.profile.cache
        self.size_combo.blockSignals(True)
        self.size_combo.clear()
        if cache.service == "managed-redis":
            sizes = sku_catalog.managed_sizes(sku_catalog.managed_tier(cache.sku))
            current: Any = cache.sku
        else:
            sizes = sku_catalog.classic_sizes(cache.sku)
            current = cache.capacity
        for size in sizes:
            self.size_combo.addItem(sku_catalog.size_label(size), size.value)
        select_data(self.size_combo, current)
        self.size_combo.blockSignals(False)
        self._show_memory()

    def _show_memory(self) -> None:
        cache = self.model.profile.cache
        code = cache.sku if cache.service == "managed-redis" else f"{'P' if cache.sku == 'Premium' else 'C'}{cache.capacity}"
        self.memory_label.setText(sku_catalog.memory(code))

    def update_controls(self) -> None:
        cache = self.model.profile.cache
        managed = cache.service == "managed-redis"
        self.retirement.setVisible(not managed)
        set_enabled_why(self.ha_check, managed,
                        self.tr("Azure Cache for Redis sets replication by tier (Standard and Premium have a replica); "
                                "this switch is for Azure Managed Redis."))
        if not managed:
            # The classic tiers decide it: Basic has no replica, Standard and Premium have one. Show that, and do
            # not write it into the profile (the switch belongs to Azure Managed Redis).
            self.ha_check.blockSignals(True)
            self.ha_check.setChecked(cache.sku != "Basic")
            self.ha_check.blockSignals(False)
        elif not self._loading:
            self.ha_check.blockSignals(True)
            self.ha_check.setChecked(bool(cache.high_availability))
            self.ha_check.blockSignals(False)
        self.local_note.setVisible(self.model.profile.target == "local")
        tier = sku_catalog.managed_tier(cache.sku) if managed else cache.sku
        self.tier_help.setText(self.tr(help_text.tier(tier)) if help_text.tier(tier) else "")
        self.ha_help.setVisible(managed)

    # --- edits ----------------------------------------------------------------------------
    def _service_toggled(self, _button: Any, on: bool) -> None:
        if not on or self._loading:
            return
        # The portal starts each service from its own default size (bind_radios has set the service).
        if self.model.profile.cache.service == "managed-redis":
            self.model.set_many({"cache.sku": "Balanced_B0", "cache.capacity": 0, **_PREMIUM_RESETS,
                                 "cache.connectivity": "public" if self.model.profile.cache.connectivity == "vnet"
                                 else self.model.profile.cache.connectivity})
        else:
            self.model.set_many({"cache.sku": "Standard", "cache.capacity": 1})
        self.load()
        self.availability.schedule()

    def _tier_chosen(self, index: int) -> None:
        if self._loading or index < 0:
            return
        tier = self.tier_combo.itemData(index)
        cache = self.model.profile.cache
        if cache.service == "managed-redis":
            sizes = sku_catalog.managed_sizes(tier)
            self.model.set("cache.sku", sizes[0].value if sizes else f"{tier}_B0")
        else:
            changes: dict[str, Any] = {"cache.sku": tier}
            if tier == "Premium":
                changes["cache.capacity"] = max(1, min(cache.capacity, 5))
            else:
                changes["cache.capacity"] = min(cache.capacity, 6)
                if cache.sku == "Premium":
                    changes.update(_PREMIUM_RESETS)
                    if cache.connectivity == "vnet":
                        changes["cache.connectivity"] = "public"
            self.model.set_many(changes)
        self._loading = True
        try:
            self._fill_sizes()
        finally:
            self._loading = False

    def _size_chosen(self, index: int) -> None:
        if self._loading or index < 0:
            return
        value = self.size_combo.itemData(index)
        if self.model.profile.cache.service == "managed-redis":
            self.model.set("cache.sku", value)
        else:
            self.model.set("cache.capacity", int(value))
        self._show_memory()

    # helpers for tests and keyboard users
    def choose_tier(self, tier: str) -> None:
        index = self.tier_combo.findData(tier)
        self.tier_combo.setCurrentIndex(index)
