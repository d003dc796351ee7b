// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Writes the trained weights in Keras' HDF5 layout (model.save_weights()):
 * root attributes layer_names, backend, keras_version; one group per layer
 * with a weight_names attribute; datasets /<layer>/<layer>/kernel:0 and
 * bias:0 in Keras' shapes (conv: kh, kw, cin, cout; dense: n_in, n_out).
 * Kernels are the float weights with the pruning mask applied, as TF-MOT's
 * strip_pruning leaves them; quantizing is the reader's job (QKeras, hls4ml).
 */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../net/tnet.h"

static int attr_vstring(hid_t obj, const char *name, const char *value)
{
	hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), a;
	int rc;

	H5Tset_size(type, H5T_VARIABLE);
	a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
	rc = (a < 0 || H5Awrite(a, type, &value) < 0) ? -1 : 0;
	if (a >= 0)
		H5Aclose(a);
	H5Sclose(space);
	H5Tclose(type);
	return rc;
}

/* A fixed-length string array attribute, as h5py writes numpy 'S' arrays. */
static int attr_strings(hid_t obj, const char *name, const char *const *v, size_t n)
{
	size_t width = 1;
	hsize_t dim = n;
	hid_t type, space, a;
	char *buf;
	int rc;

	if (!n) {
		/* h5py writes an empty list as a float64 array of shape (0,) */
		space = H5Screate_simple(1, &dim, NULL);
		a = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
		rc = a < 0 ? -1 : 0;
		if (a >= 0)
			H5Aclose(a);
		H5Sclose(space);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i]) > width)
			width = strlen(v[i]);
	buf = calloc(n, width);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * width, v[i], strlen(v[i]));
	type = H5Tcopy(H5T_C_S1);
	H5Tset_size(type, width);
	H5Tset_strpad(type, H5T_STR_NULLPAD);
	space = H5Screate_simple(1, &dim, NULL);
	a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
	rc = (a < 0 || H5Awrite(a, type, buf) < 0) ? -1 : 0;
	if (a >= 0)
		H5Aclose(a);
	H5Sclose(space);
	H5Tclose(type);
	free(buf);
	return rc;
}

/* No timestamps in object headers: the same model gives the same bytes. */
static hid_t untimed(hid_t cls)
{
	hid_t p = H5Pcreate(cls);

	H5Pset_obj_track_times(p, 0);
	return p;
}

static int dataset(hid_t grp, const char *name, const float *v, const hsize_t *dims, int rank)
{
	hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = untimed(H5P_DATASET_CREATE);
	hid_t d = H5Dcreate2(grp, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	int rc =
	    (d < 0 || H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) ? -1 : 0;

	if (d >= 0)
		H5Dclose(d);
	H5Pclose(dcpl);
	H5Sclose(space);
	return rc;
}

static int write_layer(hid_t root, const struct tlayer *L)
{
	const char *name = L->s->name;
	char kn[2 * HG_NAME_LEN + 16], bn[2 * HG_NAME_LEN + 16];
	const char *names[2] = {kn, bn};
	hid_t gcpl = untimed(H5P_GROUP_CREATE);
	hid_t g = H5Gcreate2(root, name, H5P_DEFAULT, gcpl, H5P_DEFAULT), inner;
	int rc = 0;

	if (g < 0) {
		H5Pclose(gcpl);
		return -1;
	}
	snprintf(kn, sizeof(kn), "%s/kernel:0", name);
	snprintf(bn, sizeof(bn), "%s/bias:0", name);
	if (!L->nw) {
		rc = attr_strings(g, "weight_names", NULL, 0);
		H5Gclose(g);
		H5Pclose(gcpl);
		return rc;
	}
	rc = attr_strings(g, "weight_names", names, L->nb ? 2 : 1);
	inner = H5Gcreate2(g, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
	H5Pclose(gcpl);
	if (inner < 0 || rc) {
		H5Gclose(g);
		return -1;
	}
	if (L->s->kind == HG_L_CONV2D) {
		hsize_t d[4] = {(hsize_t)L->s->kh, (hsize_t)L->s->kw, (hsize_t)L->in_c,
				(hsize_t)L->out_c};

		rc = dataset(inner, "kernel:0", L->w, d, 4);
	} else {
		hsize_t d[2] = {L->k, (hsize_t)L->out_c};

		rc = dataset(inner, "kernel:0", L->w, d, 2);
	}
	if (!rc && L->nb) {
		hsize_t d = L->nb;

		rc = dataset(inner, "bias:0", L->b, &d, 1);
	}
	H5Gclose(inner);
	H5Gclose(g);
	return rc;
}

int hg_keras_write_h5(struct hg_net *net, const char *path, char *err, size_t errlen)
{
	const char *names[HG_MAX_LAYERS];
	hid_t f, root;
	int rc = 0;

	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	net_apply_masks(net);
	f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	if (f < 0) {
		snprintf(err, errlen, "%s: cannot create HDF5 file", path);
		return -1;
	}
	root = H5Gopen2(f, "/", H5P_DEFAULT);
	for (int l = 0; l < net->n_layers; l++)
		names[l] = net->spec.layers[l].name;
	rc |= attr_vstring(root, "backend", "tensorflow");
	rc |= attr_vstring(root, "keras_version", "2.4.0");
	rc |= attr_strings(root, "layer_names", names, (size_t)net->n_layers);
	for (int l = 0; l < net->n_layers && !rc; l++)
		rc = write_layer(root, &net->L[l]);
	H5Gclose(root);
	if (H5Fclose(f) < 0)
		rc = -1;
	if (rc)
		snprintf(err, errlen, "%s: writing the HDF5 weights failed", path);
	return rc ? -1 : 0;
}
