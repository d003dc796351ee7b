// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * h5_weights.c - Keras HDF5 weights through libhdf5: the root (or
 * /model_weights for a full model.save file) lists `layer_names`; each
 * layer group names its datasets in `weight_names` ("q_conv2d/kernel:0"),
 * with /<layer>/<layer>/kernel:0 as the fallback layout.
 */
#include <errno.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

struct imp_h5 {
	hid_t file;
	hid_t root; /* group holding the layer groups */
	char path[1024];
};

static bool has_attr(hid_t obj, const char *name)
{
	return H5Aexists(obj, name) > 0;
}

int imp_h5_open(const char *path, struct imp_h5 **out, char *err, size_t errlen)
{
	struct imp_h5 *h;

	*out = NULL;
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* we report errors ourselves */
	h = calloc(1, sizeof(*h));
	if (!h)
		return hg_fail(err, errlen, -ENOMEM, "out of memory");
	snprintf(h->path, sizeof(h->path), "%s", path);
	h->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (h->file < 0) {
		free(h);
		return hg_fail(err, errlen, -EINVAL, "%s: cannot open as HDF5", path);
	}
	h->root = H5Gopen2(h->file, "/", H5P_DEFAULT);
	if (h->root >= 0 && !has_attr(h->root, "layer_names") &&
	    H5Lexists(h->file, "model_weights", H5P_DEFAULT) > 0) {
		H5Gclose(h->root);
		h->root = H5Gopen2(h->file, "model_weights", H5P_DEFAULT);
	}
	if (h->root < 0 || !has_attr(h->root, "layer_names")) {
		imp_h5_close(h);
		return hg_fail(err, errlen, -EINVAL,
			       "%s: not a Keras weights file (no layer_names attribute)", path);
	}
	*out = h;
	return 0;
}

void imp_h5_close(struct imp_h5 *h)
{
	if (!h)
		return;
	if (h->root >= 0)
		H5Gclose(h->root);
	if (h->file >= 0)
		H5Fclose(h->file);
	free(h);
}

/*
 * Find the dataset path of `var` ("kernel"/"bias") in the layer group from
 * its weight_names attribute (fixed- or variable-length strings).
 */
static int find_weight_name(hid_t grp, const char *var, char *out, size_t len)
{
	hid_t attr, type, space, mem;
	hssize_t n;
	size_t sz;
	int found = -1;

	if (!has_attr(grp, "weight_names"))
		return -1;
	attr = H5Aopen(grp, "weight_names", H5P_DEFAULT);
	type = H5Aget_type(attr);
	space = H5Aget_space(attr);
	n = H5Sget_simple_extent_npoints(space);
	if (H5Tget_class(type) != H5T_STRING || n <= 0 || n > 64)
		goto out;
	if (H5Tis_variable_str(type) > 0) {
		char **v = calloc((size_t)n, sizeof(*v));

		mem = H5Tcopy(H5T_C_S1);
		H5Tset_size(mem, H5T_VARIABLE);
		if (v && H5Aread(attr, mem, v) >= 0) {
			for (hssize_t i = 0; i < n && found < 0; i++) {
				const char *base = v[i] ? strrchr(v[i], '/') : NULL;

				if (base && !strncmp(base + 1, var, strlen(var)) &&
				    base[1 + strlen(var)] == ':') {
					snprintf(out, len, "%s", v[i]);
					found = 0;
				}
			}
			H5Dvlen_reclaim(mem, space, H5P_DEFAULT, v);
		}
		free(v);
		H5Tclose(mem);
	} else {
		sz = H5Tget_size(type);
		char *buf = calloc((size_t)n, sz + 1);

		mem = H5Tcopy(H5T_C_S1);
		H5Tset_size(mem, sz + 1);
		if (buf && H5Aread(attr, mem, buf) >= 0) {
			for (hssize_t i = 0; i < n && found < 0; i++) {
				char *s = buf + i * (sz + 1);
				const char *base = strrchr(s, '/');

				if (base && !strncmp(base + 1, var, strlen(var)) &&
				    base[1 + strlen(var)] == ':') {
					snprintf(out, len, "%s", s);
					found = 0;
				}
			}
		}
		free(buf);
		H5Tclose(mem);
	}
out:
	H5Sclose(space);
	H5Tclose(type);
	H5Aclose(attr);
	return found;
}

int imp_h5_read(struct imp_h5 *h, const char *layer, const char *var, const uint64_t *shape,
		int rank, float **out, char *err, size_t errlen)
{
	char dpath[512], dims_s[96] = "";
	hsize_t dims[8];
	hid_t grp, ds = -1, space;
	uint64_t n = 1;
	int nd, rc = 0;
	bool same = true;
	float *v;

	*out = NULL;
	grp = H5Gopen2(h->root, layer, H5P_DEFAULT);
	if (grp < 0)
		return hg_fail(err, errlen, -ENOENT, "%s: no weights group for layer '%s'", h->path,
			       layer);
	if (find_weight_name(grp, var, dpath, sizeof(dpath)) != 0)
		snprintf(dpath, sizeof(dpath), "%s/%s:0", layer, var);
	if (H5Lexists(grp, dpath, H5P_DEFAULT) > 0)
		ds = H5Dopen2(grp, dpath, H5P_DEFAULT);
	H5Gclose(grp);
	if (ds < 0)
		return hg_fail(err, errlen, -ENOENT, "%s: layer '%s' has no %s dataset (%s)",
			       h->path, layer, var, dpath);
	space = H5Dget_space(ds);
	nd = H5Sget_simple_extent_ndims(space);
	if (nd < 0 || nd > 8) {
		rc = hg_fail(err, errlen, -EINVAL, "%s: layer '%s' %s has rank %d", h->path, layer,
			     var, nd);
		goto out;
	}
	H5Sget_simple_extent_dims(space, dims, NULL);
	for (int i = 0; i < nd; i++) {
		size_t l = strlen(dims_s);

		snprintf(dims_s + l, sizeof(dims_s) - l, "%s%llu", i ? "x" : "",
			 (unsigned long long)dims[i]);
		n *= dims[i];
		same = same && i < rank && dims[i] == shape[i];
	}
	if (!same || nd != rank) {
		char want_s[96] = "";

		for (int i = 0; i < rank; i++) {
			size_t l = strlen(want_s);

			snprintf(want_s + l, sizeof(want_s) - l, "%s%llu", i ? "x" : "",
				 (unsigned long long)shape[i]);
		}
		rc = hg_fail(err, errlen, -EINVAL, "%s: layer '%s' %s is %s, the model needs %s",
			     h->path, layer, var, dims_s, want_s);
		goto out;
	}
	v = malloc(n * sizeof(float) + 1);
	if (!v) {
		rc = hg_fail(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	if (H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
		free(v);
		rc = hg_fail(err, errlen, -EIO, "%s: cannot read layer '%s' %s", h->path, layer,
			     var);
		goto out;
	}
	*out = v;
out:
	H5Sclose(space);
	H5Dclose(ds);
	return rc;
}
