# packaging: Debian packages (debhelper, DKMS), systemd units, udev.
#   make deb              source + binary packages into build/pkg/ (unsigned)
#   make check-packaging  file lists, unit lint + security exposure, lintian,
#                         DKMS build (part of `make check`)
# The units run under a real systemd in tests/system/systemd (check-systemd).

deb:
	@bash packaging/build-debs.sh --full $(BUILD)/pkg-full

check-packaging:
	@QNN_BUILD=$(BUILD) bash packaging/check-packaging.sh

CHECK_TARGETS += check-packaging
.PHONY: deb check-packaging

-include $(wildcard tests/system/systemd/*.mk)
