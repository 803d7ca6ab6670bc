/* SPDX-License-Identifier: MIT */
/*
 * test_image_fs.c - whiteout markers, opaque folders and overwrites across
 * layers (spec/build-context-and-images.md 2.5), and the json.h boundary.
 */
#include <stdlib.h>
#include <string.h>

#include "image_fs.h"
#include "json.h"
#include "t.h"

static void markers(void)
{
	struct hush_buf t = HUSH_BUF_INIT(4096);

	T_EQ_INT(image_fs_marker("etc/passwd", &t), IMAGE_FS_PLAIN);
	T_EQ_INT(image_fs_marker("app/.wh..env", &t), IMAGE_FS_WH);
	T_EQ_STR(t.ptr, "app/.env");
	T_EQ_INT(image_fs_marker(".wh.top", &t), IMAGE_FS_WH);
	T_EQ_STR(t.ptr, "top");
	T_EQ_INT(image_fs_marker("etc/conf/.wh..wh..opq", &t), IMAGE_FS_OPQ);
	T_EQ_STR(t.ptr, "etc/conf");
	T_EQ_INT(image_fs_marker(".wh..wh..opq", &t), IMAGE_FS_OPQ);
	T_EQ_STR(t.ptr ? t.ptr : "", "");
	T_EQ_INT(image_fs_marker("x/.wh..wh.plnk", &t), IMAGE_FS_META);
	T_EQ_INT(image_fs_marker("x/.wh.", &t), HUSH_EPARSE);
	/* only the last part counts */
	T_EQ_INT(image_fs_marker(".wh.dir/file", &t), IMAGE_FS_PLAIN);
	hush_buf_dispose(&t);
}

/* layers 0..3 as in a Dockerfile that adds, deletes and overwrites */
static struct image_fs *sample(void)
{
	struct image_fs *fs = NULL;

	T_OK(image_fs_new(&fs, 4));
	T_OK(image_fs_add(fs, 0, "etc", IMAGE_FS_DIR));
	T_OK(image_fs_add(fs, 0, "etc/app.conf", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 0, "srv/a/b/c.txt", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 0, "keep.txt", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 0, "data", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 1, "app/.env", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 1, "etc", IMAGE_FS_DIR)); /* attributes only */
	T_OK(image_fs_add(fs, 1, "srv/a", IMAGE_FS_OPAQUE));
	T_OK(image_fs_add(fs, 1, "srv/a/new.txt", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 2, "app/.env", IMAGE_FS_WHITEOUT));
	T_OK(image_fs_add(fs, 2, "etc/app.conf", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 2, "data", IMAGE_FS_DIR)); /* a folder replaces a file */
	T_OK(image_fs_add(fs, 3, "app/.env", IMAGE_FS_NONDIR)); /* back again */
	image_fs_seal(fs);
	return fs;
}

static void fate(void)
{
	struct image_fs *fs = sample();
	bool over;

	T_EQ_INT(image_fs_fate(fs, 0, "keep.txt", &over), -1);
	T_EQ_INT(image_fs_fate(fs, 0, "etc/app.conf", &over), 2);
	T_ASSERT(over);
	T_EQ_INT(image_fs_fate(fs, 0, "srv/a/b/c.txt", &over), 1);
	T_ASSERT(!over);
	/* a whiteout deletes lower layers only, not its own layer's files */
	T_EQ_INT(image_fs_fate(fs, 1, "srv/a/new.txt", &over), -1);
	T_EQ_INT(image_fs_fate(fs, 1, "app/.env", &over), 2);
	T_ASSERT(!over);
	/* re-added in layer 3: that copy is present */
	T_EQ_INT(image_fs_fate(fs, 3, "app/.env", &over), -1);
	T_EQ_INT(image_fs_fate(fs, 0, "data", &over), 2);
	T_ASSERT(!over);
	/* a prefix that is not a folder above does not count */
	T_EQ_INT(image_fs_fate(fs, 0, "etc/app.conf.d/x", &over), -1);
	image_fs_free(fs);
}

static void root_opaque(void)
{
	struct image_fs *fs = NULL;
	bool over;

	T_OK(image_fs_new(&fs, 2));
	T_OK(image_fs_add(fs, 0, "a/b", IMAGE_FS_NONDIR));
	T_OK(image_fs_add(fs, 1, "", IMAGE_FS_OPAQUE));
	image_fs_seal(fs);
	T_EQ_INT(image_fs_fate(fs, 0, "a/b", &over), 1);
	T_EQ_INT(image_fs_fate(fs, 1, "a/b", &over), -1);
	image_fs_free(fs);
	image_fs_free(NULL);
}

static void json_dom(void)
{
	static const char text[] =
		"{\"a\": [1, \"two\", true], \"o\": {\"k\": \"v\"}, \"n\": null}";
	struct json *doc = NULL;
	const struct json_val *a, *e;
	double d = 0;

	T_OK(json_parse(&doc, text, strlen(text), "t"));
	a = json_get(json_root(doc), "a");
	T_ASSERT(json_is_array(a));
	T_EQ_INT(json_len(a), 3);
	e = json_first(a);
	T_ASSERT(json_number(e, &d) && d == 1);
	T_EQ_STR(json_string(json_next(e)), "two");
	T_ASSERT(json_is_true(json_next(json_next(e))));
	T_EQ_STR(json_get_string(json_get(json_root(doc), "o"), "k"), "v");
	T_EQ_STR(json_key(json_first(json_get(json_root(doc), "o"))), "k");
	T_ASSERT(json_get(json_root(doc), "missing") == NULL);
	T_ASSERT(json_string(json_get(json_root(doc), "n")) == NULL);
	T_ASSERT(json_get(a, "x") == NULL);
	json_free(doc);
	T_EQ_INT(json_parse(&doc, "{\"a\":", 5, "broken.json"), HUSH_EPARSE);
	T_EQ_STR(hush_err_msg(), "broken.json: not valid JSON");
	T_ASSERT(doc == NULL);
}

T_MAIN(T_CASE(markers), T_CASE(fate), T_CASE(root_opaque), T_CASE(json_dom))
