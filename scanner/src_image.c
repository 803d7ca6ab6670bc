/* SPDX-License-Identifier: MIT */
/*
 * src_image.c - one image layer streamed with libarchive from a byte range
 * of a file (a blob in an OCI folder, or a member of the outer tar); the
 * only scanner file with <archive.h>. See src_image.h.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "src_image.h"

#define READ_BUF (256u * 1024)

struct src_image_layer {
	struct archive *a;
	const struct src_image_limits *lim;
	const char *what;
	const char *member;     /* the current entry, for messages */
	int fd;
	uint64_t pos, end;      /* the range still to read */
	unsigned char *buf;
	struct digest_sha256_ctx sha;
	int io_error;           /* errno of a failed read */
	uint64_t counted;       /* decompressed bytes counted so far */
	size_t entries;
};

static ssize_t on_read(struct archive *a, void *payload, const void **out)
{
	struct src_image_layer *l = payload;
	size_t want = READ_BUF;
	ssize_t n;

	(void)a;
	if (l->pos >= l->end)
		return 0;
	if (l->end - l->pos < want)
		want = (size_t)(l->end - l->pos);
	do
		n = pread(l->fd, l->buf, want, (off_t)l->pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		l->io_error = n < 0 ? errno : EIO;
		archive_set_error(a, l->io_error, "read failed");
		return -1;
	}
	digest_sha256_update(&l->sha, l->buf, (size_t)n);
	l->pos += (uint64_t)n;
	*out = l->buf;
	return n;
}

/* Count the bytes decompressed since the last call against the limits. */
static int count_bytes(struct src_image_layer *l)
{
	int64_t now = archive_filter_bytes(l->a, 0);
	uint64_t delta, total;

	if (now < 0 || (uint64_t)now <= l->counted)
		return 0;
	delta = (uint64_t)now - l->counted;
	l->counted = (uint64_t)now;
	if (l->counted > l->lim->max_layer)
		return hush_err_set(HUSH_ELIMIT, "%s: member '%s': the layer "
			"decompresses to more than %llu bytes (--max-layer-size); "
			"a decompression bomb?", l->what, l->member ? l->member : "",
			(unsigned long long)l->lim->max_layer);
	total = atomic_fetch_add(l->lim->image_total, delta) + delta;
	if (total > l->lim->max_image)
		return hush_err_set(HUSH_ELIMIT, "%s: member '%s': the image "
			"decompresses to more than %llu bytes (--max-image-size); "
			"a decompression bomb?", l->what, l->member ? l->member : "",
			(unsigned long long)l->lim->max_image);
	return 0;
}

static int archive_fail(struct src_image_layer *l, const char *doing)
{
	const char *msg = archive_error_string(l->a);

	if (l->io_error)
		return hush_err_set(HUSH_EIO, "%s: read failed: %s", l->what,
			strerror(l->io_error));
	return hush_err_set(HUSH_EPARSE, "%s: %s%s%s: %s", l->what, doing,
		l->member ? " after member " : "", l->member ? l->member : "",
		msg ? msg : "unreadable");
}

ssize_t src_image_read(struct src_image_layer *l, void *buf, size_t cap)
{
	la_ssize_t n = archive_read_data(l->a, buf, cap);
	int error;

	if (n < 0)
		return archive_fail(l, "cannot read data");
	if ((error = count_bytes(l)) < 0)
		return error;
	return (ssize_t)n;
}

/*
 * Clean a member path in place: drop "./", leading and doubled "/", "."
 * parts and a trailing "/". A ".." part is refused.
 * @return 0, or -1 for ".."
 */
static int clean_path(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		char *e = strchr(r, '/');
		size_t n = e ? (size_t)(e - r) : strlen(r);

		if (n == 2 && r[0] == '.' && r[1] == '.')
			return -1;
		if (n > 0 && !(n == 1 && r[0] == '.')) {
			if (w != s)
				*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
		if (*r == '/')
			r++;
	}
	*w = '\0';
	return 0;
}

/* Whether a symlink at path with target climbs above the root. */
static bool link_escapes(const char *path, const char *target)
{
	long depth = 0;
	const char *p, *e;

	if (target[0] == '/')
		return false; /* resolves inside the image's root */
	for (p = path; (e = strchr(p, '/')) != NULL; p = e + 1)
		depth++;
	for (p = target; *p; p = e ? e + 1 : p + strlen(p)) {
		size_t n;

		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		if (!e)
			break;
	}
	return false;
}

static const char *filter_name(int code)
{
	switch (code) {
	case ARCHIVE_FILTER_NONE: return "tar";
	case ARCHIVE_FILTER_GZIP: return "gzip";
	case ARCHIVE_FILTER_ZSTD: return "zstd";
	case ARCHIVE_FILTER_BZIP2: return "bzip2";
	case ARCHIVE_FILTER_XZ: return "xz";
	default: return "other";
	}
}

static void check_media_type(const struct src_image_layer *l, const char *mt,
	const char *got)
{
	const char *want = "tar";

	if (!mt)
		return;
	if (strstr(mt, "gzip"))
		want = "gzip";
	else if (strstr(mt, "zstd"))
		want = "zstd";
	else if (!strstr(mt, "tar"))
		return;
	if (strcmp(want, got) != 0)
		hush_log_warn("%s: media type %s says %s, the content is %s; "
			      "read as %s", l->what, mt, want, got, got);
}

static int drain_entry(struct src_image_layer *l)
{
	ssize_t n;

	do
		n = src_image_read(l, l->buf, READ_BUF);
	while (n > 0);
	return n < 0 ? (int)n : 0;
}

static int entry_of(struct src_image_layer *l, struct archive_entry *ae,
	struct hush_buf *path, struct hush_buf *link,
	struct src_image_entry *e)
{
	const char *p = archive_entry_pathname(ae);
	const char *hl = archive_entry_hardlink(ae);
	const char *sl = archive_entry_symlink(ae);
	int error;

	memset(e, 0, sizeof(*e));
	hush_buf_clear(path);
	hush_buf_clear(link);
	if (!p)
		return hush_err_set(HUSH_EPARSE, "%s: a member has no readable "
			"name", l->what);
	if ((error = hush_buf_puts(path, p)) < 0)
		return hush_err_set(HUSH_ELIMIT, "%s: member name longer than %u "
			"bytes", l->what, HUSH_MAX_PATH);
	l->member = path->ptr;
	if (clean_path(path->ptr) < 0)
		return hush_err_set(HUSH_EPARSE, "%s: member '%s': path with '..'",
			l->what, p);
	path->len = strlen(path->ptr);
	e->path = path->ptr;
	e->size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0
			  ? (uint64_t)archive_entry_size(ae) : 0;
	if (hl) {
		e->type = SRC_IMAGE_HARDLINK;
		if ((error = hush_buf_puts(link, hl)) < 0)
			return hush_err_set(HUSH_ELIMIT, "%s: member '%s': link "
				"target too long", l->what, p);
		if (clean_path(link->ptr) < 0 || link->ptr[0] == '\0')
			return hush_err_set(HUSH_EPARSE, "%s: member '%s': hard link "
				"to '%s' points outside the layer", l->what, p, hl);
		e->link = link->ptr;
		return 0;
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG:
		e->type = SRC_IMAGE_FILE;
		break;
	case AE_IFDIR:
		e->type = SRC_IMAGE_DIR;
		break;
	case AE_IFLNK:
		e->type = SRC_IMAGE_SYMLINK;
		if (!sl || link_escapes(path->ptr, sl))
			return hush_err_set(HUSH_EPARSE, "%s: member '%s': symlink "
				"to '%s' points outside the image", l->what, p,
				sl ? sl : "");
		e->link = sl;
		break;
	default:
		e->type = SRC_IMAGE_OTHER;
		break;
	}
	return 0;
}

int src_image_walk(const struct image_blob *b, const char *digest,
	const char *media_type, const char *what,
	const struct src_image_limits *lim, src_image_entry_cb cb,
	void *payload, const char **detected)
{
	struct src_image_layer l;
	struct hush_buf path = HUSH_BUF_INIT(HUSH_MAX_PATH);
	struct hush_buf link = HUSH_BUF_INIT(HUSH_MAX_PATH);
	struct archive_entry *ae;
	bool first = true;
	int error = 0, r;

	memset(&l, 0, sizeof(l));
	*detected = "tar";
	l.lim = lim;
	l.what = what;
	l.pos = b->off;
	l.end = b->off + b->size;
	l.fd = -1;
	digest_sha256_init(&l.sha);
	if ((l.buf = malloc(READ_BUF)) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	if ((l.fd = open(b->file, O_RDONLY | O_CLOEXEC)) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s: cannot open", what);
		goto done;
	}
	if ((l.a = archive_read_new()) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	archive_read_support_filter_all(l.a);
	archive_read_support_format_tar(l.a);
	archive_read_support_format_empty(l.a);
	if (archive_read_open(l.a, &l, NULL, on_read, NULL) != ARCHIVE_OK) {
		error = archive_fail(&l, "not a tar archive");
		goto done;
	}
	for (;;) {
		struct src_image_entry e;

		if (lim->cancel && atomic_load(lim->cancel)) {
			error = HUSH_ERROR;
			goto done;
		}
		r = archive_read_next_header(l.a, &ae);
		if (first) {
			*detected = filter_name(archive_filter_code(l.a, 0));
			first = false;
		}
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN && archive_error_string(l.a))
			hush_log_info("%s: %s", what, archive_error_string(l.a));
		if (r < ARCHIVE_WARN) {
			error = archive_fail(&l, l.entries ? "bad tar" :
				"not a tar archive");
			goto done;
		}
		if ((error = count_bytes(&l)) < 0)
			goto done;
		if (++l.entries > HUSH_MAX_LAYER_ENTRIES) {
			error = hush_err_set(HUSH_ELIMIT, "%s: more than %u entries "
				"(HUSH_MAX_LAYER_ENTRIES)", what, HUSH_MAX_LAYER_ENTRIES);
			goto done;
		}
		if ((error = entry_of(&l, ae, &path, &link, &e)) < 0)
			goto done;
		if (e.path[0] != '\0' && (error = cb(&l, &e, payload)) < 0)
			goto done;
		if ((error = drain_entry(&l)) < 0)
			goto done;
	}
	check_media_type(&l, media_type, *detected);
	/* the rest of the blob (padding after the end marker) is hashed too */
	while (l.pos < l.end) {
		const void *p;

		if (on_read(l.a, &l, &p) <= 0) {
			error = hush_err_set(HUSH_EIO, "%s: read failed", what);
			goto done;
		}
	}
	if (digest && digest[0]) {
		unsigned char sum[DIGEST_SHA256_LEN];
		char hex[2 * DIGEST_SHA256_LEN + 1];

		digest_sha256_final(&l.sha, sum);
		digest_hex(hex, sum, sizeof(sum));
		if (strcmp(hex, digest + 7) != 0)
			error = hush_err_set(HUSH_EPARSE, "%s: blob '%s' does not "
				"match its digest %s (sha256:%s)", what, b->name,
				digest, hex);
	}
done:
	if (l.a)
		archive_read_free(l.a);
	if (l.fd >= 0)
		close(l.fd);
	free(l.buf);
	hush_buf_dispose(&path);
	hush_buf_dispose(&link);
	return error;
}
