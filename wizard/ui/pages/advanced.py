"""Page 4, Advanced: ports, TLS, authentication, and the tier-specific clustering/persistence options."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wizard.ui import help_text
from wizard.ui.pages.base import ProfilePage, hint, radio_group, scrolling, set_enabled_why
from wizard.ui.profile_model import ProfileModel

NOT_PREMIUM = "Only the Premium tier of Azure Cache for Redis has this option (choose it on Basics)."
NOT_MANAGED = "Only Azure Managed Redis has this option."
NO_PERSISTENCE = "Basic and Standard caches keep data in memory only; persistence needs Premium or Azure Managed Redis."


class AdvancedPage(ProfilePage):
    prefixes = ("cache.non_tls_port", "cache.minimum_tls_version", "cache.authentication", "cache.shard_count",
                "cache.replicas_per_primary", "cache.zones", "cache.persistence", "cache.clustering_policy",
                "cache.eviction_policy")

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Advanced"))
        self.setSubTitle(self.tr("Security and data options. Options that do not apply to the chosen tier are disabled."))

        # Security
        self.non_tls = self.bind_check(QCheckBox(self.tr("Enable the n&on-TLS port (6379)")), "cache.non_tls_port")
        self.non_tls.setAccessibleName(self.tr("Non-TLS port"))
        self.non_tls_warning = QLabel(self.tr("Traffic on the non-TLS port, keys included, is not encrypted. Leave it off "
                                      "unless a client cannot use TLS."))
        self.non_tls_warning.setObjectName("problemWarning")
        self.non_tls_warning.setWordWrap(True)
        self.tls_combo = self.bind_combo(QComboBox(), "cache.minimum_tls_version", [("1.2", "1.2")])
        self.tls_combo.setAccessibleName(self.tr("Minimum TLS version"))
        self.tls_combo.setToolTip(self.tr("Azure supports TLS 1.2 and later only."))
        self.entra_radio = QRadioButton(self.tr("Microsoft &Entra authentication"))
        self.keys_radio = QRadioButton(self.tr("Access &keys"))
        self.auth_group = radio_group(self, (self.entra_radio, self.tr("Authentication: Microsoft Entra")),
                                      (self.keys_radio, self.tr("Authentication: access keys")))
        self.bind_radios(self.auth_group, "cache.authentication", {self.entra_radio: "entra", self.keys_radio: "access-keys"})

        security = QGroupBox(self.tr("Security"))
        sf = QFormLayout(security)
        sf.addRow(self.non_tls)
        sf.addRow(self.non_tls_warning)
        sf.addRow(self.tr("Minimum &TLS version:"), self.tls_combo)
        auth_row = QHBoxLayout()
        auth_row.addWidget(self.entra_radio)
        auth_row.addWidget(self.keys_radio)
        auth_row.addStretch(1)
        sf.addRow(self.tr("Authentication:"), auth_row)

        # Premium (Azure Cache for Redis)
        self.cluster_check = QCheckBox(self.tr("&Clustering"))
        self.cluster_check.setAccessibleName(self.tr("Clustering"))
        self.shards_spin = self.bind_spin(QSpinBox(), "cache.shard_count")
        self.shards_spin.setRange(0, 30)
        self.shards_spin.setAccessibleName(self.tr("Shard count"))
        self.replicas_spin = self.bind_spin(QSpinBox(), "cache.replicas_per_primary")
        self.replicas_spin.setRange(0, 3)
        self.replicas_spin.setAccessibleName(self.tr("Replicas per primary"))
        self.zone_checks = [QCheckBox(self.tr("Zone %1").replace("%1", z)) for z in ("1", "2", "3")]
        for box, zone in zip(self.zone_checks, ("1", "2", "3"), strict=True):
            box.setProperty("zone", zone)  # the value; the text is translated
            box.setAccessibleName(box.text())
            box.toggled.connect(self._zones_toggled)
        self.persistence_combo = self.bind_combo(QComboBox(), "cache.persistence.mode",
                                                 [(self.tr("None"), "none"), (self.tr("RDB snapshots"), "rdb"), (self.tr("AOF (append-only file)"), "aof")])
        self.persistence_combo.setAccessibleName(self.tr("Data persistence"))
        self.rdb_combo = self.bind_combo(QComboBox(), "cache.persistence.rdb_frequency_minutes",
                                         [(label, minutes) for label, minutes in
                                          ((self.tr("15 minutes"), 15), (self.tr("30 minutes"), 30), (self.tr("1 hour"), 60), (self.tr("6 hours"), 360),
                                           (self.tr("12 hours"), 720), (self.tr("24 hours"), 1440))])
        self.rdb_combo.setAccessibleName(self.tr("RDB backup frequency"))
        self.premium_box = QGroupBox(self.tr("Premium options (Azure Cache for Redis)"))
        pf = QFormLayout(self.premium_box)
        self.premium_reason = hint(self.tr(NOT_PREMIUM))
        pf.addRow(self.premium_reason)
        shard_row = QHBoxLayout()
        shard_row.addWidget(self.cluster_check)
        shard_row.addWidget(QLabel(self.tr("Shards:")))
        shard_row.addWidget(self.shards_spin)
        shard_row.addStretch(1)
        pf.addRow(shard_row)
        pf.addRow(hint(self.tr(help_text.SHARDS)))
        pf.addRow(self.tr("&Replicas per primary:"), self.replicas_spin)
        pf.addRow(hint(self.tr(help_text.REPLICAS)))
        zones_row = QHBoxLayout()
        for box in self.zone_checks:
            zones_row.addWidget(box)
        zones_row.addStretch(1)
        pf.addRow(self.tr("Availability zones:"), zones_row)
        pf.addRow(hint(self.tr(help_text.ZONES)))
        self.persistence_box = QGroupBox(self.tr("Data persistence (Premium and Azure Managed Redis)"))
        df = QFormLayout(self.persistence_box)
        df.addRow(self.tr("Data &persistence:"), self.persistence_combo)
        df.addRow(hint(self.tr(help_text.PERSISTENCE)))
        df.addRow(self.tr("RDB freq&uency:"), self.rdb_combo)
        df.addRow(hint(self.tr("Persistence writes the cache to a storage account in the same region; on this computer, to the "
                       "cache's folder.")))

        # Managed Redis
        self.policy_combo = self.bind_combo(QComboBox(), "cache.clustering_policy",
                                            [(self.tr("Enterprise (one endpoint, any client)"), "EnterpriseCluster"),
                                             (self.tr("OSS (cluster-aware clients, fastest)"), "OSSCluster")])
        self.policy_combo.setAccessibleName(self.tr("Clustering policy"))
        self.eviction_combo = self.bind_combo(QComboBox(), "cache.eviction_policy",
                                              [(v, v) for v in ("VolatileLRU", "AllKeysLRU", "AllKeysLFU", "VolatileLFU",
                                                                "AllKeysRandom", "VolatileRandom", "VolatileTTL", "NoEviction")])
        self.eviction_combo.setAccessibleName(self.tr("Eviction policy"))
        self.managed_box = QGroupBox(self.tr("Azure Managed Redis options"))
        mf = QFormLayout(self.managed_box)
        self.managed_reason = hint(self.tr(NOT_MANAGED))
        mf.addRow(self.managed_reason)
        mf.addRow(self.tr("C&lustering policy:"), self.policy_combo)
        mf.addRow(self.tr("E&viction policy:"), self.eviction_combo)
        mf.addRow(hint(self.tr("The clustering policy and modules cannot be changed after creation.")))

        layout = QVBoxLayout(self)
        # Scrolls instead of growing the window past 800×600 when every group is shown.
        layout.addWidget(scrolling(security, self.premium_box, self.managed_box, self.persistence_box), 1)
        self.finish_layout(layout)
        self.cluster_check.toggled.connect(self._cluster_toggled)

    def after_load(self) -> None:
        cache = self.model.profile.cache
        self.cluster_check.setChecked(cache.shard_count > 0)
        for box in self.zone_checks:
            box.setChecked(box.property("zone") in cache.zones)

    def update_controls(self) -> None:
        cache = self.model.profile.cache
        managed = cache.service == "managed-redis"
        premium = not managed and cache.sku == "Premium"
        self.non_tls_warning.setVisible(cache.non_tls_port)
        local = self.model.profile.target == "local"
        set_enabled_why(self.entra_radio, not local,
                        self.tr("Microsoft Entra needs Azure; on this computer the cache uses a password (access key)."))
        for w in (self.cluster_check, self.replicas_spin, *self.zone_checks):
            set_enabled_why(w, premium, self.tr(NOT_PREMIUM))
        set_enabled_why(self.persistence_combo, premium or managed, self.tr(NO_PERSISTENCE))
        set_enabled_why(self.shards_spin, premium and cache.shard_count > 0,
                        self.tr(NOT_PREMIUM) if not premium
                        else self.tr("Turn on clustering to choose the number of shards."))
        set_enabled_why(self.rdb_combo, (premium or managed) and cache.persistence.mode == "rdb",
                        self.tr(NO_PERSISTENCE) if not (premium or managed)
                        else self.tr("Choose RDB persistence to set how often snapshots are taken."))
        for w in (self.policy_combo, self.eviction_combo):
            set_enabled_why(w, managed, self.tr(NOT_MANAGED))
        self.premium_box.setToolTip("" if premium else self.tr(NOT_PREMIUM))
        self.premium_reason.setVisible(not premium)
        self.managed_reason.setVisible(not managed)
        self.managed_box.setToolTip("" if managed else self.tr(NOT_MANAGED))

    def _cluster_toggled(self, on: bool) -> None:
        if self._loading:
            return
        current = self.model.profile.cache.shard_count
        self.model.set("cache.shard_count", max(current, 3) if on else 0)
        self._loading = True
        try:
            self.shards_spin.setValue(self.model.profile.cache.shard_count)
        finally:
            self._loading = False
        self.update_controls()

    def _zones_toggled(self, _on: bool) -> None:
        if self._loading:
            return
        self.model.set("cache.zones", [b.property("zone") for b in self.zone_checks if b.isChecked()])
