# check-systemd: qnnd.service + qnnd.socket as packaged, under a real systemd
# (a Debian system booted in QEMU; see tests/system/systemd/run.sh).
check-systemd:
	@$(TEST_ENV) bash tests/system/systemd/run.sh

CHECK_TARGETS += check-systemd
.PHONY: check-systemd
