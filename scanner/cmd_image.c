/* SPDX-License-Identifier: MIT */
/*
 * cmd_image.c - `hush image IMAGE`: find the images (image.c), scan each
 * config's Env, Labels and history, stream every layer (src_image.c) on a
 * few reader threads that hand each file to the scan workers, then name
 * each finding's layer and say whether its file is still in the final
 * filesystem (image_fs.c). See DESIGN.md 1.6 and
 * spec/build-context-and-images.md 2 to 4.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "cli.h"
#include "digest.h"
#include "dockerfile.h"
#include "engine.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "image.h"
#include "image_fs.h"
#include "json.h"
#include "report.h"
#include "scan.h"
#include "src_image.h"

#define CHECK_SECRET_NAME "dockerfile.secret_arg_env"
#define NO_LAYER SIZE_MAX

/* What a submitted buffer's display name stands for. */
struct place {
	char *display;       /* the key */
	char *path;          /* "/etc/app.env" or "config.Env[0]" */
	size_t image;
	size_t layer;        /* 0-based, NO_LAYER for a config value */
	size_t history_layer;/* a history entry's layer, or NO_LAYER */
	size_t base_line;    /* newlines before this piece */
	size_t col_adj;      /* bytes of the piece's first line before it */
	bool is_config;
	bool is_attest;      /* an attestation's layer */
};

/* One image while it is scanned. */
struct img {
	struct image_one *im;
	char **created_by;    /* per layer (owned), NULL where unknown */
	char **diff_ids;      /* per layer (owned), NULL where unknown */
	struct image_fs *fs;
	char *label;          /* " of NAME" in display names, or "" (owned) */
	size_t order_base;
};

struct job {
	size_t image, layer;
};

struct run {
	const struct cli_config *c;
	struct rules *rules;
	struct scan *scan;
	struct img *imgs;
	size_t nimgs;
	bool several;         /* more than one image: findings name it */
	struct job *jobs;
	size_t njobs;
	atomic_size_t next_job;
	size_t overlap;       /* bytes pieces of one file share */
	struct findings checks;
	atomic_ullong image_total;
	atomic_bool cancel;
	pthread_mutex_t lock; /* places, submitting, the first error */
	struct place **table; /* open addressing on display */
	size_t tlen, talloc;
	int error;
	char errmsg[1024];
};

/* ---- places: display name -> what it stands for ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int table_grow(struct run *r)
{
	size_t na = r->talloc ? r->talloc * 2 : 1024, i;
	struct place **t = calloc(na, sizeof(*t));

	if (!t)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < r->talloc; i++) {
		size_t k;

		if (!r->table[i])
			continue;
		for (k = hash_str(r->table[i]->display) & (na - 1); t[k];
		     k = (k + 1) & (na - 1))
			;
		t[k] = r->table[i];
	}
	free(r->table);
	r->table = t;
	r->talloc = na;
	return 0;
}

static struct place *place_find(const struct run *r, const char *display)
{
	size_t k;

	if (!r->talloc)
		return NULL;
	for (k = hash_str(display) & (r->talloc - 1); r->table[k];
	     k = (k + 1) & (r->talloc - 1))
		if (!strcmp(r->table[k]->display, display))
			return r->table[k];
	return NULL;
}

static void place_free(struct place *p)
{
	if (!p)
		return;
	free(p->display);
	free(p->path);
	free(p);
}

/* Register p (moved in) under r->lock; an equal display keeps the first. */
static int place_add(struct run *r, struct place *p)
{
	size_t k;
	int error;

	if (place_find(r, p->display)) {
		place_free(p);
		return 0;
	}
	if ((r->tlen + 1) * 2 > r->talloc && (error = table_grow(r)) < 0) {
		place_free(p);
		return error;
	}
	for (k = hash_str(p->display) & (r->talloc - 1); r->table[k];
	     k = (k + 1) & (r->talloc - 1))
		;
	r->table[k] = p;
	r->tlen++;
	return 0;
}

static struct place *place_new(const char *display, const char *path,
	size_t image, size_t layer)
{
	struct place *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->display = strdup(display);
	p->path = strdup(path);
	p->image = image;
	p->layer = layer;
	p->history_layer = NO_LAYER;
	if (!p->display || !p->path) {
		place_free(p);
		return NULL;
	}
	return p;
}

/* Keep the first error of any thread, and stop the others. */
static void run_fail(struct run *r, int error)
{
	pthread_mutex_lock(&r->lock);
	if (r->error == 0) {
		r->error = error;
		if (snprintf(r->errmsg, sizeof(r->errmsg), "%s", hush_err_msg()) < 0)
			r->errmsg[0] = '\0';
	}
	pthread_mutex_unlock(&r->lock);
	atomic_store(&r->cancel, true);
}

/* Register the place and queue data (owned) for the workers. */
static int submit(struct run *r, struct place *p, unsigned char *data,
	size_t len)
{
	char *display = NULL;
	int error;

	pthread_mutex_lock(&r->lock);
	if ((display = strdup(p->display)) == NULL) {
		place_free(p);
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
	} else {
		error = place_add(r, p);
	}
	if (error == 0) {
		scan_wait_buffered(r->scan, len < HUSH_IMAGE_INFLIGHT ?
			HUSH_IMAGE_INFLIGHT - len : 0);
		error = scan_submit_buffer(r->scan, data, len, display);
		data = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	free(data);
	free(display);
	return error;
}

/* ---- layers ---- */

struct layer_ctx {
	struct run *r;
	size_t image, layer;
	struct hush_buf target;
	struct hush_buf display;
	struct hush_buf path;
};

/* Read one file of a layer and queue it, in pieces past HUSH_IMAGE_PIECE. */
static int queue_file(struct layer_ctx *x, struct src_image_layer *l,
	const struct src_image_entry *e)
{
	struct run *r = x->r;
	struct img *im = &r->imgs[x->image];
	uint64_t start = 0;         /* offset of the piece's first byte */
	size_t base_line = 0, line_start = 0;
	unsigned char *carry = NULL;
	size_t ncarry = 0;
	int error = 0;

	for (;;) {
		size_t cap = HUSH_IMAGE_PIECE, len = ncarry, i;
		unsigned char *buf = malloc(cap);
		struct place *p;
		ssize_t n = 1;

		if (!buf) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			break;
		}
		if (ncarry)
			memcpy(buf, carry, ncarry);
		while (len < cap && (n = src_image_read(l, buf + len, cap - len)) > 0)
			len += (size_t)n;
		if (n < 0) {
			free(buf);
			error = (int)n;
			break;
		}
		if (len == ncarry && start != 0) {
			free(buf); /* the last piece ended exactly at the end */
			break;
		}
		hush_buf_clear(&x->display);
		if ((error = hush_buf_printf(&x->display, "/%s (layer %zu%s", e->path,
			     x->layer + 1, im->label)) < 0 ||
		    (start && (error = hush_buf_printf(&x->display, ", from byte "
			     "%llu", (unsigned long long)start)) < 0) ||
		    (error = hush_buf_putc(&x->display, ')')) < 0 ||
		    (error = hush_buf_printf(&x->path, "%s/%s", "", e->path)) < 0) {
			free(buf);
			break;
		}
		if ((p = place_new(x->display.ptr, x->path.ptr, x->image,
			     x->layer)) == NULL) {
			free(buf);
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			break;
		}
		hush_buf_clear(&x->path);
		p->base_line = base_line;
		p->col_adj = (size_t)start - line_start;
		/* the next piece starts overlap bytes before this one's end */
		if (len == cap) {
			size_t next = len - r->overlap;

			for (i = 0; i < next; i++)
				if (buf[i] == '\n') {
					base_line++;
					line_start = (size_t)start + i + 1;
				}
			free(carry);
			if ((carry = malloc(r->overlap)) == NULL) {
				place_free(p);
				free(buf);
				error = hush_err_set(HUSH_ENOMEM, "out of memory");
				break;
			}
			memcpy(carry, buf + next, r->overlap);
			ncarry = r->overlap;
			start += next;
		}
		if ((error = submit(r, p, buf, len)) < 0 || len < cap)
			break;
	}
	free(carry);
	hush_buf_clear(&x->path);
	return error;
}

static int on_entry(struct src_image_layer *l, const struct src_image_entry *e,
	void *payload)
{
	struct layer_ctx *x = payload;
	struct img *im = &x->r->imgs[x->image];
	int m, error;

	if (atomic_load(&x->r->cancel))
		return HUSH_ERROR;
	if ((m = image_fs_marker(e->path, &x->target)) < 0) {
		char msg[512];

		if (snprintf(msg, sizeof(msg), "%s", hush_err_msg()) < 0)
			msg[0] = '\0';
		return hush_err_set(m, "%s: layer %zu%s: %s", x->r->c->paths.v[0],
			x->layer + 1, im->label, msg);
	}
	switch (m) {
	case IMAGE_FS_WH:
		return image_fs_add(im->fs, x->layer, x->target.ptr,
			IMAGE_FS_WHITEOUT);
	case IMAGE_FS_OPQ:
		return image_fs_add(im->fs, x->layer,
			x->target.ptr ? x->target.ptr : "", IMAGE_FS_OPAQUE);
	case IMAGE_FS_META:
		return 0;
	default:
		break;
	}
	if ((error = image_fs_add(im->fs, x->layer, e->path,
		     e->type == SRC_IMAGE_DIR ? IMAGE_FS_DIR : IMAGE_FS_NONDIR)) < 0)
		return error;
	if (e->type != SRC_IMAGE_FILE || e->size == 0)
		return 0;
	return queue_file(x, l, e);
}

static void *reader_main(void *arg)
{
	struct run *r = arg;
	struct src_image_limits lim;
	size_t j;

	lim.max_layer = r->c->max_layer;
	lim.max_image = r->c->max_image;
	lim.image_total = &r->image_total;
	lim.cancel = &r->cancel;
	while ((j = atomic_fetch_add(&r->next_job, 1)) < r->njobs) {
		struct layer_ctx x;
		struct img *im = &r->imgs[r->jobs[j].image];
		const struct image_layer *ly = &im->im->layers[r->jobs[j].layer];
		const char *digest = ly->digest, *detected;
		char what[512];
		int error;

		if (atomic_load(&r->cancel))
			break;
		memset(&x, 0, sizeof(x));
		x.r = r;
		x.image = r->jobs[j].image;
		x.layer = r->jobs[j].layer;
		hush_buf_init(&x.target, HUSH_MAX_PATH);
		hush_buf_init(&x.display, 2 * HUSH_MAX_PATH);
		hush_buf_init(&x.path, HUSH_MAX_PATH + 2);
		/* a docker archive names no layer digest: the diff_id is the tar's */
		if (!digest[0] && im->diff_ids[x.layer])
			digest = im->diff_ids[x.layer];
		if (snprintf(what, sizeof(what), "%s: layer %zu%s (%s)",
			    r->c->paths.v[0], x.layer + 1, im->label,
			    digest[0] ? digest : ly->blob.name) < 0)
			what[0] = '\0';
		error = src_image_walk(&ly->blob, digest, ly->media_type, what,
			&lim, on_entry, &x, &detected);
		if (error == 0)
			hush_log_debug("%s: %s, done", what, detected);
		hush_buf_dispose(&x.target);
		hush_buf_dispose(&x.display);
		hush_buf_dispose(&x.path);
		if (error < 0 && !atomic_load(&r->cancel))
			run_fail(r, error);
		else if (error < 0)
			break;
	}
	return NULL;
}

static int read_layers(struct run *r)
{
	pthread_t th[HUSH_IMAGE_READERS];
	unsigned n = r->c->jobs, i, started = 0;
	int error = 0;

	if (n > HUSH_IMAGE_READERS)
		n = HUSH_IMAGE_READERS;
	if (n > r->njobs)
		n = (unsigned)r->njobs;
	for (i = 0; i < n; i++) {
		if (pthread_create(&th[i], NULL, reader_main, r) != 0) {
			error = hush_err_set(HUSH_ERROR, "cannot start a reader thread");
			run_fail(r, error);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (r->error) {
		error = hush_err_set(r->error, "%s", r->errmsg);
	}
	return error;
}

/* ---- the config ---- */

static int check_finding(struct run *r, size_t image, const char *subject,
	const char *path, const char *message, size_t history_layer)
{
	const struct rule *rule = rules_find(r->rules, CHECK_SECRET_NAME);
	struct finding f;
	unsigned char sum[DIGEST_SHA256_LEN];
	const void *parts[2];
	size_t lens[2];
	struct place *p;
	int error;

	struct hush_buf d = HUSH_BUF_INIT(2 * HUSH_MAX_PATH);

	HUSH_ASSERT(rule != NULL);
	memset(&f, 0, sizeof(f));
	if ((error = hush_buf_printf(&d, "%s%s", path, r->imgs[image].label)) < 0)
		return error;
	f.rule = rule;
	f.line = 1;
	f.column = 1;
	parts[0] = rule->id;
	lens[0] = strlen(rule->id) + 1;
	parts[1] = subject;
	lens[1] = strlen(subject);
	digest_sha256(sum, parts, lens, 2);
	digest_hex(f.fingerprint, sum, sizeof(sum));
	f.path = hush_buf_detach(&d);
	f.message = strdup(message);
	f.before = strdup("");
	f.after = strdup("");
	if (!f.path || !f.message || !f.before || !f.after) {
		finding_dispose(&f);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	/* named like a scanned value, so the places pass rewrites it too */
	if ((p = place_new(f.path, path, image, NO_LAYER)) == NULL) {
		finding_dispose(&f);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	p->is_config = true;
	p->history_layer = history_layer;
	pthread_mutex_lock(&r->lock);
	error = place_add(r, p);
	pthread_mutex_unlock(&r->lock);
	if (error < 0) {
		finding_dispose(&f);
		return error;
	}
	return findings_push(&r->checks, &f);
}

static int scan_value(struct run *r, size_t image, const char *path,
	const char *text, size_t len, size_t history_layer)
{
	struct hush_buf d = HUSH_BUF_INIT(2 * HUSH_MAX_PATH);
	struct place *p = NULL;
	unsigned char *copy = malloc(len ? len : 1);

	if (hush_buf_printf(&d, "%s%s", path, r->imgs[image].label) == 0)
		p = place_new(d.ptr, path, image, NO_LAYER);
	hush_buf_dispose(&d);
	if (!p || !copy) {
		place_free(p);
		free(copy);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	memcpy(copy, text, len);
	p->is_config = true;
	p->history_layer = history_layer;
	p->is_attest = !strncmp(path, "attestation", 11);
	return submit(r, p, copy, len);
}

/* The build args of "RUN |N K=V ... cmd" (BuildKit) or "|N K=V ... cmd". */
static int check_build_args(struct run *r, size_t image, const char *cb,
	const char *display, size_t layer)
{
	struct hush_buf name = HUSH_BUF_INIT(256), msg = HUSH_BUF_INIT(1024);
	const char *p = cb;
	unsigned long n = 0, i;
	char *end = NULL;
	int error = 0;

	if (!strncmp(p, "RUN ", 4))
		p += 4;
	if (*p != '|')
		return 0;
	n = strtoul(p + 1, &end, 10);
	if (end == p + 1 || *end != ' ' || n > 1000)
		return 0;
	p = end + 1;
	for (i = 0; i < n && error == 0; i++) {
		const char *eq = strchr(p, '='), *sp;

		if (!eq || memchr(p, ' ', (size_t)(eq - p)))
			break;
		hush_buf_clear(&name);
		if (hush_buf_put(&name, p, (size_t)(eq - p)) < 0)
			break;
		if (dockerfile_secret_name(name.ptr)) {
			hush_buf_clear(&msg);
			if ((error = hush_buf_printf(&msg, "build ARG \"%s\" looks "
				     "secret: its value is kept in the image history; "
				     "use RUN --mount=type=secret", name.ptr)) == 0)
				error = check_finding(r, image, name.ptr, display,
					msg.ptr, layer);
		}
		sp = strchr(eq, ' ');
		if (!sp)
			break;
		p = sp + 1;
	}
	hush_buf_dispose(&name);
	hush_buf_dispose(&msg);
	return error;
}

static int scan_config(struct run *r, size_t image)
{
	struct img *im = &r->imgs[image];
	struct json *doc = NULL;
	const struct json_val *root, *cfg, *v, *h;
	struct hush_buf d = HUSH_BUF_INIT(2 * HUSH_MAX_PATH),
			t = HUSH_BUF_INIT(HUSH_MAX_IMAGE_JSON);
	size_t i, mapped = 0, nonempty = 0;
	char what[512];
	int error;

	if (snprintf(what, sizeof(what), "%s: config %s", r->c->paths.v[0],
		    im->im->config_digest[0] ? im->im->config_digest : "") < 0)
		what[0] = '\0';
	if ((error = json_parse(&doc, im->im->config.ptr, im->im->config.len,
		     what)) < 0)
		goto done;
	root = json_root(doc);
	if (!json_is_object(root)) {
		error = hush_err_set(HUSH_EPARSE, "%s: not an object", what);
		goto done;
	}
	cfg = json_get(root, "config");
	/* rootfs.diff_ids: the digests of a docker archive's layer tars */
	i = 0;
	for (v = json_first(json_get(json_get(root, "rootfs"), "diff_ids"));
	     v && i < im->im->nlayers; v = json_next(v), i++) {
		const char *s = json_string(v);

		if (s && image_digest_valid(s) &&
		    (im->diff_ids[i] = strdup(s)) == NULL) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			goto done;
		}
	}
	i = 0;
	for (v = json_first(json_get(cfg, "Env")); v && error == 0;
	     v = json_next(v), i++) {
		const char *s = json_string(v), *eq;

		if (!s)
			continue;
		hush_buf_clear(&d);
		if ((error = hush_buf_printf(&d, "config.Env[%zu]", i)) < 0 ||
		    (error = scan_value(r, image, d.ptr, s, strlen(s),
			     NO_LAYER)) < 0)
			break;
		eq = strchr(s, '=');
		hush_buf_clear(&t);
		if (eq && (error = hush_buf_put(&t, s, (size_t)(eq - s))) == 0 &&
		    dockerfile_secret_name(t.ptr)) {
			char *name = strdup(t.ptr);

			hush_buf_clear(&t);
			if (!name)
				error = hush_err_set(HUSH_ENOMEM, "out of memory");
			else if ((error = hush_buf_printf(&t, "ENV \"%s\" looks secret: "
					  "its value is kept in the image config; pass it "
					  "at run time or use a secret mount", name)) == 0)
				error = check_finding(r, image, name, d.ptr, t.ptr,
					NO_LAYER);
			free(name);
		}
	}
	for (v = json_first(json_get(cfg, "Labels")); v && error == 0;
	     v = json_next(v)) {
		const char *s = json_string(v);

		if (!s)
			continue;
		hush_buf_clear(&d);
		hush_buf_clear(&t);
		if ((error = hush_buf_printf(&d, "config.Labels[\"%s\"]",
			     json_key(v))) < 0 ||
		    (error = hush_buf_printf(&t, "%s=%s", json_key(v), s)) < 0)
			break;
		error = scan_value(r, image, d.ptr, t.ptr, t.len, NO_LAYER);
	}
	/* history: entries without empty_layer map to the layers, in order */
	for (h = json_first(json_get(root, "history")); h; h = json_next(h))
		if (!json_is_true(json_get(h, "empty_layer")))
			nonempty++;
	if (nonempty != im->im->nlayers && json_get(root, "history"))
		hush_log_warn("%s: history has %zu layer entries for %zu layers; "
			      "the commands are mapped to layers in order",
			what, nonempty, im->im->nlayers);
	i = 0;
	for (h = json_first(json_get(root, "history")); h && error == 0;
	     h = json_next(h), i++) {
		const char *cb = json_get_string(h, "created_by");
		size_t layer = NO_LAYER;

		if (!json_is_true(json_get(h, "empty_layer"))) {
			if (mapped < im->im->nlayers) {
				layer = mapped;
				if (cb && (im->created_by[layer] = strdup(cb)) == NULL) {
					error = hush_err_set(HUSH_ENOMEM, "out of memory");
					break;
				}
			}
			mapped++;
		}
		if (!cb)
			continue;
		hush_buf_clear(&d);
		if ((error = hush_buf_printf(&d, "history[%zu].created_by", i)) < 0 ||
		    (error = scan_value(r, image, d.ptr, cb, strlen(cb), layer)) < 0)
			break;
		error = check_build_args(r, image, cb, d.ptr, layer);
	}
	/* attestations (provenance can hold build args): scanned as text */
	for (i = 0; i < im->im->nattest && error == 0; i++) {
		hush_buf_clear(&d);
		if ((error = hush_buf_printf(&d, "attestation.layers[%zu]", i)) == 0)
			error = scan_value(r, image, d.ptr,
				im->im->attest[i].ptr ? im->im->attest[i].ptr : "",
				im->im->attest[i].len, NO_LAYER);
	}
done:
	json_free(doc);
	hush_buf_dispose(&d);
	hush_buf_dispose(&t);
	return error;
}

/* ---- findings: places, status, layer names ---- */

/*
 * created_by with every secret found in the image's config redacted; pl[i]
 * is the place of fs->v[i], taken before any finding was renamed.
 */
static int redact_secrets(struct hush_buf *out, const char *text,
	const struct findings *fs, const struct place *const *pl, size_t image,
	const struct run *r)
{
	size_t i, pos = 0, n = strlen(text);
	int error = 0;

	hush_buf_clear(out);
	while (pos < n && error == 0) {
		size_t best = 0;

		if (!r->c->report.show_secrets)
			for (i = 0; i < fs->len; i++) {
				const struct finding *f = &fs->v[i];

				if (!f->secret || f->secret_len < 4 ||
				    f->secret_len <= best || f->secret_len > n - pos ||
				    !pl[i]->is_config || pl[i]->image != image ||
				    memcmp(text + pos, f->secret, f->secret_len))
					continue;
				best = f->secret_len;
			}
		if (best) {
			char red[REPORT_REDACT_MAX];

			report_redact(red, text + pos, best);
			error = hush_buf_puts(out, red);
			pos += best;
		} else {
			error = hush_buf_putc(out, text[pos++]);
		}
	}
	if (error == 0 && out->ptr == NULL)
		error = hush_buf_puts(out, "");
	return error;
}

static int add_image_attrs(struct run *r, struct finding *f, const struct img *im)
{
	int error = 0;

	if (r->several)
		error = finding_attr_add(f, "image", im->im->name);
	if (error == 0 && im->im->platform)
		error = finding_attr_add(f, "platform", im->im->platform);
	return error;
}

static int add_layer_attrs(struct run *r, struct finding *f, size_t image,
	size_t layer, const struct findings *all,
	const struct place *const *pl, struct hush_buf *tmp)
{
	const struct img *im = &r->imgs[image];
	const struct image_layer *ly = &im->im->layers[layer];
	const char *digest = ly->digest[0] ? ly->digest :
			     im->diff_ids[layer] ? im->diff_ids[layer] : "";
	int error;

	hush_buf_clear(tmp);
	if ((error = hush_buf_printf(tmp, "%zu of %zu", layer + 1,
		     im->im->nlayers)) < 0 ||
	    (error = finding_attr_add(f, "layer", tmp->ptr)) < 0)
		return error;
	if (digest[0] && (error = finding_attr_add(f, "digest", digest)) < 0)
		return error;
	if (im->created_by[layer]) {
		if ((error = redact_secrets(tmp, im->created_by[layer], all, pl,
			     image, r)) < 0 ||
		    (error = finding_attr_add(f, "command", tmp->ptr)) < 0)
			return error;
	}
	return 0;
}

static int dress(struct run *r, struct finding *f, const struct place *p,
	const struct findings *all, const struct place *const *pl,
	struct hush_buf *tmp)
{
	const struct img *im;
	char *path;
	int error;

	im = &r->imgs[p->image];
	if (f->line == 1)
		f->column += p->col_adj;
	f->line += p->base_line;
	if ((path = strdup(p->path)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	free(f->path);
	f->path = path;
	if (p->is_config) {
		f->kind = p->is_attest ? "attestation" : "config";
		f->order = im->order_base;
		if ((error = add_image_attrs(r, f, im)) < 0)
			return error;
		if (p->history_layer != NO_LAYER)
			return add_layer_attrs(r, f, p->image, p->history_layer, all,
				pl, tmp);
		return 0;
	}
	f->kind = "layer";
	f->order = im->order_base + 1 + p->layer;
	if ((error = add_image_attrs(r, f, im)) < 0 ||
	    (error = add_layer_attrs(r, f, p->image, p->layer, all, pl,
		     tmp)) < 0)
		return error;
	{
		bool over;
		long gone = image_fs_fate(im->fs, p->layer, p->path + 1, &over);

		hush_buf_clear(tmp);
		if (gone < 0)
			error = hush_buf_puts(tmp, "present in the final image");
		else
			error = hush_buf_printf(tmp, "%s in layer %ld (still "
				"extractable from layer %zu)",
				over ? "overwritten" : "removed", gone + 1,
				p->layer + 1);
		if (error == 0)
			error = finding_attr_add(f, "status", tmp->ptr);
	}
	return error;
}

static int cmp_dup(const void *x, const void *y)
{
	return finding_cmp(x, y);
}

/* Name every finding's place; drop the copies two pieces both saw. */
static int dress_all(struct run *r, struct findings *fs)
{
	struct hush_buf tmp = HUSH_BUF_INIT(64 * 1024);
	const struct place **pl = NULL;
	size_t i, j = 0;
	int error = 0;

	/* every place first: dressing renames findings */
	if (fs->len && (pl = calloc(fs->len, sizeof(*pl))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < fs->len; i++) {
		pl[i] = place_find(r, fs->v[i].path);
		HUSH_ASSERT(pl[i] != NULL);
	}
	for (i = 0; i < fs->len && error == 0; i++)
		error = dress(r, &fs->v[i], pl[i], fs, pl, &tmp);
	free(pl);
	hush_buf_dispose(&tmp);
	if (error < 0)
		return error;
	if (fs->len > 1)
		qsort(fs->v, fs->len, sizeof(*fs->v), cmp_dup);
	for (i = 0; i < fs->len; i++) {
		if (j > 0 && cmp_dup(&fs->v[j - 1], &fs->v[i]) == 0) {
			finding_dispose(&fs->v[i]);
			continue;
		}
		fs->v[j++] = fs->v[i];
	}
	fs->len = fs->len ? j : 0;
	return 0;
}

/* ---- the command ---- */

static int add_check_rule(struct rules *rs)
{
	size_t i;

	for (i = 0; i < dockerfile_checks_len; i++) {
		const struct dockerfile_check_info *k = &dockerfile_checks[i];

		if (!strcmp(k->id, CHECK_SECRET_NAME))
			return rules_add_check(rs, k->id, k->name, k->severity,
				k->description);
	}
	return hush_err_set(HUSH_ERROR, "no check %s", CHECK_SECRET_NAME);
}

static int setup_images(struct run *r, struct image_src *src)
{
	struct image_one *ims;
	size_t n, i, k, total = 0;

	ims = image_src_images(src, &n);
	if ((r->imgs = calloc(n, sizeof(*r->imgs))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	r->nimgs = n;
	r->several = n > 1;
	for (i = 0; i < n; i++) {
		struct img *im = &r->imgs[i];
		struct hush_buf b = HUSH_BUF_INIT(1024);
		int error = 0;

		im->im = &ims[i];
		im->order_base = i * (HUSH_MAX_IMAGE_LAYERS + 1);
		total += ims[i].nlayers;
		if (ims[i].nlayers &&
		    ((im->created_by = calloc(ims[i].nlayers, sizeof(char *))) == NULL ||
		     (im->diff_ids = calloc(ims[i].nlayers, sizeof(char *))) == NULL))
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		if (r->several)
			error = hush_buf_printf(&b, " of %s%s%s", ims[i].name,
				ims[i].platform ? " " : "",
				ims[i].platform ? ims[i].platform : "");
		else
			error = hush_buf_puts(&b, "");
		if (error < 0)
			return error;
		im->label = hush_buf_detach(&b);
		if ((error = image_fs_new(&im->fs, ims[i].nlayers)) < 0)
			return error;
	}
	if (total && (r->jobs = calloc(total, sizeof(*r->jobs))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		for (k = 0; k < ims[i].nlayers; k++) {
			r->jobs[r->njobs].image = i;
			r->jobs[r->njobs++].layer = k;
		}
	return 0;
}

static void run_dispose(struct run *r)
{
	size_t i, k;

	for (i = 0; i < r->nimgs; i++) {
		struct img *im = &r->imgs[i];

		for (k = 0; k < im->im->nlayers; k++) {
			if (im->created_by)
				free(im->created_by[k]);
			if (im->diff_ids)
				free(im->diff_ids[k]);
		}
		free(im->created_by);
		free(im->diff_ids);
		free(im->label);
		image_fs_free(im->fs);
	}
	free(r->imgs);
	free(r->jobs);
	for (i = 0; i < r->talloc; i++)
		place_free(r->table[i]);
	free(r->table);
	findings_dispose(&r->checks);
	pthread_mutex_destroy(&r->lock);
}

struct cmd_result cmd_image(int argc, char **argv)
{
	struct cmd_result res = { 0, 0, false, false };
	struct cli_config c;
	struct rules rules;
	struct allow_fps fps = { NULL, 0, 0 };
	struct engine *engine = NULL;
	struct image_src *src = NULL;
	struct image_select sel = { NULL, NULL };
	struct scan_stats st;
	struct run r;
	size_t i, unique = 0;
	int error;

	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.lock, NULL);
	rules_init(&rules);
	if ((error = cli_parse_scan(&c, "image", argc, argv)) != 0) {
		res.done = error == 1;
		res.error = error < 0 ? error : 0;
		goto done;
	}
	r.c = &c;
	r.rules = &rules;
	if ((error = cmd__load(&rules, &fps, &c, add_check_rule)) < 0)
		goto fail;
	sel.platform = c.platform;
	sel.tag = c.tag;
	if ((error = image_src_open(&src, c.paths.v[0], &sel)) < 0 ||
	    (error = setup_images(&r, src)) < 0)
		goto bad_input;
	hush_log_info("%s: %s, %zu image%s, %zu layer%s", c.paths.v[0],
		image_src_kind(src), r.nimgs, r.nimgs == 1 ? "" : "s", r.njobs,
		r.njobs == 1 ? "" : "s");
	if ((error = cmd__scan_new(&r.scan, &engine, &rules, &c)) < 0)
		goto fail;
	r.overlap = engine_overlap(engine);
	if (r.overlap >= HUSH_IMAGE_PIECE / 2)
		r.overlap = HUSH_IMAGE_PIECE / 2;
	if ((error = scan_start(r.scan)) < 0)
		goto fail;
	for (i = 0; i < r.nimgs; i++)
		if ((error = scan_config(&r, i)) < 0)
			goto bad_input;
	if ((error = read_layers(&r)) < 0)
		goto bad_input;
	if ((error = scan_finish(r.scan)) < 0)
		goto fail;
	for (i = 0; i < r.nimgs; i++)
		image_fs_seal(r.imgs[i].fs);
	if ((error = findings_move(scan_findings(r.scan), &r.checks)) < 0 ||
	    (error = dress_all(&r, scan_findings(r.scan))) < 0)
		goto fail;
	allow_fps_seal(&fps);
	(void)cmd__drop_known(scan_findings(r.scan), &fps);
	if ((error = cmd__write_report(&c, r.scan, &unique)) < 0)
		goto fail;
	scan_get_stats(r.scan, &st);
	res.findings = scan_findings(r.scan)->len;
	res.incomplete = st.warnings > 0;
	hush_log_info("%zu finding%s (%zu secret%s) in %zu items, %.1f MB; "
		      "%zu binary skipped, %zu warning%s",
		res.findings, res.findings == 1 ? "" : "s", unique,
		unique == 1 ? "" : "s", st.files, (double)st.bytes / 1e6,
		st.binary_skipped, st.warnings, st.warnings == 1 ? "" : "s");
	if (res.incomplete)
		hush_log_warn("scan incomplete: %zu warning%s", st.warnings,
			st.warnings == 1 ? "" : "s");
	goto done;
bad_input:
	/* a broken image is an error (exit 3), not a usage or rule error */
	if (error == HUSH_EPARSE)
		error = HUSH_ERROR;
fail:
	res.error = error;
done:
	atomic_store(&r.cancel, true);
	scan_free(r.scan);
	engine_free(engine);
	run_dispose(&r);
	image_src_free(src);
	allow_fps_dispose(&fps);
	rules_dispose(&rules);
	cli_config_dispose(&c);
	return res;
}
