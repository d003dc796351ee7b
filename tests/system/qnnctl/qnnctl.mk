# check-qnnctl: qnnctl against a real qnnd (sw backend) on a private socket.
check-qnnctl: $(BIN)/qnnctl $(BIN)/qnnd $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/qnnctl/qnnctl_test.sh

CHECK_TARGETS += check-qnnctl
.PHONY: check-qnnctl
