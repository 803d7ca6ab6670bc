/* SPDX-License-Identifier: MIT */
/* cmd_common.c - what the scanning commands share: the allowlist and baseline
 * filter, and writing the report (atomically with --output) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allow.h"
#include "cli.h"
#include "digest.h"
#include "engine.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "report.h"
#include "rules.h"
#include "scan.h"

int cmd__load(struct rules *rules, struct allow_fps *fps,
	const struct cli_config *c, int (*more)(struct rules *rules))
{
	int error;

	if ((error = digest_init()) < 0 ||
	    (error = cli_load_rules(rules, c)) < 0 ||
	    (more && (error = more(rules)) < 0))
		return error;
	/* a bad --baseline is the user's to fix: a usage error */
	if (c->baseline && baseline_load(fps, c->baseline) < 0)
		return HUSH_EUSAGE;
	return 0;
}

int cmd__scan_new(struct scan **scan, struct engine **engine,
	const struct rules *rules, const struct cli_config *c)
{
	struct engine_opts eo = { NULL, false, true };
	struct scan_opts so;
	int error;

	*scan = NULL;
	eo.cache_dir = c->cache_dir;
	eo.decode = c->decode;
	if ((error = engine_new(engine, rules, &eo)) < 0)
		return error;
	hush_log_debug("%zu rules, database %s", rules->len,
		engine_from_cache(*engine) ? "from cache" : "compiled");
	memset(&so, 0, sizeof(so));
	so.jobs = c->jobs;
	so.chunk = c->chunk;
	so.binary = c->binary;
	so.progress = c->progress;
	return scan_new(scan, *engine, rules, &so);
}

/* Drop the findings whose fingerprint the allowlist or baseline holds. */
size_t cmd__drop_known(struct findings *fs, const struct allow_fps *fps)
{
	size_t i, j = 0, dropped = 0;

	for (i = 0; i < fs->len; i++) {
		if (allow_fps_has(fps, fs->v[i].fingerprint)) {
			finding_dispose(&fs->v[i]);
			dropped++;
			continue;
		}
		fs->v[j++] = fs->v[i];
	}
	fs->len = j;
	return dropped;
}

/*
 * --output is written to a temporary file beside it and renamed, so a
 * report is either whole or absent.
 */
int cmd__write_report(const struct cli_config *c, struct scan *s,
	size_t *unique)
{
	struct hush_buf tmp = HUSH_BUF_INIT(HUSH_MAX_PATH);
	struct scan_stats st;
	const char *const *warnings;
	size_t nwarnings;
	FILE *out = stdout;
	int fd = -1, error;

	scan_get_stats(s, &st);
	warnings = scan_warnings(s, &nwarnings);
	if (c->output) {
		if ((error = hush_buf_printf(&tmp, "%s.%ld.tmp", c->output,
			     (long)getpid())) < 0)
			goto done;
		fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
					   O_NOFOLLOW, 0644);
		if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
			error = hush_err_set_errno(HUSH_EIO, "%s: cannot write",
				c->output);
			out = NULL;
			goto done;
		}
		fd = -1;
	}
	error = report_write(out, scan_findings(s), warnings, nwarnings,
		&st, &c->report, unique);
	if (c->output) {
		if (fclose(out) != 0 && error == 0)
			error = hush_err_set_errno(HUSH_EIO, "%s: cannot write",
				c->output);
		out = NULL;
		if (error == 0 && rename(tmp.ptr, c->output) < 0)
			error = hush_err_set_errno(HUSH_EIO, "%s: cannot rename",
				c->output);
		if (error < 0)
			(void)unlink(tmp.ptr);
	}
done:
	if (fd >= 0) {
		close(fd);
		(void)unlink(tmp.ptr);
	}
	hush_buf_dispose(&tmp);
	return error;
}
