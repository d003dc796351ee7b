# hlsgen/deploy: `hlsgen deploy` (sources built into libhlsgen.a by
# hlsgen/hlsgen.mk). `make check-deploy` runs hlsgen/deploy/check-deploy.sh:
# the generated overlay against dts/, dtc, fdtoverlay onto Debian's ZCU104
# DTB, dt-validate. The Criterion units are tests/unit/hlsgen/test_deploy_*.c.
check-deploy: $(BIN)/hlsgen
	@bash hlsgen/deploy/check-deploy.sh $(BUILD) $(SHARED)

CHECK_TARGETS += check-deploy
.PHONY: check-deploy
