# SPDX-License-Identifier: LGPL-2.1-only
# Source rules run by `make check`.
CHECKS += scripts/check-file-size.sh
CHECKS += scripts/check-spdx.sh
CHECKS += scripts/port-rule.sh
