/* SPDX-License-Identifier: MIT */
/* baseline.c - fingerprints from an earlier json report */
#include <string.h>

#include "allow.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "json.h"

int baseline_load(struct allow_fps *fps, const char *file)
{
	struct hush_buf b;
	struct json *doc = NULL;
	const struct json_val *list, *f;
	int error;

	if ((error = hush_fs_read_all(&b, file, HUSH_MAX_BASELINE,
		     "HUSH_MAX_BASELINE")) < 0)
		return error;
	if (json_parse(&doc, b.ptr, b.len, file) < 0) {
		error = hush_err_set(HUSH_EPARSE, "%s: baseline is not valid JSON",
			file);
		goto done;
	}
	list = json_get(json_root(doc), "findings");
	if (!json_is_array(list)) {
		error = hush_err_set(HUSH_EPARSE,
			"%s: baseline has no \"findings\" array (use a hush json report)",
			file);
		goto done;
	}
	for (f = json_first(list); f; f = json_next(f)) {
		const char *fp = json_get_string(f, "fingerprint");

		if (!fp || (error = allow_fps_add(fps, fp, strlen(fp))) < 0) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: a finding has no valid \"fingerprint\"", file);
			goto done;
		}
	}
	error = 0;
done:
	json_free(doc);
	hush_buf_dispose(&b);
	return error;
}
