/* SPDX-License-Identifier: MIT */
/* baseline.c - fingerprints from an earlier json report; the only file with <cjson/cJSON.h> */
#include <cjson/cJSON.h>
#include <string.h>

#include "allow.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"

int baseline_load(struct allow_fps *fps, const char *file)
{
	struct hush_buf b;
	cJSON *root = NULL, *list, *f;
	int error;

	if ((error = hush_fs_read_all(&b, file, HUSH_MAX_BASELINE,
		     "HUSH_MAX_BASELINE")) < 0)
		return error;
	root = cJSON_ParseWithLength(b.ptr ? b.ptr : "", b.len);
	if (!root) {
		error = hush_err_set(HUSH_EPARSE, "%s: baseline is not valid JSON",
			file);
		goto done;
	}
	list = cJSON_GetObjectItemCaseSensitive(root, "findings");
	if (!cJSON_IsArray(list)) {
		error = hush_err_set(HUSH_EPARSE,
			"%s: baseline has no \"findings\" array (use a hush json report)",
			file);
		goto done;
	}
	cJSON_ArrayForEach(f, list)
	{
		cJSON *fp = cJSON_GetObjectItemCaseSensitive(f, "fingerprint");

		if (!cJSON_IsString(fp) ||
		    (error = allow_fps_add(fps, fp->valuestring,
			     strlen(fp->valuestring))) < 0) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: a finding has no valid \"fingerprint\"", file);
			goto done;
		}
	}
	error = 0;
done:
	cJSON_Delete(root);
	hush_buf_dispose(&b);
	return error;
}
