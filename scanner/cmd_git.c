/* SPDX-License-Identifier: MIT */
/*
 * cmd_git.c - `hush git [REPO]`: choose the objects, scan them, attribute the
 * findings to their first commit and path, report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "allow.h"
#include "cli.h"
#include "digest.h"
#include "engine.h"
#include "hush/err.h"
#include "hush/log.h"
#include "report.h"
#include "scan.h"
#include "src_git.h"

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/*
 * The work tree's .hushignore applies to the paths findings are attributed
 * to (and its fingerprints to all), as with `hush dir` on the work tree.
 */
static size_t drop_allowed_paths(struct findings *fs,
	const struct allow_paths *ap)
{
	size_t i, j = 0, dropped = 0;

	for (i = 0; i < fs->len; i++) {
		const char *kind = fs->v[i].kind;

		if (kind && (!strcmp(kind, "blob") || !strcmp(kind, "staged")) &&
		    allow_path(ap, fs->v[i].path)) {
			finding_dispose(&fs->v[i]);
			dropped++;
			continue;
		}
		fs->v[j++] = fs->v[i];
	}
	fs->len = j;
	return dropped;
}

struct cmd_result cmd_git(int argc, char **argv)
{
	struct cmd_result res = { 0, 0, false, false };
	struct cli_config c;
	struct rules rules;
	struct allow_fps fps = { NULL, 0, 0 };
	struct allow_paths ap = { { NULL, 0 } };
	struct engine *engine = NULL;
	struct scan *scan = NULL;
	struct git_src *git = NULL;
	struct git_src_opts go;
	struct scan_stats st;
	size_t unique = 0, dropped, objects, commits;
	double t0 = now(), t1, t2, c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), c1, c2;
	int error;

	rules_init(&rules);
	if ((error = cli_parse_scan(&c, "git", argc, argv)) != 0) {
		res.done = error == 1;
		res.error = error < 0 ? error : 0;
		goto done;
	}
	if ((error = cmd__load(&rules, &fps, &c, NULL)) < 0)
		goto fail;
	go.repo = c.paths.v[0];
	go.staged = c.staged;
	go.since = c.since;
	go.branches = &c.branches;
	if ((error = cmd__scan_new(&scan, &engine, &rules, &c)) < 0 ||
	    (error = git_src_open(&git, scan, &go)) < 0)
		goto fail;
	if (git_src_workdir(git) && (error = allow_load(&ap, &fps,
					     git_src_workdir(git))) < 0) {
		scan_warn(scan, "%s", hush_err_msg());
		error = 0;
	}
	if ((error = git_src_select(git)) < 0)
		goto fail;
	t1 = now();
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if ((error = scan_start(scan)) < 0 || (error = git_src_submit(git)) < 0 ||
	    (error = scan_finish(scan)) < 0)
		goto fail;
	t2 = now();
	c2 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if ((error = git_src_attribute(git, scan_findings(scan))) < 0)
		goto fail;
	allow_fps_seal(&fps);
	dropped = drop_allowed_paths(scan_findings(scan), &ap);
	dropped += cmd__drop_known(scan_findings(scan), &fps);
	if ((error = cmd__write_report(&c, scan, &unique)) < 0)
		goto fail;
	scan_get_stats(scan, &st);
	git_src_counts(git, &objects, &commits);
	res.findings = scan_findings(scan)->len;
	res.incomplete = st.warnings > 0;
	hush_log_info("%zu finding%s (%zu secret%s) in %zu objects (%zu commits "
		      "walked), %zu blobs and messages, %.1f MB; %.2f s (list "
		      "and commits %.2f s, cpu %.2f s; trees and scan %.2f s, "
		      "cpu %.2f s); %zu binary skipped, %zu suppressed, %zu "
		      "warning%s",
		res.findings, res.findings == 1 ? "" : "s", unique,
		unique == 1 ? "" : "s", objects, commits, st.files,
		(double)st.bytes / 1e6, now() - t0, t1 - t0, c1 - c0, t2 - t1,
		c2 - c1,
		st.binary_skipped, dropped, st.warnings,
		st.warnings == 1 ? "" : "s");
	if (res.incomplete)
		hush_log_warn("scan incomplete: %zu warning%s", st.warnings,
			st.warnings == 1 ? "" : "s");
	goto done;
fail:
	res.error = error;
done:
	scan_free(scan);
	git_src_free(git);
	engine_free(engine);
	allow_fps_dispose(&fps);
	allow_paths_dispose(&ap);
	rules_dispose(&rules);
	cli_config_dispose(&c);
	return res;
}
