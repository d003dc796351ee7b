// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hls4ml_project.c - an hls4ml project directory read back (the parsing;
 * hls4ml_project_merge.c puts it into the model). What hls4ml's writer
 * (writer/vivado_writer.py) leaves there:
 *   hls4ml_config.yml      ProjectName (and the HLSConfig the import uses)
 *   firmware/defines.h     `typedef <type> <name>;` for every type, the
 *                          type inside nnet::array<T, N> under io_stream
 *   firmware/<project>.cpp one call per layer, `nnet::f<in_t, out_t,
 *                          config>(in, out[, w, b]); // <layer name>`
 *   firmware/parameters.h  `// <layer name>` then its config struct(s),
 *                          with `typedef X weight_t;` bias_t, accum_t,
 *                          exp_table_t, inv_table_t, and the softmax
 *                          table_size (0.8) or exp_/inv_table_size (1.x)
 *   firmware/weights/<w>.txt  the values of array <w>, comma-separated, as
 *                          printed into the header the synthesis compiled
 * Type strings go through the importer's parser (imp_type_parse), so the
 * same rules hold as for a config.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "hlsgen_hls4ml_project.h"
#include "hlsgen_io.h"
#include "hlsgen_text.h"
#include "import_internal.h"

#define SRC_MAX (64u << 20)

struct typedefs {
	char (*name)[96];
	char (*type)[160];
	size_t n;
};

static int read_text(const char *dir, const char *rel, char **out, char *err, size_t errlen)
{
	char path[4096];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return hlsgen_read_file(path, SRC_MAX, (void **)out, &len, err, errlen);
}

/* ProjectName from hls4ml_config.yml (a top-level scalar). */
static int project_name(const char *dir, char *out, size_t outlen, char *err, size_t errlen)
{
	char path[4096];
	yaml_parser_t p;
	yaml_event_t ev;
	FILE *f;
	int depth = 0, want = 0, rc = -ENOENT;

	snprintf(path, sizeof(path), "%s/hls4ml_config.yml", dir);
	f = fopen(path, "r");
	if (!f)
		return hg_fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (rc == -ENOENT && yaml_parser_parse(&p, &ev)) {
		int end = ev.type == YAML_STREAM_END_EVENT;

		if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		else if (ev.type == YAML_SCALAR_EVENT && depth == 1) {
			const char *v = (const char *)ev.data.scalar.value;

			if (want) {
				snprintf(out, outlen, "%s", v);
				rc = 0;
			}
			want = !want && !strcmp(v, "ProjectName");
		}
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	fclose(f);
	if (rc)
		return hg_fail(err, errlen, -EINVAL, "%s: no ProjectName", path);
	if (!*out || strpbrk(out, "/."))
		return hg_fail(err, errlen, -EINVAL, "%s: ProjectName '%s' is not a file name",
			       path, out);
	return 0;
}

/* `typedef <type> <name>;` lines; nnet::array<T, N> keeps T. */
static int load_typedefs(const char *text, struct typedefs *td, char *err, size_t errlen)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *e = strchr(l, '\n');
		char line[512], *s, *name, *type;
		size_t n = e ? (size_t)(e - l) : strlen(l);

		if (n >= sizeof(line))
			continue;
		memcpy(line, l, n);
		line[n] = 0;
		s = hg_trim(line);
		if (strncmp(s, "typedef ", 8) || !strchr(s, ';'))
			continue;
		*strchr(s, ';') = 0;
		name = strrchr(s, ' ');
		if (!name)
			continue;
		*name++ = 0;
		type = hg_trim(s + 8);
		if (!strncmp(type, "nnet::array<", 12)) {
			char *c = strrchr(type, ',');

			if (!c)
				continue;
			*c = 0;
			type = hg_trim(type + 12);
		}
		td->name = realloc(td->name, (td->n + 1) * sizeof(*td->name));
		td->type = realloc(td->type, (td->n + 1) * sizeof(*td->type));
		if (!td->name || !td->type)
			return hg_fail(err, errlen, -ENOMEM, "out of memory");
		snprintf(td->name[td->n], sizeof(td->name[0]), "%s", name);
		snprintf(td->type[td->n], sizeof(td->type[0]), "%s", type);
		td->n++;
	}
	return 0;
}

/* A type name through the typedefs (an alias of an alias too) to its type. */
static int resolve(const struct typedefs *td, const char *name, struct qnn_fixed_type *t,
		   const char *layer, char *err, size_t errlen)
{
	char cur[160], msg[256];
	struct imp_type it;

	snprintf(cur, sizeof(cur), "%s", name);
	for (int hops = 0; hops < 8; hops++) {
		size_t i;

		for (i = 0; i < td->n && strcmp(td->name[i], cur); i++)
			;
		if (i == td->n)
			break;
		snprintf(cur, sizeof(cur), "%s", td->type[i]);
	}
	if (imp_type_parse(cur, &it, msg, sizeof(msg)) || it.is_auto)
		return hg_fail(err, errlen, -EINVAL, "layer '%s': type %s (%s) in defines.h: %s",
			       layer, name, cur, it.is_auto ? "auto" : msg);
	*t = it.t;
	return 0;
}

static int grow(struct hg_prj *p, char *err, size_t errlen)
{
	struct hg_prj_layer *l = realloc(p->layers, (p->n_layers + 1) * sizeof(*l));

	if (!l)
		return hg_fail(err, errlen, -ENOMEM, "out of memory");
	p->layers = l;
	memset(&l[p->n_layers], 0, sizeof(*l));
	return 0;
}

static int read_values(const char *dir, const char *array, double **out, size_t *n, char *err,
		       size_t errlen)
{
	char rel[256], *text, *s, *end;
	size_t cap = 0;
	int rc;

	snprintf(rel, sizeof(rel), "firmware/weights/%s.txt", array);
	if ((rc = read_text(dir, rel, &text, err, errlen)))
		return rc;
	*n = 0;
	for (s = text;; s = end + 1) {
		double v;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		v = strtod(s, &end);
		if (end == s) {
			free(text);
			return hg_fail(err, errlen, -EINVAL, "%s: value %zu is not a number", rel,
				       *n + 1);
		}
		if (*n == cap) {
			double *g = realloc(*out, (cap = cap * 2 + 1024) * sizeof(double));

			if (!g) {
				free(text);
				return hg_fail(err, errlen, -ENOMEM, "out of memory");
			}
			*out = g;
		}
		(*out)[(*n)++] = v;
		while (isspace((unsigned char)*end))
			end++;
		if (!*end)
			break;
		if (*end != ',') {
			free(text);
			return hg_fail(err, errlen, -EINVAL, "%s: ',' expected after value %zu",
				       rel, *n);
		}
	}
	free(text);
	return 0;
}

/* `nnet::f<a, b, c>(x, y[, w, b]); // name` -> the layer's call. */
static int parse_call(const char *dir, const char *line, const struct typedefs *td,
		      struct hg_prj *p, char *err, size_t errlen)
{
	char buf[1024], *s, *lt, *gt, *args, *name, *targ[3], *arg[4];
	struct hg_prj_layer *l;
	int nt = 0, na = 0, rc;

	snprintf(buf, sizeof(buf), "%s", line);
	s = strstr(buf, "nnet::");
	name = strstr(buf, "); //");
	if (!s || !name || !(lt = strchr(s, '<')) || !(gt = strchr(lt, '>')) || gt > name)
		return 0; /* not a layer call (a pragma, a trace...) */
	*name = 0;
	name = hg_trim(name + 5);
	*lt = *gt = 0;
	if (!(args = strchr(gt + 1, '(')))
		return 0;
	for (char *sv, *t = strtok_r(lt + 1, ",", &sv); t && nt < 3; t = strtok_r(NULL, ",", &sv))
		targ[nt++] = hg_trim(t);
	for (char *sv, *t = strtok_r(args + 1, ",", &sv); t && na < 4; t = strtok_r(NULL, ",", &sv))
		arg[na++] = hg_trim(t);
	if (nt < 2)
		return 0;
	if ((rc = grow(p, err, errlen)))
		return rc;
	l = &p->layers[p->n_layers++];
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->func, sizeof(l->func), "%s", s + 6);
	if ((rc = resolve(td, targ[1], &l->result_t, l->name, err, errlen)))
		return rc;
	if (na == 4 && (rc = read_values(dir, arg[2], &l->weights, &l->n_weights, err, errlen)))
		return rc;
	if (na == 4 && (rc = read_values(dir, arg[3], &l->bias, &l->n_bias, err, errlen)))
		return rc;
	return 0;
}

static struct hg_prj_layer *by_name(struct hg_prj *p, const char *name)
{
	for (size_t i = 0; i < p->n_layers; i++)
		if (!strcmp(p->layers[i].name, name))
			return &p->layers[i];
	return NULL;
}

/* The typedefs and table size of one `// name` block of parameters.h. */
static int parse_config_line(char *s, struct hg_prj_layer *l, const struct typedefs *td, char *err,
			     size_t errlen)
{
	static const struct {
		const char *field;
		size_t off;
	} fields[] = {
	    {"weight_t", offsetof(struct hg_prj_layer, weight_t)},
	    {"bias_t", offsetof(struct hg_prj_layer, bias_t)},
	    {"accum_t", offsetof(struct hg_prj_layer, accum_t)},
	    {"exp_table_t", offsetof(struct hg_prj_layer, exp_table_t)},
	    {"inv_table_t", offsetof(struct hg_prj_layer, inv_table_t)},
	    {"inp_norm_t", offsetof(struct hg_prj_layer, inp_norm_t)},
	    {"inv_inp_t", offsetof(struct hg_prj_layer, inv_inp_t)},
	};
	char name[160], field[64];

	if (sscanf(s, "static const unsigned table_size = %u;", &l->table_size) == 1 ||
	    sscanf(s, "static const unsigned exp_table_size = %u;", &l->table_size) == 1 ||
	    sscanf(s, "static const unsigned inv_table_size = %u;", &l->inv_table_size) == 1)
		return 0;
	if (sscanf(s, "typedef %159s %63[a-z_];", name, field) != 2)
		return 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct qnn_fixed_type *t = (void *)((char *)l + fields[i].off);

		if (!strcmp(field, fields[i].field) && !t->width)
			return resolve(td, name, t, l->name, err, errlen);
	}
	return 0;
}

static int parse_parameters(char *text, struct hg_prj *p, const struct typedefs *td, char *err,
			    size_t errlen)
{
	struct hg_prj_layer *cur = NULL;
	int rc;

	for (char *sv, *l = strtok_r(text, "\n", &sv); l; l = strtok_r(NULL, "\n", &sv)) {
		char *s = hg_trim(l);

		if (!strncmp(s, "// ", 3) && !strchr(s + 3, ' '))
			cur = by_name(p, s + 3); /* hls4ml writes "// <layer name>" */
		else if (cur && (rc = parse_config_line(s, cur, td, err, errlen)))
			return rc;
	}
	return 0;
}

int hg_prj_load(const char *dir, struct hg_prj *p, char *err, size_t errlen)
{
	struct typedefs td = {0};
	char *defines = NULL, *cpp = NULL, *params = NULL, rel[128];
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = project_name(dir, p->project, sizeof(p->project), err, errlen)))
		return rc;
	snprintf(rel, sizeof(rel), "firmware/%s.cpp", p->project);
	if ((rc = read_text(dir, "firmware/defines.h", &defines, err, errlen)) ||
	    (rc = read_text(dir, rel, &cpp, err, errlen)) ||
	    (rc = read_text(dir, "firmware/parameters.h", &params, err, errlen)) ||
	    (rc = load_typedefs(defines, &td, err, errlen)) ||
	    (rc = resolve(&td, "input_t", &p->input_t, "input", err, errlen)))
		goto out;
	for (char *sv, *l = strtok_r(cpp, "\n", &sv); l && !rc; l = strtok_r(NULL, "\n", &sv))
		rc = parse_call(dir, l, &td, p, err, errlen);
	if (!rc && !p->n_layers)
		rc = hg_fail(err, errlen, -EINVAL, "%s/%s: no layer calls (nnet::...; // name)",
			     dir, rel);
	if (!rc)
		rc = parse_parameters(params, p, &td, err, errlen);
out:
	free(defines);
	free(cpp);
	free(params);
	free(td.name);
	free(td.type);
	if (rc)
		hg_prj_free(p);
	return rc;
}

void hg_prj_free(struct hg_prj *p)
{
	for (size_t i = 0; i < p->n_layers; i++) {
		free(p->layers[i].weights);
		free(p->layers[i].bias);
	}
	free(p->layers);
	memset(p, 0, sizeof(*p));
}
