# Source rules run by `make check`.
CHECKS += scripts/check-file-size.sh
