# System tests of hlsgen train / sweep / report on real data (the set-up's
# data sets) and the report fixtures.
#   check-train-mnist   short QAT run on real MNIST: >= 90% bit-exact within
#                       its time budget; outputs re-import and re-evaluate to
#                       the same numbers; same seed -> identical files;
#                       fine-tuning from the checkpoint; bad input refused
#   check-train-sweep   the sweep machinery end to end on a tiny grid
#   check-train-report  `hlsgen report` on the fixtures and on a .qnn estimate

check-train-mnist: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/train/train_mnist.sh

check-train-sweep: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/train/sweep_tiny.sh

check-train-report: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/train/report_fixtures.sh

CHECK_TARGETS += check-train-mnist check-train-sweep check-train-report
.PHONY: check-train-mnist check-train-sweep check-train-report
