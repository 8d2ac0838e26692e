"""Page 3, Networking: public endpoint, private endpoint, or VNet injection (Premium only)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from wizard.ui.pages.base import ProfilePage, hint, radio_group, set_enabled_why
from wizard.ui.profile_model import ProfileModel


class NetworkingPage(ProfilePage):
    prefixes = ("cache.connectivity", "cache.subnet_id")

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Networking"))
        self.setSubTitle(self.tr("How clients reach the cache."))
        self.public_radio = QRadioButton(self.tr("&Public endpoint (TLS, keys or Entra required)"))
        self.private_radio = QRadioButton(self.tr("P&rivate endpoint (reachable only from your virtual network)"))
        self.vnet_radio = QRadioButton(self.tr("&Virtual network injection (Premium only; Microsoft recommends private endpoints)"))
        self.group = radio_group(self, (self.public_radio, self.tr("Connectivity: public endpoint")),
                                 (self.private_radio, self.tr("Connectivity: private endpoint")),
                                 (self.vnet_radio, self.tr("Connectivity: virtual network")))
        self.bind_radios(self.group, "cache.connectivity",
                         {self.public_radio: "public", self.private_radio: "private-endpoint", self.vnet_radio: "vnet"})
        self.subnet_edit = self.bind_text(QLineEdit(), "cache.subnet_id")
        self.subnet_edit.setAccessibleName(self.tr("Subnet resource ID"))
        self.subnet_edit.setPlaceholderText(self.tr("/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…"))
        self.local_note = hint(self.tr("On this computer the cache listens on 127.0.0.1 only, whatever you choose here; "
                               "the choice matters on Azure."))
        self.vnet_reason = hint("")
        self.vnet_reason.setContentsMargins(24, 0, 0, 0)
        box = QGroupBox(self.tr("Connectivity method"))
        bl = QVBoxLayout(box)
        for b in (self.public_radio, self.private_radio, self.vnet_radio):
            bl.addWidget(b)
        bl.addWidget(self.vnet_reason)
        form = QFormLayout()
        form.addRow(self.tr("&Subnet:"), self.subnet_edit)
        bl.addLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.local_note)
        self.finish_layout(layout)

    def update_controls(self) -> None:
        cache = self.model.profile.cache
        premium = cache.service == "cache-for-redis" and cache.sku == "Premium"
        if cache.service == "managed-redis":
            why = self.tr("Azure Managed Redis has no virtual network injection; use a private endpoint.")
        else:
            why = self.tr("Virtual network injection needs the Premium tier (choose it on Basics).")
        set_enabled_why(self.vnet_radio, premium, why)
        self.vnet_reason.setText(why)
        self.vnet_reason.setVisible(not premium)
        set_enabled_why(self.subnet_edit, cache.connectivity != "public",
                        self.tr("A subnet is needed only for a private endpoint or virtual network injection."))
        self.local_note.setVisible(self.model.profile.target == "local")
