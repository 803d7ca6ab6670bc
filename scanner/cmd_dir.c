/* SPDX-License-Identifier: MIT */
/* cmd_dir.c - `hush dir PATH...`: parse, build the sources, scan, report */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
#include "scan.h"
#include "src_dir.h"

/*
 * A file named on the command line has the current folder as its scan root:
 * the .hushignore there applies to it (so `hush dir $(git diff --name-only)`
 * honours the project's allowlist).
 */
static bool skip_named_file(struct scan *scan, struct allow_paths *cwd_allow,
	bool *loaded, struct allow_fps *fps, const char *path)
{
	if (!*loaded) {
		*loaded = true;
		if (allow_load(cwd_allow, fps, ".") < 0)
			scan_warn(scan, "%s", hush_err_msg());
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/' || !strncmp(path, "../", 3) ||
	    !allow_path(cwd_allow, path))
		return false;
	scan_note_allowed(scan);
	return true;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct cmd_result cmd_dir(int argc, char **argv)
{
	struct cmd_result res = { 0, 0, false, false };
	struct cli_config c;
	struct rules rules;
	struct allow_fps fps = { NULL, 0, 0 };
	struct allow_paths cwd_allow = { { NULL, 0 } };
	bool cwd_loaded = false;
	struct engine *engine = NULL;
	struct scan *scan = NULL;
	struct scan_stats st;
	size_t i, unique = 0, dropped;
	double t0 = now();
	int error;

	rules_init(&rules);
	if ((error = cli_parse_scan(&c, "dir", argc, argv)) != 0) {
		res.done = error == 1;
		res.error = error < 0 ? error : 0;
		goto done;
	}
	if ((error = cmd__load(&rules, &fps, &c, NULL)) < 0)
		goto fail;
	if ((error = cmd__scan_new(&scan, &engine, &rules, &c)) < 0 ||
	    (error = scan_start(scan)) < 0)
		goto fail;
	for (i = 0; i < c.paths.len && error == 0; i++) {
		const char *path = c.paths.v[i];
		struct allow_paths ap = { { NULL, 0 } };
		struct stat sb;

		if (!strcmp(path, "-")) {
			error = src_dir_stdin(scan);
			continue;
		}
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if ((error = allow_load(&ap, &fps, path)) < 0) {
				scan_warn(scan, "%s", hush_err_msg());
				error = 0;
			}
		} else if (skip_named_file(scan, &cwd_allow, &cwd_loaded, &fps,
				   path)) {
			continue;
		}
		error = src_dir_walk(scan, path, &ap);
		allow_paths_dispose(&ap);
	}
	if (error < 0)
		goto fail;
	if ((error = scan_finish(scan)) < 0)
		goto fail;
	allow_fps_seal(&fps);
	dropped = cmd__drop_known(scan_findings(scan), &fps);
	if ((error = cmd__write_report(&c, scan, &unique)) < 0)
		goto fail;
	scan_get_stats(scan, &st);
	res.findings = scan_findings(scan)->len;
	res.incomplete = st.warnings > 0;
	hush_log_info("%zu finding%s (%zu secret%s) in %zu files, %.1f MB, "
		      "%.2f s; %zu binary skipped, %zu allowlisted paths, %zu "
		      "suppressed by fingerprint, %zu warning%s",
		res.findings, res.findings == 1 ? "" : "s", unique,
		unique == 1 ? "" : "s", st.files, (double)st.bytes / 1e6,
		now() - t0, st.binary_skipped, st.allow_skipped, dropped,
		st.warnings, st.warnings == 1 ? "" : "s");
	if (res.incomplete)
		hush_log_warn("scan incomplete: %zu warning%s", st.warnings,
			st.warnings == 1 ? "" : "s");
	goto done;
fail:
	res.error = error;
done:
	scan_free(scan);
	engine_free(engine);
	allow_fps_dispose(&fps);
	allow_paths_dispose(&cwd_allow);
	rules_dispose(&rules);
	cli_config_dispose(&c);
	return res;
}
