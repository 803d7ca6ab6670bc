/* SPDX-License-Identifier: MIT */
/*
 * image.c - find the images in a docker save tarball, an OCI layout folder
 * or an OCI archive: the outer tar is indexed by its own header walk (member
 * name -> byte range), so that each blob is read in place and layers can be
 * streamed separately; manifests, indexes and configs are parsed with json.h
 * and their digests verified. See image.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "image.h"
#include "json.h"
#include "rules.h"

struct tar_member {
	char *name;   /* normalised: no leading "./" or "/" */
	char *link;   /* symlink or hard link target, or NULL */
	char type;    /* '0' file, '1' hard link, '2' symlink, '5' folder, ... */
	uint64_t off, size;
};

struct image_src {
	char *path;
	bool is_dir;
	int fd;                  /* the tar, or -1 */
	uint64_t file_size;
	struct tar_member *members;
	size_t nmembers, amembers;
	struct strlist files;    /* blob file paths of a folder (owned) */
	struct image_one *images;
	size_t nimages;
	const char *kind;
};

bool image_digest_valid(const char *d)
{
	size_t i;

	if (strncmp(d, "sha256:", 7) != 0 || strlen(d) != IMAGE_DIGEST_LEN)
		return false;
	for (i = 7; i < IMAGE_DIGEST_LEN; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
			return false;
	return true;
}

/* ---- the outer tar ---- */

static uint64_t tar_octal(const char *p, size_t n, bool *ok)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && ((unsigned char)p[0] & 0x80)) {
		/* GNU base-256 for big sizes */
		for (i = 1; i < n; i++) {
			if (v >> 55) {
				*ok = false;
				return 0;
			}
			v = (v << 8) | (unsigned char)p[i];
		}
		if ((unsigned char)p[0] != 0x80)
			*ok = false;
		return v;
	}
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60) {
			*ok = false;
			return 0;
		}
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	if (i < n && p[i] != '\0' && p[i] != ' ')
		*ok = false;
	return v;
}

static bool tar_checksum_ok(const unsigned char *h)
{
	bool ok = true;
	uint64_t want = tar_octal((const char *)h + 148, 8, &ok);
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return ok && sum == want;
}

/* Strip "./" and "/" prefixes and a trailing "/"; "." becomes "". */
static void norm_name(char *s)
{
	size_t n;
	char *p = s;

	for (;;) {
		if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '/')
			p++;
		else
			break;
	}
	if (p[0] == '.' && p[1] == '\0')
		p++;
	memmove(s, p, strlen(p) + 1);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got,
			(off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* The value of one pax record "LEN key=value\n" for key, copied. */
static int pax_get(const char *p, size_t n, const char *key, char **val)
{
	size_t i = 0, klen = strlen(key);

	while (i < n) {
		size_t len = 0, j = i;

		while (j < n && p[j] >= '0' && p[j] <= '9' && len < n)
			len = len * 10 + (size_t)(p[j++] - '0');
		if (j >= n || p[j] != ' ' || len == 0 || len > n - i)
			return -1;
		j++;
		if (i + len - j > klen && !memcmp(p + j, key, klen) &&
		    p[j + klen] == '=') {
			size_t vs = j + klen + 1, ve = i + len - 1;

			free(*val);
			if ((*val = strndup(p + vs, ve > vs ? ve - vs : 0)) == NULL)
				return hush_err_set(HUSH_ENOMEM, "out of memory");
		}
		i += len;
	}
	return 0;
}

static int add_member(struct image_src *s, struct tar_member *m)
{
	if (s->nmembers == s->amembers) {
		size_t na = s->amembers ? s->amembers * 2 : 64;
		struct tar_member *v;

		if (s->nmembers >= HUSH_MAX_IMAGE_MEMBERS)
			return hush_err_set(HUSH_ELIMIT,
				"%s: more than %u members (HUSH_MAX_IMAGE_MEMBERS)",
				s->path, HUSH_MAX_IMAGE_MEMBERS);
		if ((v = realloc(s->members, na * sizeof(*v))) == NULL)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		s->members = v;
		s->amembers = na;
	}
	s->members[s->nmembers++] = *m;
	return 0;
}

/* Read a small member's data (pax or GNU long-name payloads). */
static int read_meta(struct image_src *s, uint64_t off, uint64_t size,
	char **out)
{
	*out = NULL;
	if (size > 1024 * 1024)
		return hush_err_set(HUSH_ELIMIT,
			"%s: tar extended header at offset %llu is too large",
			s->path, (unsigned long long)off);
	if ((*out = malloc((size_t)size + 1)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	if (pread_all(s->fd, *out, (size_t)size, off) < 0) {
		free(*out);
		*out = NULL;
		return hush_err_set(HUSH_EPARSE, "%s: truncated tar at offset %llu",
			s->path, (unsigned long long)off);
	}
	(*out)[size] = '\0';
	return 0;
}

static int index_tar(struct image_src *s)
{
	unsigned char h[512];
	uint64_t off = 0;
	char *long_name = NULL, *long_link = NULL, *pax_path = NULL,
	     *pax_link = NULL, *pax_size = NULL, *meta = NULL;
	bool ended = false;
	int error = 0;

	while (off + 512 <= s->file_size) {
		struct tar_member m = { NULL, NULL, 0, 0, 0 };
		char name[257];
		bool ok = true;
		uint64_t size;
		size_t i;

		if (pread_all(s->fd, h, 512, off) < 0) {
			error = hush_err_set_errno(HUSH_EIO, "%s: cannot read", s->path);
			goto done;
		}
		for (i = 0; i < 512 && h[i] == 0; i++)
			;
		if (i == 512) {
			ended = true;
			break;
		}
		if (!tar_checksum_ok(h)) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: not a tar archive (bad header checksum at offset %llu)",
				s->path, (unsigned long long)off);
			goto done;
		}
		size = tar_octal((const char *)h + 124, 12, &ok);
		if (pax_size) {
			char *end = NULL;

			errno = 0;
			size = strtoull(pax_size, &end, 10);
			ok = ok && !errno && end && *end == '\0';
		}
		if (!ok) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: bad size in the tar header at offset %llu",
				s->path, (unsigned long long)off);
			goto done;
		}
		off += 512;
		if (size > s->file_size - off) {
			memcpy(name, h, 100);
			name[100] = '\0';
			error = hush_err_set(HUSH_EPARSE,
				"%s: truncated tar: member '%s' needs %llu bytes, %llu "
				"are left", s->path, name, (unsigned long long)size,
				(unsigned long long)(s->file_size - off));
			goto done;
		}
		switch (h[156]) {
		case 'L':
		case 'K':
			if ((error = read_meta(s, off, size, &meta)) < 0)
				goto done;
			if (h[156] == 'L') {
				free(long_name);
				long_name = meta;
			} else {
				free(long_link);
				long_link = meta;
			}
			meta = NULL;
			break;
		case 'x':
			if ((error = read_meta(s, off, size, &meta)) < 0)
				goto done;
			if (pax_get(meta, (size_t)size, "path", &pax_path) < 0 ||
			    pax_get(meta, (size_t)size, "linkpath", &pax_link) < 0 ||
			    pax_get(meta, (size_t)size, "size", &pax_size) < 0) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: bad pax header at offset %llu", s->path,
					(unsigned long long)off - 512);
				goto done;
			}
			free(meta);
			meta = NULL;
			break;
		case 'g':
			break;
		default:
			if (long_name) {
				m.name = long_name;
				long_name = NULL;
			} else if (pax_path) {
				m.name = pax_path;
				pax_path = NULL;
			} else {
				size_t pl = strnlen((const char *)h + 345, 155);
				size_t nl = strnlen((const char *)h, 100);

				if (!memcmp(h + 257, "ustar", 5) && pl) {
					memcpy(name, h + 345, pl);
					name[pl] = '/';
					memcpy(name + pl + 1, h, nl);
					name[pl + 1 + nl] = '\0';
				} else {
					memcpy(name, h, nl);
					name[nl] = '\0';
				}
				m.name = strdup(name);
			}
			if (long_link) {
				m.link = long_link;
				long_link = NULL;
			} else if (pax_link) {
				m.link = pax_link;
				pax_link = NULL;
			} else if (h[156] == '1' || h[156] == '2') {
				m.link = strndup((const char *)h + 157, 100);
			}
			m.type = h[156] ? (char)h[156] : '0';
			if (m.type == '7')
				m.type = '0';
			m.off = off;
			m.size = size;
			if (!m.name || ((h[156] == '1' || h[156] == '2') && !m.link)) {
				free(m.name);
				free(m.link);
				error = hush_err_set(HUSH_ENOMEM, "out of memory");
				goto done;
			}
			norm_name(m.name);
			if (m.link && m.type == '1')
				norm_name(m.link);
			if ((error = add_member(s, &m)) < 0) {
				free(m.name);
				free(m.link);
				goto done;
			}
			free(pax_size);
			pax_size = NULL;
			break;
		}
		off += (size + 511) / 512 * 512;
	}
	if (!ended)
		error = hush_err_set(HUSH_EPARSE,
			"%s: truncated tar: no end-of-archive marker after %llu bytes",
			s->path, (unsigned long long)s->file_size);
done:
	free(long_name);
	free(long_link);
	free(pax_path);
	free(pax_link);
	free(pax_size);
	free(meta);
	return error;
}

/* The last member named name (a later one replaces an earlier one). */
static const struct tar_member *find_member(const struct image_src *s,
	const char *name)
{
	size_t i;

	for (i = s->nmembers; i-- > 0;)
		if (!strcmp(s->members[i].name, name))
			return &s->members[i];
	return NULL;
}

/*
 * Resolve a member through symlinks and hard links inside the tar (Docker 25+
 * writes <id>/layer.tar as a link into blobs/sha256/).
 */
static int locate_tar(const struct image_src *s, const char *name,
	struct image_blob *out)
{
	char cur[HUSH_MAX_PATH];
	const struct tar_member *m;
	int hops, n;

	n = snprintf(cur, sizeof(cur), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(cur))
		return hush_err_set(HUSH_ELIMIT, "%s: name too long", s->path);
	norm_name(cur);
	for (hops = 0; hops < 8; hops++) {
		if ((m = find_member(s, cur)) == NULL)
			return hush_err_set(HUSH_ENOTFOUND, "%s: missing blob '%s'",
				s->path, name);
		if (m->type == '0') {
			out->file = s->path;
			out->off = m->off;
			out->size = m->size;
			/* the member the links led to: its name may hold the digest */
			n = snprintf(out->name, sizeof(out->name), "%s", cur);
			if (n < 0)
				out->name[0] = '\0';
			return 0;
		}
		if (m->type == '1') {
			n = snprintf(cur, sizeof(cur), "%s", m->link);
		} else if (m->type == '2' && m->link[0] != '/') {
			const char *slash = strrchr(m->name, '/');
			char tmp[HUSH_MAX_PATH];
			int dl = slash ? (int)(slash - m->name) : 0;
			char *p, *q;

			n = snprintf(tmp, sizeof(tmp), "%.*s%s%s", dl, m->name,
				dl ? "/" : "", m->link);
			if (n < 0 || (size_t)n >= sizeof(tmp))
				break;
			/* resolve "..": a target outside the tar is not found */
			cur[0] = '\0';
			for (p = tmp; p && *p; p = q) {
				size_t cl = strlen(cur);

				q = strchr(p, '/');
				if (q)
					*q++ = '\0';
				if (!strcmp(p, "..")) {
					char *sl = strrchr(cur, '/');

					if (!cl)
						return hush_err_set(HUSH_EPARSE,
							"%s: member '%s' links outside "
							"the archive", s->path, m->name);
					if (sl)
						*sl = '\0';
					else
						cur[0] = '\0';
				} else if (*p && strcmp(p, ".")) {
					n = snprintf(cur + cl, sizeof(cur) - cl, "%s%s",
						cl ? "/" : "", p);
					if (n < 0 || (size_t)n >= sizeof(cur) - cl)
						break;
				}
			}
			continue;
		} else {
			break;
		}
		if (n < 0 || (size_t)n >= sizeof(cur))
			break;
	}
	return hush_err_set(HUSH_ENOTFOUND,
		"%s: blob '%s' is not a regular file", s->path, name);
}

static int locate_dir(struct image_src *s, const char *name,
	struct image_blob *out)
{
	struct hush_buf p = HUSH_BUF_INIT(HUSH_MAX_PATH);
	struct stat st;
	int error;

	if (strstr(name, "..") || name[0] == '/')
		return hush_err_set(HUSH_EPARSE, "%s: bad blob name '%s'", s->path,
			name);
	if ((error = hush_buf_printf(&p, "%s/%s", s->path, name)) < 0)
		goto done;
	if (lstat(p.ptr, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = hush_err_set(HUSH_ENOTFOUND, "%s: missing blob '%s'",
			s->path, name);
		goto done;
	}
	if ((error = strlist_add(&s->files, p.ptr, p.len)) < 0)
		goto done;
	out->file = s->files.v[s->files.len - 1];
	out->off = 0;
	out->size = (uint64_t)st.st_size;
	if (snprintf(out->name, sizeof(out->name), "%s", name) < 0)
		out->name[0] = '\0';
done:
	hush_buf_dispose(&p);
	return error;
}

static int locate(struct image_src *s, const char *name, struct image_blob *out)
{
	memset(out, 0, sizeof(*out));
	return s->is_dir ? locate_dir(s, name, out) : locate_tar(s, name, out);
}

/* The blob of a "sha256:<hex>" digest. */
static int locate_digest(struct image_src *s, const char *digest,
	struct image_blob *out)
{
	char name[128];
	int n;

	if (!image_digest_valid(digest))
		return hush_err_set(HUSH_EPARSE, "%s: bad digest '%s'", s->path,
			digest);
	n = snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	if (n < 0 || (size_t)n >= sizeof(name))
		return hush_err_set(HUSH_ERROR, "digest too long");
	return locate(s, name, out);
}

/* Read a blob whole (bounded) and, when digest is set, verify it. */
static int read_blob(struct image_src *s, const struct image_blob *b,
	const char *digest, struct hush_buf *out)
{
	unsigned char sum[DIGEST_SHA256_LEN];
	char hex[2 * DIGEST_SHA256_LEN + 1];
	const void *parts[1];
	size_t lens[1];
	int fd = -1, error = 0;

	hush_buf_init(out, HUSH_MAX_IMAGE_JSON + 1);
	if (b->size > HUSH_MAX_IMAGE_JSON)
		return hush_err_set(HUSH_ELIMIT,
			"%s: '%s' is larger than %u bytes (HUSH_MAX_IMAGE_JSON)",
			s->path, b->name, HUSH_MAX_IMAGE_JSON);
	if ((fd = s->is_dir ? open(b->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
			    : s->fd) < 0)
		return hush_err_set_errno(HUSH_EIO, "%s: cannot open '%s'", s->path,
			b->name);
	{
		char *p = malloc((size_t)b->size + 1);

		if (!p) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			goto done;
		}
		if (pread_all(fd, p, (size_t)b->size, b->off) < 0) {
			free(p);
			error = hush_err_set(HUSH_EIO, "%s: cannot read '%s'",
				s->path, b->name);
			goto done;
		}
		error = hush_buf_put(out, p, (size_t)b->size);
		free(p);
		if (error < 0)
			goto done;
	}
	if (digest && digest[0]) {
		parts[0] = out->ptr ? out->ptr : "";
		lens[0] = out->len;
		digest_sha256(sum, parts, lens, 1);
		digest_hex(hex, sum, sizeof(sum));
		if (strcmp(hex, digest + 7) != 0)
			error = hush_err_set(HUSH_EPARSE,
				"%s: blob '%s' does not match its digest %s "
				"(sha256:%s)", s->path, b->name, digest, hex);
	}
done:
	if (s->is_dir && fd >= 0)
		close(fd);
	return error;
}

static int read_json(struct image_src *s, const char *name, const char *digest,
	struct hush_buf *text, struct json **doc)
{
	struct image_blob b;
	char what[512];
	int error, n;

	*doc = NULL;
	if ((error = digest ? locate_digest(s, digest, &b)
			    : locate(s, name, &b)) < 0)
		return error;
	if ((error = read_blob(s, &b, digest, text)) < 0)
		return error;
	n = snprintf(what, sizeof(what), "%s: '%s'", s->path, b.name);
	if (n < 0)
		what[0] = '\0';
	return json_parse(doc, text->ptr, text->len, what);
}

/* ---- images ---- */

static void image_dispose(struct image_one *im)
{
	size_t i;

	free(im->name);
	free(im->platform);
	hush_buf_dispose(&im->config);
	for (i = 0; i < im->nlayers; i++)
		free(im->layers[i].media_type);
	free(im->layers);
	for (i = 0; i < im->nattest; i++)
		hush_buf_dispose(&im->attest[i]);
	free(im->attest);
	memset(im, 0, sizeof(*im));
}

static int push_image(struct image_src *s, struct image_one *im)
{
	struct image_one *v;

	if (s->nimages >= HUSH_MAX_IMAGES) {
		image_dispose(im);
		return hush_err_set(HUSH_ELIMIT, "%s: more than %u images "
			"(HUSH_MAX_IMAGES)", s->path, HUSH_MAX_IMAGES);
	}
	if ((v = realloc(s->images, (s->nimages + 1) * sizeof(*v))) == NULL) {
		image_dispose(im);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	s->images = v;
	s->images[s->nimages++] = *im;
	return 0;
}

static int alloc_layers(struct image_src *s, struct image_one *im, size_t n)
{
	if (n > HUSH_MAX_IMAGE_LAYERS)
		return hush_err_set(HUSH_ELIMIT, "%s: image %s has more than %u "
			"layers (HUSH_MAX_IMAGE_LAYERS)", s->path, im->name,
			HUSH_MAX_IMAGE_LAYERS);
	if (n && (im->layers = calloc(n, sizeof(*im->layers))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

/* A legacy config "<hex>.json" or a blob path "blobs/sha256/<hex>" -> digest. */
static void digest_from_name(char *out, const char *name)
{
	const char *base = strrchr(name, '/');
	char d[IMAGE_DIGEST_LEN + 8];
	int n;

	out[0] = '\0';
	base = base ? base + 1 : name;
	n = snprintf(d, sizeof(d), "sha256:%.64s", base);
	if (n < 0 || strlen(base) < 64)
		return;
	if ((strlen(base) == 64 || !strcmp(base + 64, ".json")) &&
	    image_digest_valid(d) &&
	    (strchr(name, '/') == NULL || strstr(name, "sha256/")))
		memcpy(out, d, IMAGE_DIGEST_LEN + 1);
}

static bool tag_matches(const struct json_val *tags, const char *tag)
{
	const struct json_val *t;

	for (t = json_first(tags); t; t = json_next(t)) {
		const char *v = json_string(t);

		if (v && !strcmp(v, tag))
			return true;
	}
	return false;
}

/* manifest.json of a docker save: [{Config, RepoTags, Layers}] */
static int load_docker_manifest(struct image_src *s,
	const struct image_select *sel)
{
	struct hush_buf text = HUSH_BUF_INIT(1);
	struct json *doc = NULL;
	const struct json_val *e;
	size_t k = 0;
	int error;

	if ((error = read_json(s, "manifest.json", NULL, &text, &doc)) < 0)
		goto done;
	if (!json_is_array(json_root(doc))) {
		error = hush_err_set(HUSH_EPARSE,
			"%s: 'manifest.json' is not a list of images", s->path);
		goto done;
	}
	for (e = json_first(json_root(doc)); e; e = json_next(e), k++) {
		struct image_one im;
		const char *cfg = json_get_string(e, "Config");
		const struct json_val *tags = json_get(e, "RepoTags");
		const struct json_val *layers = json_get(e, "Layers"), *l;
		const char *first = json_string(json_first(tags));
		size_t i;
		char buf[32];

		memset(&im, 0, sizeof(im));
		if (!cfg || !json_is_array(layers)) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: 'manifest.json' entry %zu has no Config or "
				"Layers", s->path, k);
			goto done;
		}
		if (sel->tag && !tag_matches(tags, sel->tag))
			continue;
		if (!first && snprintf(buf, sizeof(buf), "#%zu", k) < 0)
			buf[0] = '\0';
		if ((im.name = strdup(first ? first : buf)) == NULL) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			goto done;
		}
		digest_from_name(im.config_digest, cfg);
		error = alloc_layers(s, &im, json_len(layers));
		i = 0;
		for (l = json_first(layers); error == 0 && l; l = json_next(l), i++) {
			const char *ln = json_string(l);

			if (!ln) {
				error = hush_err_set(HUSH_EPARSE, "%s: 'manifest.json' "
					"entry %zu: a layer is not a string", s->path, k);
				break;
			}
			im.nlayers = i + 1;
			if ((error = locate(s, ln, &im.layers[i].blob)) < 0)
				break;
			digest_from_name(im.layers[i].digest, ln);
			if (!im.layers[i].digest[0])
				digest_from_name(im.layers[i].digest,
					im.layers[i].blob.name);
		}
		if (error == 0) {
			struct image_blob cb;

			if ((error = locate(s, cfg, &cb)) == 0)
				error = read_blob(s, &cb, im.config_digest, &im.config);
		}
		if (error < 0) {
			image_dispose(&im);
			goto done;
		}
		if ((error = push_image(s, &im)) < 0)
			goto done;
	}
done:
	json_free(doc);
	hush_buf_dispose(&text);
	return error;
}

static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
		      !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

/* "os/arch[/variant]" of a descriptor's platform, or NULL. */
static char *platform_of(const struct json_val *p)
{
	const char *os = json_get_string(p, "os");
	const char *arch = json_get_string(p, "architecture");
	const char *var = json_get_string(p, "variant");
	struct hush_buf b = HUSH_BUF_INIT(256);

	if (!os || !arch)
		return NULL;
	if (hush_buf_printf(&b, "%s/%s%s%s", os, arch, var ? "/" : "",
		    var ? var : "") < 0)
		return NULL;
	return hush_buf_detach(&b);
}

static bool platform_matches(const char *want, const char *have)
{
	size_t n = strlen(want);

	if (!have)
		return false;
	/* "linux/arm64" also selects "linux/arm64/v8" */
	return !strcmp(want, have) ||
	       (!strncmp(want, have, n) && have[n] == '/' &&
		       strchr(want, '/') && strchr(want, '/') == strrchr(want, '/'));
}

/* An image manifest: its config and layers. */
static int load_manifest(struct image_src *s, const char *digest,
	const char *name, const char *platform)
{
	struct hush_buf text = HUSH_BUF_INIT(1);
	struct json *doc = NULL;
	const struct json_val *root, *cfg, *layers, *l;
	struct image_one im;
	const char *cd;
	size_t i = 0;
	int error;

	memset(&im, 0, sizeof(im));
	if ((error = read_json(s, NULL, digest, &text, &doc)) < 0)
		goto done;
	root = json_root(doc);
	cfg = json_get(root, "config");
	layers = json_get(root, "layers");
	cd = json_get_string(cfg, "digest");
	if (!cd || !image_digest_valid(cd) || !json_is_array(layers)) {
		error = hush_err_set(HUSH_EPARSE, "%s: manifest %s has no valid "
			"config or layers", s->path, digest);
		goto done;
	}
	im.name = strdup(name ? name : digest);
	im.platform = platform ? strdup(platform) : NULL;
	if (!im.name || (platform && !im.platform)) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(im.config_digest, cd, IMAGE_DIGEST_LEN + 1);
	memcpy(im.manifest_digest, digest, IMAGE_DIGEST_LEN + 1);
	if ((error = alloc_layers(s, &im, json_len(layers))) < 0)
		goto done;
	for (l = json_first(layers); l; l = json_next(l), i++) {
		const char *ld = json_get_string(l, "digest");
		const char *mt = json_get_string(l, "mediaType");

		if (!ld || !image_digest_valid(ld)) {
			error = hush_err_set(HUSH_EPARSE, "%s: manifest %s: layer "
				"%zu has no valid digest", s->path, digest, i + 1);
			goto done;
		}
		im.nlayers = i + 1;
		memcpy(im.layers[i].digest, ld, IMAGE_DIGEST_LEN + 1);
		if (mt && (im.layers[i].media_type = strdup(mt)) == NULL) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			goto done;
		}
		if ((error = locate_digest(s, ld, &im.layers[i].blob)) < 0)
			goto done;
	}
	{
		struct image_blob cb;

		if ((error = locate_digest(s, cd, &cb)) < 0 ||
		    (error = read_blob(s, &cb, cd, &im.config)) < 0)
			goto done;
	}
	error = push_image(s, &im);
	memset(&im, 0, sizeof(im));
done:
	image_dispose(&im);
	json_free(doc);
	hush_buf_dispose(&text);
	return error;
}

/*
 * An attestation manifest (BuildKit: provenance, SBOM) of an image already
 * found: its layers are in-toto JSON, where build args can show up; they are
 * read (verified) for scanning as text. One of an image not selected is
 * skipped.
 */
static int load_attestation(struct image_src *s, const char *digest,
	const char *ref)
{
	struct hush_buf text = HUSH_BUF_INIT(1);
	struct json *doc = NULL;
	const struct json_val *l;
	struct image_one *im = NULL;
	size_t i, n;
	int error;

	for (i = 0; ref && i < s->nimages; i++)
		if (!strcmp(s->images[i].manifest_digest, ref))
			im = &s->images[i];
	if (!im) {
		hush_log_info("%s: attestation manifest %s of no selected image "
			      "skipped", s->path, digest);
		return 0;
	}
	if ((error = read_json(s, NULL, digest, &text, &doc)) < 0)
		goto done;
	n = json_len(json_get(json_root(doc), "layers"));
	if (n > HUSH_MAX_IMAGE_LAYERS) {
		error = hush_err_set(HUSH_ELIMIT, "%s: attestation %s has more "
			"than %u layers", s->path, digest, HUSH_MAX_IMAGE_LAYERS);
		goto done;
	}
	for (l = json_first(json_get(json_root(doc), "layers")); l;
	     l = json_next(l)) {
		const char *ld = json_get_string(l, "digest");
		struct hush_buf *v;
		struct image_blob b;

		if (!ld || !image_digest_valid(ld)) {
			error = hush_err_set(HUSH_EPARSE, "%s: attestation %s: a "
				"layer has no valid digest", s->path, digest);
			goto done;
		}
		if ((v = realloc(im->attest, (im->nattest + 1) * sizeof(*v))) == NULL) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			goto done;
		}
		im->attest = v;
		hush_buf_init(&v[im->nattest], 1);
		im->nattest++;
		if ((error = locate_digest(s, ld, &b)) < 0 ||
		    (error = read_blob(s, &b, ld, &v[im->nattest - 1])) < 0)
			goto done;
	}
done:
	json_free(doc);
	hush_buf_dispose(&text);
	return error;
}

static int walk_index(struct image_src *s, const struct json_val *idx,
	const char *what, const struct image_select *sel, const char *name,
	unsigned depth)
{
	const struct json_val *d;
	int error = 0;

	if (depth > HUSH_MAX_IMAGE_NESTING)
		return hush_err_set(HUSH_ELIMIT, "%s: indexes nested more than %u "
			"deep (HUSH_MAX_IMAGE_NESTING)", s->path,
			HUSH_MAX_IMAGE_NESTING);
	if (!json_is_array(json_get(idx, "manifests")) &&
	    json_get(idx, "manifests"))
		return hush_err_set(HUSH_EPARSE, "%s: %s: \"manifests\" is not a "
			"list", s->path, what);
	for (d = json_first(json_get(idx, "manifests")); d && error == 0;
	     d = json_next(d)) {
		const char *mt = json_get_string(d, "mediaType");
		const char *dg = json_get_string(d, "digest");
		const struct json_val *ann = json_get(d, "annotations");
		const char *ref = json_get_string(ann,
			"org.opencontainers.image.ref.name");
		const char *cname = json_get_string(ann, "io.containerd.image.name");
		const char *rtype = json_get_string(ann, "vnd.docker.reference.type");
		const char *nm = name;
		char *plat = NULL;

		if (!dg || !image_digest_valid(dg))
			return hush_err_set(HUSH_EPARSE, "%s: %s: a descriptor has "
				"no valid digest", s->path, what);
		if (depth == 0) {
			if (sel->tag && !(ref && !strcmp(ref, sel->tag)) &&
			    !(cname && !strcmp(cname, sel->tag)))
				continue;
			nm = cname ? cname : ref;
		}
		if (rtype && !strcmp(rtype, "attestation-manifest"))
			continue; /* after the images: see below */
		if (is_index_type(mt)) {
			struct hush_buf text = HUSH_BUF_INIT(1);
			struct json *doc = NULL;

			if ((error = read_json(s, NULL, dg, &text, &doc)) == 0)
				error = walk_index(s, json_root(doc), dg, sel, nm,
					depth + 1);
			json_free(doc);
			hush_buf_dispose(&text);
			continue;
		}
		plat = platform_of(json_get(d, "platform"));
		if (sel->platform && !platform_matches(sel->platform, plat)) {
			free(plat);
			continue;
		}
		error = load_manifest(s, dg, nm, plat);
		free(plat);
	}
	for (d = json_first(json_get(idx, "manifests")); d && error == 0;
	     d = json_next(d)) {
		const struct json_val *ann = json_get(d, "annotations");
		const char *rtype = json_get_string(ann, "vnd.docker.reference.type");

		if (rtype && !strcmp(rtype, "attestation-manifest"))
			error = load_attestation(s, json_get_string(d, "digest"),
				json_get_string(ann, "vnd.docker.reference.digest"));
	}
	return error;
}

static int load_oci_index(struct image_src *s, const struct image_select *sel)
{
	struct hush_buf text = HUSH_BUF_INIT(1);
	struct json *doc = NULL;
	int error;

	if ((error = read_json(s, "index.json", NULL, &text, &doc)) == 0)
		error = walk_index(s, json_root(doc), "index.json", sel, NULL, 0);
	json_free(doc);
	hush_buf_dispose(&text);
	return error;
}

int image_src_open(struct image_src **out, const char *path,
	const struct image_select *sel)
{
	struct image_src *s;
	struct image_blob b;
	struct stat st;
	unsigned char magic[6];
	int error;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	s->fd = -1;
	if ((s->path = strdup(path)) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	if (stat(path, &st) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s: cannot open", path);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		s->is_dir = true;
		s->kind = "oci-layout";
		if ((error = locate(s, "oci-layout", &b)) < 0) {
			error = hush_err_set(HUSH_EPARSE, "%s: not an OCI layout "
				"(no oci-layout file)", path);
			goto done;
		}
		error = load_oci_index(s, sel);
		goto check;
	}
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(s->fd, &st) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s: cannot open", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = hush_err_set(HUSH_EUSAGE, "%s: not a file or folder", path);
		goto done;
	}
	s->file_size = (uint64_t)st.st_size;
	if (s->file_size >= 6 && pread_all(s->fd, magic, 6, 0) == 0 &&
	    ((magic[0] == 0x1f && magic[1] == 0x8b) ||
	     !memcmp(magic, "\x28\xb5\x2f\xfd", 4) || !memcmp(magic, "BZh", 3) ||
	     !memcmp(magic, "\xfd" "7zXZ\0", 6))) {
		error = hush_err_set(HUSH_EPARSE, "%s: a compressed archive; "
			"decompress it first (hush image reads the tar in place)",
			path);
		goto done;
	}
	if ((error = index_tar(s)) < 0)
		goto done;
	if (find_member(s, "manifest.json")) {
		s->kind = "docker-archive";
		error = load_docker_manifest(s, sel);
	} else if (find_member(s, "index.json")) {
		s->kind = "oci-archive";
		error = load_oci_index(s, sel);
	} else {
		error = hush_err_set(HUSH_EPARSE, "%s: neither a docker save "
			"archive nor an OCI archive (no manifest.json or "
			"index.json)", path);
	}
check:
	if (error == 0 && s->nimages == 0)
		error = hush_err_set(HUSH_EUSAGE, "%s: no image%s%s%s%s%s", path,
			sel->tag ? " tagged " : "", sel->tag ? sel->tag : "",
			sel->platform ? " for platform " : "",
			sel->platform ? sel->platform : "",
			sel->tag || sel->platform ? "" : " in it");
done:
	if (error < 0) {
		image_src_free(s);
		return error;
	}
	*out = s;
	return 0;
}

void image_src_free(struct image_src *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nimages; i++)
		image_dispose(&s->images[i]);
	free(s->images);
	for (i = 0; i < s->nmembers; i++) {
		free(s->members[i].name);
		free(s->members[i].link);
	}
	free(s->members);
	strlist_dispose(&s->files);
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	free(s);
}

struct image_one *image_src_images(struct image_src *s, size_t *n)
{
	*n = s->nimages;
	return s->images;
}

const char *image_src_kind(const struct image_src *s)
{
	return s->kind;
}
