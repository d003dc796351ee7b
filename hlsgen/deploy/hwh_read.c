// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hwh_read.c - Vivado's hardware hand-off (.hwh, XML) through libxml2: what
 * Vivado actually assigned to the design, and whether it has what the
 * driver needs.
 *
 * The format (as Vivado writes it and PYNQ's hwh_parser reads it):
 * EDKSYSTEM/MODULES/MODULE with INSTANCE, FULLNAME, MODTYPE, VLNV; under
 * each, PARAMETERS/PARAMETER (NAME, VALUE) and PORTS/PORT (NAME, DIR,
 * SIGNAME: ports on one net share its SIGNAME; "__NOC__" is no net). The
 * PS module's MEMORYMAP/MEMRANGE (INSTANCE, SLAVEBUSINTERFACE, BASEVALUE,
 * HIGHVALUE) is the address map. Interrupts reach the PS input (pl_ps_irq0)
 * directly or through an xlconcat, whose In<k> is bit sum(IN<j>_WIDTH, j<k)
 * of dout; EMIO GPIO bits reach a pin through an xlslice (DIN_FROM).
 */
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"
#include "hlsgen_error.h"
#include "hlsgen_io.h"

#define HWH_MAX_BYTES (64u << 20)

struct hwh {
	xmlNodePtr *mods;
	size_t n;
	const struct hlsgen_board *b;
	xmlNodePtr ps;
	char *err;
	size_t errlen;
};

static const char *attr(xmlNodePtr n, const char *name)
{
	/* libxml2 keeps attribute values as a child text node. */
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

static const char *attr_or(xmlNodePtr n, const char *name, const char *def)
{
	const char *v = attr(n, name);

	return v ? v : def;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

static const char *param(xmlNodePtr mod, const char *name)
{
	for (xmlNodePtr p = child(child(mod, "PARAMETERS"), "PARAMETER"); p; p = p->next)
		if (p->type == XML_ELEMENT_NODE && !strcmp(attr_or(p, "NAME", ""), name))
			return attr(p, "VALUE");
	return NULL;
}

static long param_long(xmlNodePtr mod, const char *name, long def)
{
	const char *v = param(mod, name);
	char *end;
	long x;

	if (!v)
		return def;
	x = strtol(v, &end, 0);
	return end != v && !*end ? x : def;
}

/* The net of a module's port, or NULL when the port is absent or unwired. */
static const char *port_net(xmlNodePtr mod, const char *port)
{
	for (xmlNodePtr p = child(child(mod, "PORTS"), "PORT"); p; p = p->next) {
		const char *s;

		if (p->type != XML_ELEMENT_NODE || strcmp(attr_or(p, "NAME", ""), port))
			continue;
		s = attr(p, "SIGNAME");
		return s && *s && strcmp(s, "__NOC__") ? s : NULL;
	}
	return NULL;
}

static int has_port(xmlNodePtr mod, const char *port)
{
	for (xmlNodePtr p = child(child(mod, "PORTS"), "PORT"); p; p = p->next)
		if (p->type == XML_ELEMENT_NODE && !strcmp(attr_or(p, "NAME", ""), port))
			return 1;
	return 0;
}

static const char *name_of(xmlNodePtr mod)
{
	return attr_or(mod, "FULLNAME", attr_or(mod, "INSTANCE", "?"));
}

/* Is the module's port on that net (never true for an unwired port)? */
static int on_net(xmlNodePtr mod, const char *port, const char *net)
{
	const char *s = port_net(mod, port);

	return net && s && !strcmp(s, net);
}

/* The only module of a type: NULL (with a message) unless exactly one. */
static xmlNodePtr only(struct hwh *h, const char *what, int (*match)(xmlNodePtr, const void *),
		       const void *arg)
{
	xmlNodePtr found = NULL;
	size_t k = 0;

	for (size_t i = 0; i < h->n; i++)
		if (match(h->mods[i], arg)) {
			found = h->mods[i];
			k++;
		}
	if (k != 1) {
		if (k)
			hg_fail(h->err, h->errlen, -EINVAL,
				"the design has %zu %s cells, hlsgen deploy handles one", k, what);
		else
			hg_fail(h->err, h->errlen, -EINVAL, "the design has no %s cell", what);
		return NULL;
	}
	return found;
}

static int is_modtype(xmlNodePtr m, const void *t)
{
	return !strcmp(attr_or(m, "MODTYPE", ""), (const char *)t);
}

static int is_hls_core(xmlNodePtr m, const void *unused)
{
	return !strncmp(attr_or(m, "VLNV", ""), "xilinx.com:hls:", 15);
}

/*
 * The GIC SPI an interrupt net reaches: the PS input directly (bit 0) or
 * through one xlconcat. -1 with a message otherwise.
 */
static int irq_line(struct hwh *h, xmlNodePtr dma, const char *pin)
{
	const char *net = port_net(dma, pin);
	const struct hlsgen_board *b = h->b;

	if (!net)
		return hg_fail(h->err, h->errlen, -1,
			       "%s/%s is not connected: Linux's xilinx_dma refuses a channel "
			       "without an interrupt (wire it to %s, through an xlconcat if "
			       "there are several)",
			       name_of(dma), pin, b->irq_pin);
	if (on_net(h->ps, b->irq_pin, net))
		return (int)b->irq_spi_base;
	for (size_t i = 0; i < h->n; i++) {
		xmlNodePtr c = h->mods[i];
		long ports = param_long(c, "NUM_PORTS", 2), bit = 0;

		if (!is_modtype(c, "xlconcat"))
			continue;
		for (long k = 0; k < ports; k++) {
			char in[32], w[32];

			snprintf(in, sizeof(in), "In%ld", k);
			snprintf(w, sizeof(w), "IN%ld_WIDTH", k);
			if (on_net(c, in, net)) {
				if (!on_net(h->ps, b->irq_pin, port_net(c, "dout")))
					break;
				if (bit >= (long)b->irq_lines)
					return hg_fail(h->err, h->errlen, -1,
						       "%s/%s is bit %ld of %s, which has %u",
						       name_of(dma), pin, bit, b->irq_pin,
						       b->irq_lines);
				return (int)(b->irq_spi_base + bit);
			}
			bit += param_long(c, w, 1);
		}
	}
	return hg_fail(h->err, h->errlen, -1,
		       "%s/%s (net %s) does not reach the PS's %s (directly or through an "
		       "xlconcat): the driver needs both DMA interrupts at the GIC",
		       name_of(dma), pin, net, b->irq_pin);
}

/* The EMIO GPIO bit on the core's ap_rst_n: direct (bit 0) or an xlslice. */
static int reset_bit(struct hwh *h, xmlNodePtr core)
{
	const char *net = port_net(core, "ap_rst_n");
	const struct hlsgen_board *b = h->b;

	if (!net)
		return hg_fail(h->err, h->errlen, -1,
			       "%s/ap_rst_n is not connected: the core needs a reset the driver "
			       "drives (an EMIO GPIO bit of the PS's %s)",
			       name_of(core), b->gpio_pin);
	if (on_net(h->ps, b->gpio_pin, net))
		return 0;
	for (size_t i = 0; i < h->n; i++) {
		xmlNodePtr s = h->mods[i];
		long from = param_long(s, "DIN_FROM", -1), to = param_long(s, "DIN_TO", -2);

		if (!is_modtype(s, "xlslice") || !on_net(s, "Dout", net) ||
		    !on_net(h->ps, b->gpio_pin, port_net(s, "Din")))
			continue;
		if (from < 0 || from != to)
			return hg_fail(
			    h->err, h->errlen, -1,
			    "%s slices EMIO GPIO bits %ld..%ld onto %s/ap_rst_n: one bit "
			    "expected",
			    name_of(s), to, from, name_of(core));
		return (int)from;
	}
	return hg_fail(h->err, h->errlen, -1,
		       "%s/ap_rst_n (net %s) is not driven by the PS's %s: without a reset "
		       "line the driver cannot recover the core after a partial sample",
		       name_of(core), net, b->gpio_pin);
}

static int dma_window(struct hwh *h, xmlNodePtr dma, struct hlsgen_design *d)
{
	const char *inst = attr_or(dma, "INSTANCE", "");
	xmlNodePtr map = child(h->ps, "MEMORYMAP");

	for (xmlNodePtr r = child(map, "MEMRANGE"); r; r = r->next) {
		unsigned long long lo, hi;
		char *e1, *e2;

		if (r->type != XML_ELEMENT_NODE || strcmp(attr_or(r, "INSTANCE", ""), inst) ||
		    strcmp(attr_or(r, "SLAVEBUSINTERFACE", ""), "S_AXI_LITE"))
			continue;
		lo = strtoull(attr_or(r, "BASEVALUE", ""), &e1, 16);
		hi = strtoull(attr_or(r, "HIGHVALUE", ""), &e2, 16);
		if (*e1 || *e2 || e1 == attr_or(r, "BASEVALUE", "") || hi < lo)
			return hg_fail(h->err, h->errlen, -EINVAL,
				       "the address range of %s/S_AXI_LITE is not BASEVALUE <= "
				       "HIGHVALUE in hex",
				       name_of(dma));
		d->dma_base = lo;
		d->dma_size = hi - lo + 1;
		return 0;
	}
	return hg_fail(h->err, h->errlen, -EINVAL,
		       "%s/S_AXI_LITE has no address in the PS's memory map (assign_bd_address)",
		       name_of(dma));
}

static int dma_params(struct hwh *h, xmlNodePtr dma, struct hlsgen_design *d)
{
	unsigned want_in = d->in_width, want_out = d->out_width;

	if (param_long(dma, "C_INCLUDE_SG", 0) != 0)
		return hg_fail(h->err, h->errlen, -EINVAL,
			       "%s has scatter-gather enabled (C_INCLUDE_SG=1); the overlay "
			       "describes the simple register mode hls4ml's design uses",
			       name_of(dma));
	if (param_long(dma, "C_INCLUDE_MM2S", 1) != 1 || param_long(dma, "C_INCLUDE_S2MM", 1) != 1)
		return hg_fail(h->err, h->errlen, -EINVAL,
			       "%s lacks its MM2S or S2MM channel: the driver needs both",
			       name_of(dma));
	d->in_width = (unsigned)param_long(dma, "C_M_AXIS_MM2S_TDATA_WIDTH", 0);
	d->out_width = (unsigned)param_long(dma, "C_S_AXIS_S2MM_TDATA_WIDTH", 0);
	d->sg_length_width = (unsigned)param_long(dma, "C_SG_LENGTH_WIDTH", 14);
	d->addr_width = (unsigned)param_long(dma, "C_ADDR_WIDTH", 32);
	if (d->in_width != want_in || d->out_width != want_out)
		return hg_fail(h->err, h->errlen, -EINVAL,
			       "%s streams are %u (MM2S) / %u (S2MM) bits wide; the model's %s "
			       "input and %s output need %u / %u",
			       name_of(dma), d->in_width, d->out_width,
			       d->in_t.is_float ? "float32" : "fixed",
			       d->out_t.is_float ? "float32" : "fixed", want_in, want_out);
	return 0;
}

static int clocks(struct hwh *h, xmlNodePtr dma, xmlNodePtr core, struct hlsgen_design *d)
{
	const char *clk = port_net(h->ps, h->b->clk_pin);
	const char *f = param(h->ps, h->b->clk_act_freq);
	static const char *const pins[] = {"s_axi_lite_aclk", "m_axi_mm2s_aclk", "m_axi_s2mm_aclk"};

	for (unsigned i = 0; i < 3; i++)
		if (has_port(dma, pins[i]) && !on_net(dma, pins[i], clk))
			return hg_fail(h->err, h->errlen, -EINVAL,
				       "%s/%s is not on the PS's %s: the overlay names that clock",
				       name_of(dma), pins[i], h->b->clk_pin);
	if (!on_net(core, "ap_clk", clk))
		return hg_fail(h->err, h->errlen, -EINVAL, "%s/ap_clk is not on the PS's %s",
			       name_of(core), h->b->clk_pin);
	if (!f)
		f = param(h->ps, h->b->clk_freq);
	if (!f || strtod(f, NULL) < 0.5)
		return hg_fail(h->err, h->errlen, -EINVAL, "the PS has no %s frequency (%s)",
			       h->b->clk_pin, h->b->clk_act_freq);
	/* 99.999001 MHz is what the PLL makes of 100: the overlay asks for 100. */
	d->clock_mhz = (unsigned)(strtod(f, NULL) + 0.5);
	return 0;
}

static int read_design(struct hwh *h, struct hlsgen_design *d)
{
	xmlNodePtr dma, core;
	const char *mt;
	int irq, bit, rc;

	if (!(h->ps = only(h, h->b->ps_ip, is_modtype, h->b->ps_ip)) ||
	    !(dma = only(h, "axi_dma", is_modtype, "axi_dma")) ||
	    !(core = only(h, "HLS IP (xilinx.com:hls:*)", is_hls_core, NULL)))
		return -EINVAL;
	mt = attr_or(core, "MODTYPE", "");
	if (strlen(mt) < 5 || strcmp(mt + strlen(mt) - 4, "_axi") ||
	    strlen(mt) - 4 >= sizeof(d->project))
		return hg_fail(h->err, h->errlen, -EINVAL,
			       "HLS IP %s is not an hls4ml VivadoAccelerator wrapper <project>_axi",
			       mt);
	snprintf(d->project, sizeof(d->project), "%.*s", (int)(strlen(mt) - 4), mt);
	if ((rc = dma_params(h, dma, d)) || (rc = dma_window(h, dma, d)) ||
	    (rc = clocks(h, dma, core, d)))
		return rc;
	if ((irq = irq_line(h, dma, "mm2s_introut")) < 0)
		return -EINVAL;
	d->irq_mm2s = (unsigned)irq;
	if ((irq = irq_line(h, dma, "s2mm_introut")) < 0)
		return -EINVAL;
	d->irq_s2mm = (unsigned)irq;
	if ((bit = reset_bit(h, core)) < 0)
		return -EINVAL;
	d->reset_emio = (unsigned)bit;
	return hlsgen_design_check(d, h->err, h->errlen);
}

static void collect(xmlNodePtr n, struct hwh *h, size_t *cap)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)c->name, "MODULE")) {
			if (h->n == *cap) {
				xmlNodePtr *m = realloc(h->mods, (*cap * 2 + 16) * sizeof(*m));

				if (!m)
					return;
				h->mods = m;
				*cap = *cap * 2 + 16;
			}
			h->mods[h->n++] = c;
		}
		collect(c->children, h, cap);
	}
}

int hlsgen_hwh_parse(struct hlsgen_design *d, const char *xml, size_t len, char *err, size_t errlen)
{
	struct hwh h = {.b = d->board, .err = err, .errlen = errlen};
	xmlDocPtr doc;
	xmlNodePtr root;
	size_t cap = 0;
	int rc;

	if (len > (size_t)INT32_MAX)
		return hg_fail(err, errlen, -EINVAL, ".hwh too large");
	doc = xmlReadMemory(xml, (int)len, "design.hwh", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return hg_fail(err, errlen, -EINVAL, "not well-formed XML: %s",
			       xmlGetLastError() ? xmlGetLastError()->message : "?");
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "EDKSYSTEM") || !child(root, "MODULES")) {
		xmlFreeDoc(doc);
		return hg_fail(err, errlen, -EINVAL,
			       "not a Vivado hardware hand-off (no EDKSYSTEM/MODULES)");
	}
	collect(child(root, "MODULES")->children, &h, &cap);
	rc = read_design(&h, d);
	free(h.mods);
	xmlFreeDoc(doc);
	return rc;
}

int hlsgen_hwh_read(struct hlsgen_design *d, const char *path, char *err, size_t errlen)
{
	void *buf;
	size_t len;
	int rc = hlsgen_read_file(path, HWH_MAX_BYTES, &buf, &len, err, errlen);

	if (rc)
		return rc;
	rc = hlsgen_hwh_parse(d, buf, len, err, errlen);
	if (rc && err && errlen) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", path, msg);
	}
	free(buf);
	return rc;
}
