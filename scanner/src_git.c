/* SPDX-License-Identifier: MIT */
/*
 * src_git.c - git history through libgit2 (the only file that includes it).
 *
 * Objects are numbered by their place in the sorted list of every object id
 * in the database (packs and loose objects, so unreachable ones too). Per
 * object we keep its type and the first commit (topological index + 1,
 * oldest first) whose tree reaches it: 25 bytes an object, whatever the
 * history's size. The commit walk reads each tree once: a tree already
 * marked was walked by an earlier commit. Workers read objects with their
 * own database handle; blobs are scanned whole, commits and tags from the
 * blank line that ends their headers (the message).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "src_git.h"

/* first[] value of objects that --since REV reaches: never scanned */
#define HIDDEN UINT32_MAX
#define NONE UINT32_MAX
/* types[] value of an object the walk could not read: not read again */
#define BAD_OBJECT 0xff
/* objects named one by one when they cannot be read; then one summary */
#define READ_WARNINGS 100

struct root {
	char *name;   /* the ref, for a tag of a tree or a blob */
	uint32_t obj;
};

struct missing {
	git_oid oid;
	uint32_t by;  /* the object that needs it */
};

struct git_src {
	struct scan *scan;
	struct git_src_opts opts;
	char *repo_name;
	char *objects_dir;          /* for the workers' handles */
	git_repository *repo;
	git_odb *odb;

	git_oid *oids;              /* sorted, unique; staged mode: in order */
	size_t n, alloc;
	unsigned char *types;       /* git_object_t, 0 while unknown */
	unsigned char *read_types;  /* the type each worker read (its own ids) */
	uint32_t *first;            /* 0, topo index + 1, or HIDDEN */
	char **paths;               /* staged mode: each blob's path */

	uint32_t *topo;             /* commits oldest first (object numbers) */
	uint32_t *ctree;            /* the tree of each, or NONE */
	size_t ncommits;
	struct root *roots;
	size_t nroots;

	struct missing *missing;
	size_t nmissing, missing_alloc;
	size_t objects_listed;
	int list_error;             /* add_oid's error inside git_odb_foreach */
	uint32_t *order;            /* submission order (pack offsets), or NULL */
	atomic_size_t read_failures;
};

struct git_worker {
	struct git_src *g;
	git_odb *odb;
	git_odb_object *obj;
	char display[GIT_OID_HEXSZ + 32];
};

static const char *git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static void hex_of(char out[GIT_OID_HEXSZ + 1], const git_oid *id)
{
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, id);
}

/* the object's number, or NONE when the database lacks it */
static uint32_t find_obj(const struct git_src *g, const git_oid *id)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = git_oid_cmp(&g->oids[mid], id);

		if (c == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

static int note_missing(struct git_src *g, const git_oid *id, uint32_t by)
{
	if (g->nmissing == g->missing_alloc) {
		size_t n = g->missing_alloc ? g->missing_alloc * 2 : 16;
		struct missing *v = realloc(g->missing, n * sizeof(*v));

		if (!v)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		g->missing = v;
		g->missing_alloc = n;
	}
	g->missing[g->nmissing].oid = *id;
	g->missing[g->nmissing].by = by;
	g->nmissing++;
	return 0;
}

static int cmp_missing(const void *x, const void *y)
{
	const struct missing *a = x, *b = y;
	int c = git_oid_cmp(&a->oid, &b->oid);

	return c ? c : a->by < b->by ? -1 : a->by > b->by;
}

/* one warning per missing object, naming the first commit that needs it */
static void warn_missing(struct git_src *g)
{
	size_t i;

	if (g->nmissing > 1)
		qsort(g->missing, g->nmissing, sizeof(*g->missing), cmp_missing);
	for (i = 0; i < g->nmissing; i++) {
		const struct missing *m = &g->missing[i];
		char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];

		if (i && !git_oid_cmp(&m->oid, &g->missing[i - 1].oid))
			continue;
		hex_of(a, &m->oid);
		if (m->by == NONE) {
			scan_warn(g->scan, "%s: object %s is missing from the "
					   "object database", g->repo_name, a);
			continue;
		}
		hex_of(b, &g->oids[m->by]);
		scan_warn(g->scan, "%s: object %s (needed by %s %s) is missing "
				   "from the object database (shallow or "
				   "partial clone?)", g->repo_name, a,
			g->types[m->by] == GIT_OBJECT_COMMIT ? "commit"
			: g->types[m->by] == GIT_OBJECT_TREE ? "tree"
							     : "object", b);
	}
	g->nmissing = 0;
}

/* ------------------------------------------------------------- opening */

int git_src_open(struct git_src **out, struct scan *scan,
	const struct git_src_opts *opts)
{
	struct git_src *g;
	struct hush_buf b = HUSH_BUF_INIT(HUSH_MAX_PATH);
	int error;

	*out = NULL;
	if (git_libgit2_init() < 0)
		return hush_err_set(HUSH_ERROR, "cannot start libgit2: %s",
			git_msg());
	/* each object is read once: no cache; the scan does not need the
	 * hash check (a corrupt object fails to inflate) */
	(void)git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	(void)git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		git_libgit2_shutdown();
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	*out = g;
	g->scan = scan;
	g->opts = *opts;
	if ((g->repo_name = strdup(opts->repo)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	if (git_repository_open_ext(&g->repo, opts->repo,
		    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return hush_err_set(HUSH_EIO, "%s: not a git repository (or "
			"cannot be opened): %s", opts->repo, git_msg());
	if (git_repository_odb(&g->odb, g->repo) < 0)
		return hush_err_set(HUSH_EIO, "%s: cannot open the object "
			"database: %s", opts->repo, git_msg());
	if ((error = hush_buf_printf(&b, "%sobjects",
		     git_repository_commondir(g->repo))) < 0)
		return error;
	g->objects_dir = hush_buf_detach(&b);
	return 0;
}

const char *git_src_workdir(const struct git_src *g)
{
	return git_repository_workdir(g->repo);
}

void git_src_counts(const struct git_src *g, size_t *objects,
	size_t *commits)
{
	*objects = g->objects_listed;
	*commits = g->ncommits;
}

/* ------------------------------------------------------------- listing */

static int add_oid(struct git_src *g, const git_oid *id)
{
	if (g->n == g->alloc) {
		size_t n = g->alloc ? g->alloc * 2 : 4096;
		git_oid *v;

		if (g->n >= HUSH_MAX_GIT_OBJECTS)
			return hush_err_set(HUSH_ELIMIT, "%s: more than %u objects "
				"(HUSH_MAX_GIT_OBJECTS); the rest are not scanned",
				g->repo_name, HUSH_MAX_GIT_OBJECTS);
		if (n > HUSH_MAX_GIT_OBJECTS)
			n = HUSH_MAX_GIT_OBJECTS;
		if ((v = realloc(g->oids, n * sizeof(*v))) == NULL)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		g->oids = v;
		g->alloc = n;
	}
	g->oids[g->n++] = *id;
	return 0;
}

static int list_cb(const git_oid *id, void *payload)
{
	struct git_src *g = payload;

	if ((g->list_error = add_oid(g, id)) < 0)
		return GIT_EUSER;
	return 0;
}

static int cmp_oid(const void *x, const void *y)
{
	return git_oid_cmp(x, y);
}

static int list_objects(struct git_src *g)
{
	size_t i, k = 0;
	int rc;

	rc = git_odb_foreach(g->odb, list_cb, g);
	if (rc == GIT_EUSER && g->list_error == HUSH_ENOMEM)
		return HUSH_ENOMEM;
	if (rc == GIT_EUSER)
		scan_warn(g->scan, "%s", hush_err_msg());
	else if (rc < 0)
		scan_warn(g->scan, "%s: cannot list every object: %s",
			g->repo_name, git_msg());
	g->objects_listed = g->n;
	if (g->n > 1)
		qsort(g->oids, g->n, sizeof(*g->oids), cmp_oid);
	for (i = 0; i < g->n; i++)
		if (k == 0 || git_oid_cmp(&g->oids[k - 1], &g->oids[i]))
			g->oids[k++] = g->oids[i];
	g->n = k;
	g->types = calloc(g->n ? g->n : 1, 1);
	g->read_types = calloc(g->n ? g->n : 1, 1);
	g->first = calloc(g->n ? g->n : 1, sizeof(*g->first));
	if (!g->types || !g->read_types || !g->first)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

/* ------------------------------------------------------ pack order */

/*
 * Objects are read in the order of their packs, as `git cat-file
 * --unordered` does: a delta's base then comes just before it and is still in
 * libgit2's delta base cache, instead of being rebuilt for each delta. The
 * offsets come from the .idx files (version 2); a file that is not one is
 * left out of the ordering only (its objects come last, in id order, and are
 * read all the same), so no check here decides what is scanned.
 */
struct okey {
	uint64_t key; /* pack number << 40 | offset; UINT64_MAX: loose */
	uint32_t id;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static unsigned char *read_small_file(const char *path, size_t max,
	size_t *len)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size > max ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static void key_idx(struct git_src *g, struct okey *keys, const char *path,
	uint64_t packno)
{
	/* header, fanout, then per object: id, crc, offset; 64-bit offsets */
	size_t len = 0, n, i, big_at, nbig;
	unsigned char *b = read_small_file(path, 1072 +
		(size_t)HUSH_MAX_GIT_OBJECTS * 36 + 40, &len);

	if (!b)
		return;
	if (len < 1072 + 40 || memcmp(b, "\377tOc\0\0\0\2", 8)) {
		hush_log_debug("%s: not a version 2 pack index, read unordered", path);
		goto done;
	}
	n = be32(b + 8 + 255 * 4);
	if (n > HUSH_MAX_GIT_OBJECTS || len - 1072 - 40 < n * 28)
		goto done;
	big_at = 1072 + n * 28;
	nbig = (len - 40 - big_at) / 8;
	for (i = 0; i < n; i++) {
		uint32_t x, off32 = be32(b + 1072 + n * 24 + i * 4);
		uint64_t off = off32;
		git_oid id;

		if (off32 & 0x80000000u) {
			size_t k = off32 & 0x7fffffffu;

			if (k >= nbig)
				continue;
			off = (uint64_t)be32(b + big_at + k * 8) << 32 |
			      be32(b + big_at + k * 8 + 4);
		}
		memcpy(id.id, b + 1072 + i * 20, GIT_OID_RAWSZ);
		x = find_obj(g, &id);
		if (x != NONE && keys[x].key == UINT64_MAX && off < ((uint64_t)1 << 40))
			keys[x].key = packno << 40 | off;
	}
done:
	free(b);
}

static int cmp_okey(const void *x, const void *y)
{
	const struct okey *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* g->order: the object numbers by pack and offset; NULL if no memory */
static void pack_order(struct git_src *g)
{
	struct hush_buf dir = HUSH_BUF_INIT(HUSH_MAX_PATH), path = HUSH_BUF_INIT(HUSH_MAX_PATH);
	struct okey *keys;
	struct dirent *de;
	uint64_t packno = 0;
	DIR *d;
	size_t i;

	if (g->n == 0 || (keys = malloc(g->n * sizeof(*keys))) == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		keys[i].key = UINT64_MAX;
		keys[i].id = (uint32_t)i;
	}
	if (hush_buf_printf(&dir, "%s/pack", g->objects_dir) == 0 &&
	    (d = opendir(dir.ptr)) != NULL) {
		while ((de = readdir(d)) != NULL && packno < 0xffffff) {
			size_t nl = strlen(de->d_name);

			if (nl < 5 || strcmp(de->d_name + nl - 4, ".idx"))
				continue;
			hush_buf_clear(&path);
			if (hush_buf_printf(&path, "%s/%s", dir.ptr, de->d_name) == 0)
				key_idx(g, keys, path.ptr, packno++);
		}
		closedir(d);
	}
	qsort(keys, g->n, sizeof(*keys), cmp_okey);
	if ((g->order = malloc(g->n * sizeof(*g->order))) != NULL)
		for (i = 0; i < g->n; i++)
			g->order[i] = keys[i].id;
	free(keys);
	hush_buf_dispose(&dir);
	hush_buf_dispose(&path);
}

/* ------------------------------------------------------- commit graph */

struct node {
	uint32_t obj;
	uint32_t tree;      /* object number or NONE */
	uint32_t pstart;    /* parents in graph.parents[pstart, pstart+np) */
	uint32_t np;
	int64_t time;
};

struct graph {
	struct node *v;
	size_t len, alloc;
	uint32_t *parents;  /* node numbers, after link; object numbers before */
	size_t nparents, parents_alloc;
	uint32_t *node_of;  /* object number -> node + 1 */
	uint32_t *stack;
	size_t slen, salloc;
};

static int push_stack(struct graph *gr, uint32_t obj)
{
	if (gr->slen == gr->salloc) {
		size_t n = gr->salloc ? gr->salloc * 2 : 1024;
		uint32_t *v = realloc(gr->stack, n * sizeof(*v));

		if (!v)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		gr->stack = v;
		gr->salloc = n;
	}
	gr->stack[gr->slen++] = obj;
	return 0;
}

static int add_parent(struct graph *gr, uint32_t obj)
{
	if (gr->nparents == gr->parents_alloc) {
		size_t n = gr->parents_alloc ? gr->parents_alloc * 2 : 1024;
		uint32_t *v = realloc(gr->parents, n * sizeof(*v));

		if (!v)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		gr->parents = v;
		gr->parents_alloc = n;
	}
	gr->parents[gr->nparents++] = obj;
	return 0;
}

/*
 * Read the commits reachable from the stack into gr. Commits marked in
 * stop (a node_of of an earlier graph) are not entered: --since.
 */
static int gather(struct git_src *g, struct graph *gr, const uint32_t *stop)
{
	int error;

	while (gr->slen) {
		uint32_t obj = gr->stack[--gr->slen];
		git_commit *c = NULL;
		struct node *nd;
		unsigned i, np;

		if (gr->node_of[obj] || (stop && stop[obj]))
			continue;
		if (git_commit_lookup(&c, g->repo, &g->oids[obj]) < 0) {
			char hex[GIT_OID_HEXSZ + 1];

			hex_of(hex, &g->oids[obj]);
			scan_warn(g->scan, "%s: commit %s cannot be read: %s",
				g->repo_name, hex, git_msg());
			gr->node_of[obj] = UINT32_MAX; /* do not retry */
			g->types[obj] = BAD_OBJECT;
			continue;
		}
		if (gr->len == gr->alloc) {
			size_t n = gr->alloc ? gr->alloc * 2 : 1024;
			struct node *v = realloc(gr->v, n * sizeof(*v));

			if (!v) {
				git_commit_free(c);
				return hush_err_set(HUSH_ENOMEM, "out of memory");
			}
			gr->v = v;
			gr->alloc = n;
		}
		nd = &gr->v[gr->len];
		gr->node_of[obj] = (uint32_t)++gr->len;
		g->types[obj] = GIT_OBJECT_COMMIT;
		nd->obj = obj;
		nd->time = (int64_t)git_commit_time(c);
		nd->tree = find_obj(g, git_commit_tree_id(c));
		if (nd->tree == NONE &&
		    (error = note_missing(g, git_commit_tree_id(c), obj)) < 0)
			goto fail;
		nd->pstart = (uint32_t)gr->nparents;
		nd->np = 0;
		np = git_commit_parentcount(c);
		for (i = 0; i < np; i++) {
			const git_oid *pid = git_commit_parent_id(c, i);
			uint32_t p = pid ? find_obj(g, pid) : NONE;

			if (p == NONE) {
				if (pid && (error = note_missing(g, pid, obj)) < 0)
					goto fail;
				continue;
			}
			if ((error = add_parent(gr, p)) < 0 ||
			    (error = push_stack(gr, p)) < 0)
				goto fail;
			nd->np++;
		}
		git_commit_free(c);
		continue;
fail:
		git_commit_free(c);
		return error;
	}
	return 0;
}

/* min-heap of node numbers by (commit time, object number) */
struct heap {
	uint32_t *v;
	size_t len;
	const struct node *nodes;
};

static bool heap_less(const struct heap *h, uint32_t a, uint32_t b)
{
	const struct node *x = &h->nodes[a], *y = &h->nodes[b];

	if (x->time != y->time)
		return x->time < y->time;
	return x->obj < y->obj;
}

static void heap_push(struct heap *h, uint32_t x)
{
	size_t i = h->len++;

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!heap_less(h, x, h->v[p]))
			break;
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = x;
}

static uint32_t heap_pop(struct heap *h)
{
	uint32_t top = h->v[0], x = h->v[--h->len];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= h->len)
			break;
		if (l + 1 < h->len && heap_less(h, h->v[l + 1], h->v[l]))
			m = l + 1;
		if (!heap_less(h, h->v[m], x))
			break;
		h->v[i] = h->v[m];
		i = m;
	}
	if (h->len)
		h->v[i] = x;
	return top;
}

/*
 * Order the graph's commits parents first (Kahn), oldest ready commit
 * first; append their object numbers to g->topo.
 */
static int topo_sort(struct git_src *g, struct graph *gr)
{
	uint32_t *pending = NULL, *cstart = NULL, *children = NULL;
	struct heap h = { NULL, 0, gr->v };
	size_t i, j;
	int error = 0;

	/* parents: object numbers -> node numbers; drop the ones not here */
	for (i = 0; i < gr->len; i++) {
		struct node *nd = &gr->v[i];
		uint32_t k = 0;

		for (j = 0; j < nd->np; j++) {
			uint32_t p = gr->node_of[gr->parents[nd->pstart + j]];

			if (p && p != UINT32_MAX)
				gr->parents[nd->pstart + k++] = p - 1;
		}
		nd->np = k;
	}
	pending = calloc(gr->len + 1, sizeof(*pending));
	cstart = calloc(gr->len + 2, sizeof(*cstart));
	children = malloc((gr->nparents + 1) * sizeof(*children));
	h.v = malloc((gr->len + 1) * sizeof(*h.v));
	if (!pending || !cstart || !children || !h.v) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < gr->len; i++) {
		pending[i] = gr->v[i].np;
		for (j = 0; j < gr->v[i].np; j++)
			cstart[gr->parents[gr->v[i].pstart + j] + 2]++;
	}
	for (i = 2; i < gr->len + 2; i++)
		cstart[i] += cstart[i - 1];
	for (i = 0; i < gr->len; i++)
		for (j = 0; j < gr->v[i].np; j++)
			children[cstart[gr->parents[gr->v[i].pstart + j] + 1]++] =
				(uint32_t)i;
	for (i = 0; i < gr->len; i++)
		if (pending[i] == 0)
			heap_push(&h, (uint32_t)i);
	while (h.len) {
		uint32_t x = heap_pop(&h);

		g->topo[g->ncommits++] = gr->v[x].obj;
		for (j = cstart[x]; j < cstart[x + 1]; j++)
			if (--pending[children[j]] == 0)
				heap_push(&h, children[j]);
	}
done:
	free(pending);
	free(cstart);
	free(children);
	free(h.v);
	return error;
}

/* ---------------------------------------------------------- tree walk */

/*
 * Mark the trees and blobs of tree obj (not yet marked) with mark; trees
 * already marked were walked before and are skipped.
 */
static int walk_tree(struct git_src *g, uint32_t obj, uint32_t mark,
	uint32_t by, unsigned depth)
{
	git_tree *t = NULL;
	size_t i, n;
	int error = 0;

	g->first[obj] = mark;
	g->types[obj] = GIT_OBJECT_TREE;
	if (depth > HUSH_MAX_DEPTH) {
		char hex[GIT_OID_HEXSZ + 1];

		hex_of(hex, &g->oids[obj]);
		scan_warn(g->scan, "%s: tree %s is nested deeper than %u "
				   "(HUSH_MAX_DEPTH); not walked", g->repo_name,
			hex, HUSH_MAX_DEPTH);
		return 0;
	}
	if (git_tree_lookup(&t, g->repo, &g->oids[obj]) < 0) {
		char hex[GIT_OID_HEXSZ + 1];

		hex_of(hex, &g->oids[obj]);
		scan_warn(g->scan, "%s: tree %s cannot be read: %s",
			g->repo_name, hex, git_msg());
		g->types[obj] = BAD_OBJECT;
		return 0;
	}
	n = git_tree_entrycount(t);
	for (i = 0; i < n && error == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		git_object_t type = git_tree_entry_type(e);
		uint32_t x;

		if (type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB)
			continue; /* a submodule's commit lives elsewhere */
		x = find_obj(g, git_tree_entry_id(e));
		if (x == NONE) {
			error = note_missing(g, git_tree_entry_id(e), by);
			continue;
		}
		if (g->first[x] || g->types[x] == BAD_OBJECT)
			continue;
		if (type == GIT_OBJECT_TREE) {
			error = walk_tree(g, x, mark, by, depth + 1);
		} else {
			g->first[x] = mark;
			g->types[x] = GIT_OBJECT_BLOB;
		}
	}
	git_tree_free(t);
	return error;
}

/* Walk the trees of the commits in gr (any order) with mark. */
static int walk_hidden(struct git_src *g, struct graph *gr)
{
	size_t i;
	int error = 0;

	for (i = 0; i < gr->len && error == 0; i++) {
		g->first[gr->v[i].obj] = HIDDEN;
		if (gr->v[i].tree != NONE && !g->first[gr->v[i].tree])
			error = walk_tree(g, gr->v[i].tree, HIDDEN,
				gr->v[i].obj, 0);
	}
	return error;
}

/* ----------------------------------------------------------- the refs */

static int add_root(struct git_src *g, const char *name, uint32_t obj)
{
	struct root *v = realloc(g->roots, (g->nroots + 1) * sizeof(*v));

	if (!v)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	g->roots = v;
	if ((v[g->nroots].name = strdup(name)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	v[g->nroots++].obj = obj;
	return 0;
}

/*
 * Follow id through annotated tags to a commit (pushed on the stack) or a
 * tree or blob (a root). A ref that points nowhere is a warning.
 */
static int add_tip(struct git_src *g, struct graph *gr, const char *name,
	const git_oid *id)
{
	git_oid cur = *id;
	unsigned hops;

	for (hops = 0; hops < 32; hops++) {
		uint32_t x = find_obj(g, &cur);
		git_odb_object *o = NULL;
		git_object_t type;
		char hex[GIT_OID_HEXSZ + 1];

		hex_of(hex, &cur);
		if (x == NONE) {
			scan_warn(g->scan, "%s: %s points to %s, which is not in "
					   "the object database", g->repo_name,
				name, hex);
			return 0;
		}
		if (g->types[x] == GIT_OBJECT_COMMIT)
			return push_stack(gr, x);
		if (git_odb_read(&o, g->odb, &cur) < 0) {
			scan_warn(g->scan, "%s: %s: object %s cannot be read: %s",
				g->repo_name, name, hex, git_msg());
			g->types[x] = BAD_OBJECT;
			return 0;
		}
		type = git_odb_object_type(o);
		git_odb_object_free(o);
		g->types[x] = (unsigned char)type;
		if (type == GIT_OBJECT_COMMIT)
			return push_stack(gr, x);
		if (type == GIT_OBJECT_TREE || type == GIT_OBJECT_BLOB)
			return add_root(g, name, x);
		if (type != GIT_OBJECT_TAG) {
			scan_warn(g->scan, "%s: %s points to %s, which is not a "
					   "commit, tag, tree or blob", g->repo_name,
				name, hex);
			return 0;
		}
		{
			git_tag *tag = NULL;

			if (git_tag_lookup(&tag, g->repo, &cur) < 0) {
				scan_warn(g->scan, "%s: %s: tag %s cannot be read: "
						   "%s", g->repo_name, name, hex,
					git_msg());
				return 0;
			}
			cur = *git_tag_target_id(tag);
			git_tag_free(tag);
		}
	}
	scan_warn(g->scan, "%s: %s: more than 32 nested tags", g->repo_name, name);
	return 0;
}

/*
 * libgit2's ref iterator passes over a loose ref file it cannot parse
 * without a word, so the loose refs are also looked up one by one: a
 * file of garbage is a warning naming it.
 */
static void check_loose_refs(struct git_src *g, struct hush_buf *path,
	size_t name_at, unsigned depth)
{
	size_t len = path->len;
	DIR *d;
	struct dirent *de;

	if (depth > HUSH_MAX_DEPTH || (d = opendir(path->ptr)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		git_reference *ref = NULL;
		struct stat sb;

		size_t nl = strlen(de->d_name);

		/* hidden files and the lock files of a git at work */
		if (de->d_name[0] == '.' ||
		    (nl > 5 && !strcmp(de->d_name + nl - 5, ".lock")))
			continue;
		path->len = len;
		path->ptr[len] = '\0';
		if (hush_buf_printf(path, "/%s", de->d_name) < 0 ||
		    lstat(path->ptr, &sb) < 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			check_loose_refs(g, path, name_at, depth + 1);
		} else if (S_ISREG(sb.st_mode) &&
			   git_reference_lookup(&ref, g->repo,
				   path->ptr + name_at) < 0 &&
			   git_error_last() != NULL) {
			scan_warn(g->scan, "%s: ref %s cannot be read: %s",
				g->repo_name, path->ptr + name_at, git_msg());
		}
		git_reference_free(ref);
	}
	closedir(d);
	path->len = len;
	path->ptr[len] = '\0';
}

/* Every ref (branches, tags, remotes, stash, notes) and HEAD. */
static int add_all_refs(struct git_src *g, struct graph *gr)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc = 0, error = 0;

	if (git_reference_iterator_new(&it, g->repo) < 0) {
		scan_warn(g->scan, "%s: cannot list the refs: %s", g->repo_name,
			git_msg());
		return 0;
	}
	while (error == 0 && (rc = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			error = add_tip(g, gr, git_reference_name(ref),
				git_reference_target(ref));
		git_reference_free(ref);
		ref = NULL;
	}
	git_reference_iterator_free(it);
	if (rc < 0 && rc != GIT_ITEROVER && error == 0)
		scan_warn(g->scan, "%s: cannot list every ref: %s", g->repo_name,
			git_msg());
	if (error == 0) {
		struct hush_buf path = HUSH_BUF_INIT(HUSH_MAX_PATH);
		const char *common = git_repository_commondir(g->repo);
		size_t n = common ? strlen(common) : 0;

		/* commondir ends with '/'; names start at "refs/" */
		if (n && hush_buf_printf(&path, "%srefs", common) == 0)
			check_loose_refs(g, &path, n, 0);
		hush_buf_dispose(&path);
	}
	if (error == 0 && git_reference_lookup(&ref, g->repo, "HEAD") == 0) {
		git_reference *res = NULL;

		/* a detached HEAD; an unborn branch is no error */
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			error = add_tip(g, gr, "HEAD", git_reference_target(ref));
		else if (git_reference_resolve(&res, ref) == 0)
			git_reference_free(res);
		git_reference_free(ref);
	}
	return error;
}

/* A revision the user named (--branch, --since). */
static int add_rev(struct git_src *g, struct graph *gr, const char *opt,
	const char *rev)
{
	git_object *o = NULL;
	int error;

	if (git_revparse_single(&o, g->repo, rev) < 0)
		return hush_err_set(HUSH_EUSAGE, "%s %s: no such revision in %s: %s",
			opt, rev, g->repo_name, git_msg());
	if (!strcmp(opt, "--since")) {
		git_object *c = NULL;

		if (git_object_peel(&c, o, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(o);
			return hush_err_set(HUSH_EUSAGE, "%s %s: not a commit in %s",
				opt, rev, g->repo_name);
		}
		git_object_free(o);
		o = c;
	}
	error = add_tip(g, gr, rev, git_object_id(o));
	git_object_free(o);
	return error;
}

static void graph_dispose(struct graph *gr)
{
	free(gr->v);
	free(gr->parents);
	free(gr->node_of);
	free(gr->stack);
	memset(gr, 0, sizeof(*gr));
}

static int graph_init(struct git_src *g, struct graph *gr)
{
	memset(gr, 0, sizeof(*gr));
	if ((gr->node_of = calloc(g->n ? g->n : 1, sizeof(*gr->node_of))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

static int select_history(struct git_src *g)
{
	struct graph hidden, gr;
	size_t i;
	int error;

	memset(&hidden, 0, sizeof(hidden));
	if ((error = list_objects(g)) < 0 || (error = graph_init(g, &gr)) < 0)
		return error;
	if (g->opts.since) {
		if ((error = graph_init(g, &hidden)) < 0 ||
		    (error = add_rev(g, &hidden, "--since", g->opts.since)) < 0 ||
		    (error = gather(g, &hidden, NULL)) < 0 ||
		    (error = walk_hidden(g, &hidden)) < 0)
			goto done;
	}
	if (g->opts.branches && g->opts.branches->len) {
		for (i = 0; i < g->opts.branches->len && error == 0; i++)
			error = add_rev(g, &gr, "--branch", g->opts.branches->v[i]);
	} else {
		error = add_all_refs(g, &gr);
	}
	if (error < 0 ||
	    (error = gather(g, &gr, g->opts.since ? hidden.node_of : NULL)) < 0)
		goto done;
	if ((g->topo = malloc((gr.len + 1) * sizeof(*g->topo))) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = topo_sort(g, &gr)) < 0)
		goto done;
	if ((g->ctree = malloc((g->ncommits + 1) * sizeof(*g->ctree))) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < g->ncommits; i++) {
		g->first[g->topo[i]] = (uint32_t)i + 1;
		g->ctree[i] = gr.v[gr.node_of[g->topo[i]] - 1].tree;
	}
done:
	graph_dispose(&hidden);
	graph_dispose(&gr);
	return error;
}

/*
 * Walk the trees of the commits oldest first, then those of the roots,
 * marking each blob with the first commit that reaches it. The blobs are
 * queued afterwards in pack order (git_src_submit): reading them in the
 * order the walk reaches them costs about a tenth more CPU, since libgit2's
 * delta base cache then misses more often.
 */
static int walk_history(struct git_src *g)
{
	size_t i;
	int error = 0;

	for (i = 0; i < g->ncommits && error == 0; i++) {
		uint32_t t = g->ctree[i];

		if (t != NONE && !g->first[t])
			error = walk_tree(g, t, (uint32_t)i + 1, g->topo[i], 0);
	}
	for (i = 0; i < g->nroots && error == 0; i++) {
		uint32_t x = g->roots[i].obj, mark = (uint32_t)(g->ncommits + i + 1);

		if (g->first[x])
			continue;
		if (g->types[x] == GIT_OBJECT_TREE) {
			error = walk_tree(g, x, mark, x, 0);
		} else {
			g->first[x] = mark;
		}
	}
	if (error == 0) {
		warn_missing(g);
		pack_order(g);
	}
	return error;
}

/* --staged: the blobs of the index that HEAD's tree does not hold. */
static int select_staged(struct git_src *g)
{
	git_index *index = NULL;
	git_tree *head = NULL;
	git_object *o = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts;
	size_t i, n;
	int error = 0;

	if (git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION) < 0)
		return hush_err_set(HUSH_ERROR, "libgit2: %s", git_msg());

	if (git_repository_index(&index, g->repo) < 0)
		return hush_err_set(HUSH_EIO, "%s: cannot read the index: %s",
			g->repo_name, git_msg());
	if (git_revparse_single(&o, g->repo, "HEAD^{tree}") == 0)
		head = (git_tree *)o; /* else an unborn branch: all is new */
	dopts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_index(&diff, g->repo, head, index, &dopts) < 0) {
		error = hush_err_set(HUSH_EIO, "%s: cannot compare the index "
			"with HEAD: %s", g->repo_name, git_msg());
		goto done;
	}
	n = git_diff_num_deltas(diff);
	if ((g->paths = calloc(n ? n : 1, sizeof(*g->paths))) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n && error == 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED || git_oid_is_zero(&d->new_file.id) ||
		    (d->new_file.mode & 0170000) == 0160000)
			continue;
		if ((g->paths[g->n] = strdup(d->new_file.path)) == NULL)
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
		else
			error = add_oid(g, &d->new_file.id);
	}
	g->objects_listed = g->n;
	if (error == 0 && ((g->types = calloc(g->n ? g->n : 1, 1)) == NULL ||
			      (g->read_types = calloc(g->n ? g->n : 1, 1)) == NULL))
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
done:
	git_diff_free(diff);
	git_tree_free(head);
	git_index_free(index);
	return error;
}

/* ------------------------------------------------------------ workers */

static int worker_new(void *src, void **wctx)
{
	struct git_src *g = src;
	struct git_worker *w = calloc(1, sizeof(*w));

	*wctx = NULL;
	if (!w)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	w->g = g;
	if (git_odb_open(&w->odb, g->objects_dir) < 0) {
		free(w);
		return hush_err_set(HUSH_EIO, "%s: cannot open the object "
			"database: %s", g->repo_name, git_msg());
	}
	*wctx = w;
	return 0;
}

static void worker_free(void *wctx)
{
	struct git_worker *w = wctx;

	git_odb_object_free(w->obj);
	git_odb_free(w->odb);
	free(w);
}

static int worker_fetch(void *wctx, size_t id, const unsigned char **data,
	size_t *len, const char **display)
{
	struct git_worker *w = wctx;
	struct git_src *g = w->g;
	const unsigned char *p, *e, *msg;
	git_object_t type;
	char hex[GIT_OID_HEXSZ + 1];

	hex_of(hex, &g->oids[id]);
	if (git_odb_read(&w->obj, w->odb, &g->oids[id]) < 0) {
		size_t nth = atomic_fetch_add(&g->read_failures, 1);

		w->obj = NULL;
		if (nth < READ_WARNINGS)
			scan_warn(g->scan, "%s: object %s cannot be read: %s",
				g->repo_name, hex, git_msg());
		else if (nth == READ_WARNINGS)
			scan_warn(g->scan, "%s: more objects cannot be read; "
					   "the count follows at the end",
				g->repo_name);
		return HUSH_EIO;
	}
	type = git_odb_object_type(w->obj);
	/* only this worker touches read_types[id] until the scan ends */
	g->read_types[id] = (unsigned char)type;
	p = git_odb_object_data(w->obj);
	*len = git_odb_object_size(w->obj);
	if (type == GIT_OBJECT_BLOB) {
		*data = p;
		(void)snprintf(w->display, sizeof(w->display), "blob %s", hex);
		*display = w->display;
		return 1;
	}
	if (type == GIT_OBJECT_COMMIT || type == GIT_OBJECT_TAG) {
		/* the message follows the first blank line */
		e = p + *len;
		for (msg = p; msg + 1 < e; msg++)
			if (msg[0] == '\n' && msg[1] == '\n')
				break;
		if (msg + 1 < e) {
			*data = msg + 2;
			*len = (size_t)(e - (msg + 2));
			(void)snprintf(w->display, sizeof(w->display), "%s %s",
				type == GIT_OBJECT_COMMIT ? "commit" : "tag", hex);
			*display = w->display;
			return 1;
		}
	}
	git_odb_object_free(w->obj);
	w->obj = NULL;
	return 0;
}

static void worker_release(void *wctx)
{
	struct git_worker *w = wctx;

	git_odb_object_free(w->obj);
	w->obj = NULL;
}

int git_src_select(struct git_src *g)
{
	struct scan_fetcher f = { g, worker_new, worker_free, worker_fetch,
		worker_release };
	int error;

	error = g->opts.staged ? select_staged(g) : select_history(g);
	if (error < 0)
		return error;
	scan_set_fetcher(g->scan, &f);
	return 0;
}

int git_src_submit(struct git_src *g)
{
	size_t i;
	int error = 0;

	if (!g->opts.staged && (error = walk_history(g)) < 0)
		return error;
	for (size_t k = 0; k < g->n && error == 0; k++) {
		i = g->order ? g->order[k] : k;
		if (g->opts.staged) {
			error = scan_submit_fetch(g->scan, i);
			continue;
		}
		if (g->types[i] == GIT_OBJECT_TREE || g->types[i] == BAD_OBJECT)
			continue;
		/* --since or --branch: only what the chosen commits reach */
		if ((g->opts.since || (g->opts.branches && g->opts.branches->len)) &&
		    (g->first[i] == 0 || g->first[i] == HIDDEN))
			continue;
		error = scan_submit_fetch(g->scan, i);
	}
	return error;
}

/* -------------------------------------------------------- attribution */

/*
 * Where in tree obj the blob first appears, walking only the subtrees that
 * appeared with the same mark (the others were seen earlier, without it).
 */
static int find_path(struct git_src *g, uint32_t obj, uint32_t mark,
	const git_oid *blob, struct hush_buf *path, unsigned depth, bool *found)
{
	git_tree *t = NULL;
	size_t i, n, len0 = path->len;
	int error = 0;

	if (depth > HUSH_MAX_DEPTH || git_tree_lookup(&t, g->repo, &g->oids[obj]) < 0)
		return 0;
	n = git_tree_entrycount(t);
	for (i = 0; i < n && !*found && error == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		git_object_t type = git_tree_entry_type(e);
		uint32_t x;

		if (type == GIT_OBJECT_BLOB && !git_oid_cmp(git_tree_entry_id(e), blob)) {
			if ((error = hush_buf_puts(path, git_tree_entry_name(e))) == 0)
				*found = true;
			break;
		}
		if (type != GIT_OBJECT_TREE)
			continue;
		x = find_obj(g, git_tree_entry_id(e));
		if (x == NONE || g->first[x] != mark)
			continue;
		if ((error = hush_buf_puts(path, git_tree_entry_name(e))) < 0 ||
		    (error = hush_buf_puts(path, "/")) < 0)
			break;
		error = find_path(g, x, mark, blob, path, depth + 1, found);
		if (!*found && path->ptr) {
			path->len = len0;
			path->ptr[len0] = '\0';
		}
	}
	git_tree_free(t);
	return error;
}

static int set_path(struct finding *f, const char *path)
{
	char *p = strdup(path);

	if (!p)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	free(f->path);
	f->path = p;
	return 0;
}

/* author date as ISO 8601 with its own offset, like git's %aI */
static void iso_date(char out[32], const git_time *t)
{
	time_t secs = (time_t)(t->time + (git_time_t)t->offset * 60);
	struct tm tm;
	int off = t->offset < 0 ? -t->offset : t->offset;

	if (gmtime_r(&secs, &tm) == NULL ||
	    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, t->offset < 0 ? '-' : '+', off / 60,
		    off % 60) >= 32)
		(void)snprintf(out, 32, "%lld", (long long)t->time);
}

static int commit_attrs(struct git_src *g, struct finding *f, uint32_t obj)
{
	git_commit *c = NULL;
	const git_signature *a;
	const char *summary;
	char hex[GIT_OID_HEXSZ + 1], date[32];
	int error;

	hex_of(hex, &g->oids[obj]);
	if ((error = finding_attr_add(f, "commit", hex)) < 0)
		return error;
	if (git_commit_lookup(&c, g->repo, &g->oids[obj]) < 0)
		return 0; /* warned when it was walked */
	a = git_commit_author(c);
	summary = git_commit_summary(c);
	iso_date(date, &a->when);
	if ((error = finding_attr_add(f, "author", a->name ? a->name : "")) == 0 &&
	    (error = finding_attr_add(f, "email", a->email ? a->email : "")) == 0 &&
	    (error = finding_attr_add(f, "date", date)) == 0)
		error = finding_attr_add(f, "summary", summary ? summary : "");
	git_commit_free(c);
	return error;
}

static int attribute_blob(struct git_src *g, struct finding *f, uint32_t id)
{
	struct hush_buf path = HUSH_BUF_INIT(HUSH_MAX_PATH);
	uint32_t mark = g->first[id];
	char hex[GIT_OID_HEXSZ + 1];
	bool found = false;
	int error = 0;

	hex_of(hex, &g->oids[id]);
	if (mark == 0 || mark == HIDDEN) {
		f->kind = "unreachable";
		f->order = SIZE_MAX;
		if ((error = set_path(f, hex)) == 0 &&
		    (error = finding_attr_add(f, "blob", hex)) == 0)
			error = finding_attr_add(f, "status", "unreachable: no "
				"ref reaches this blob");
		return error;
	}
	f->kind = "blob";
	f->order = mark - 1;
	if (mark - 1 < g->ncommits) {
		git_commit *c = NULL;
		uint32_t cobj = g->topo[mark - 1], t = NONE;

		if (git_commit_lookup(&c, g->repo, &g->oids[cobj]) == 0) {
			t = find_obj(g, git_commit_tree_id(c));
			git_commit_free(c);
		}
		if (t != NONE && g->first[t] == mark)
			error = find_path(g, t, mark, &g->oids[id], &path, 0, &found);
		if (error == HUSH_ELIMIT) {
			error = 0; /* a path over HUSH_MAX_PATH: name the blob */
			found = false;
		}
		if (error == 0)
			error = set_path(f, found ? path.ptr : hex);
		if (error == 0)
			error = commit_attrs(g, f, cobj);
	} else {
		const struct root *r = &g->roots[mark - 1 - g->ncommits];

		if (g->types[r->obj] == GIT_OBJECT_TREE)
			error = find_path(g, r->obj, mark, &g->oids[id], &path, 0,
				&found);
		if (error == HUSH_ELIMIT) {
			error = 0;
			found = false;
		}
		if (error == 0)
			error = set_path(f, found ? path.ptr : r->name);
		if (error == 0)
			error = finding_attr_add(f, "ref", r->name);
	}
	if (error == 0)
		error = finding_attr_add(f, "blob", hex);
	hush_buf_dispose(&path);
	return error;
}

static int attribute_message(struct git_src *g, struct finding *f, uint32_t id)
{
	char hex[GIT_OID_HEXSZ + 1];
	uint32_t mark = g->first[id];
	int error;

	hex_of(hex, &g->oids[id]);
	if ((error = set_path(f, hex)) < 0)
		return error;
	if (g->read_types[id] == GIT_OBJECT_TAG) {
		git_tag *tag = NULL;

		f->kind = "message";
		f->order = SIZE_MAX - 1;
		if ((error = finding_attr_add(f, "tag", hex)) == 0 &&
		    git_tag_lookup(&tag, g->repo, &g->oids[id]) == 0) {
			error = finding_attr_add(f, "name", git_tag_name(tag));
			git_tag_free(tag);
		}
		return error;
	}
	if (mark == 0 || mark == HIDDEN) {
		f->kind = "unreachable";
		f->order = SIZE_MAX;
	} else {
		f->kind = "message";
		f->order = mark - 1;
	}
	error = commit_attrs(g, f, id);
	if (error == 0 && f->order == SIZE_MAX)
		error = finding_attr_add(f, "status", "unreachable: no ref "
			"reaches this commit");
	return error;
}

int git_src_attribute(struct git_src *g, struct findings *fs)
{
	size_t i, failed = atomic_load(&g->read_failures);
	int error = 0;

	if (failed > READ_WARNINGS)
		scan_warn(g->scan, "%s: %zu objects in all cannot be read (a "
				   "corrupt or truncated pack?)", g->repo_name,
			failed);
	for (i = 0; i < fs->len && error == 0; i++) {
		struct finding *f = &fs->v[i];
		size_t id = f->order;
		char hex[GIT_OID_HEXSZ + 1];

		if (id >= g->n)
			continue;
		if (g->opts.staged) {
			f->kind = "staged";
			f->order = 0;
			hex_of(hex, &g->oids[id]);
			if ((error = set_path(f, g->paths[id])) == 0)
				error = finding_attr_add(f, "blob", hex);
		} else if (g->read_types[id] == GIT_OBJECT_BLOB) {
			error = attribute_blob(g, f, (uint32_t)id);
		} else {
			error = attribute_message(g, f, (uint32_t)id);
		}
	}
	return error;
}

void git_src_free(struct git_src *g)
{
	size_t i;

	if (!g)
		return;
	if (g->paths)
		for (i = 0; i < g->n; i++)
			free(g->paths[i]);
	free(g->paths);
	for (i = 0; i < g->nroots; i++)
		free(g->roots[i].name);
	free(g->roots);
	free(g->oids);
	free(g->types);
	free(g->read_types);
	free(g->ctree);
	free(g->first);
	free(g->topo);
	free(g->missing);
	free(g->order);
	free(g->objects_dir);
	free(g->repo_name);
	git_odb_free(g->odb);
	git_repository_free(g->repo);
	free(g);
	git_libgit2_shutdown();
}
