"""Shared data of the distributed tests: the licences runs are compared under."""

from __future__ import annotations

from parallax_dsl.license.features import ENTERPRISE, features_for
from parallax_dsl.license.model import LicenseInfo

#: Enterprise without an agent limit, and Enterprise features with the Open Source limit of 3 (to compare the
#: limit's warnings and cuts on both backends).
ENTERPRISE_UNLIMITED = LicenseInfo(
    edition="Enterprise", tier=ENTERPRISE, max_agents=None, features=features_for(ENTERPRISE)
)
ENTERPRISE_LIMITED = LicenseInfo(edition="Enterprise", tier=ENTERPRISE, max_agents=3, features=features_for(ENTERPRISE))
