/* SPDX-License-Identifier: MIT */
/*
 * cmd_context.c - `hush context [DIR]`: what `docker build DIR` would send
 * (for BuildKit and the legacy builder), the sensitive files among it, the
 * secrets in it, and the Dockerfile's checks. See DESIGN.md 1.4 and
 * spec/build-context-and-images.md 1 and 5.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "allow.h"
#include "cli.h"
#include "context_walk.h"
#include "digest.h"
#include "dockerfile.h"
#include "dockerignore.h"
#include "engine.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "regex.h"
#include "report.h"
#include "scan.h"
#include "sensitive.h"

/* Reported only when a sensitive file is actually sent. */
#define CHECK_COPY_CONTEXT "dockerfile.copy_context"

struct ctx {
	const struct cli_config *c;
	struct rules *rules;
	struct scan *scan;            /* NULL for --list and --explain */
	struct findings checks;       /* check findings, merged after the scan */
	struct allow_paths allow;     /* DIR/.hushignore */
	struct regex_md *md;
	struct dockerignore *bk;      /* the ignore file BuildKit uses, or NULL */
	struct dockerignore *legacy;  /* the legacy builder's, or NULL */
	const char *dir;
	char *df_path;                /* the Dockerfile as opened */
	char *df_rel;                 /* its path in the context, or NULL */
	char *bk_ignore_path;         /* which file bk came from, or NULL */
	char *legacy_ignore_path;
	char *last_sensitive_dir;     /* a folder finding is made once */
	size_t files, bytes;          /* what would be sent (union) */
	size_t sensitive;             /* sensitive findings so far */
	bool df_sent, ignore_sent;    /* seen in the walk */
	int error;
};

/* Register the checks as rules, before any finding points at a rule. */
static int add_checks(struct rules *rs)
{
	size_t i;
	int error;

	for (i = 0; i < sensitive_kinds_len; i++) {
		const struct sensitive_kind *k = &sensitive_kinds[i];

		if (rules_find(rs, k->id))
			continue;
		if ((error = rules_add_check(rs, k->id, k->name, k->severity,
			     k->description)) < 0)
			return error;
	}
	for (i = 0; i < dockerfile_checks_len; i++) {
		const struct dockerfile_check_info *k = &dockerfile_checks[i];

		if ((error = rules_add_check(rs, k->id, k->name, k->severity,
			     k->description)) < 0)
			return error;
	}
	return 0;
}

/*
 * A check finding: its fingerprint is over the rule id and a subject that
 * does not move with line numbers (a path, an ARG name, a redacted value).
 */
static int add_finding(struct ctx *x, const char *id, const char *subject,
	const char *path, size_t line, const char *message, int severity)
{
	const struct rule *r = rules_find(x->rules, id);
	struct finding f;
	unsigned char sum[DIGEST_SHA256_LEN];
	const void *parts[2];
	size_t lens[2];

	HUSH_ASSERT(r != NULL);
	memset(&f, 0, sizeof(f));
	f.rule = r;
	f.has_severity = severity >= 0 && severity != (int)r->severity;
	f.severity = severity;
	f.line = line ? line : 1;
	f.column = 1;
	parts[0] = r->id;
	lens[0] = strlen(r->id) + 1;
	parts[1] = subject;
	lens[1] = strlen(subject);
	digest_sha256(sum, parts, lens, 2);
	digest_hex(f.fingerprint, sum, sizeof(sum));
	f.path = strdup(path);
	f.message = strdup(message);
	f.before = strdup("");
	f.after = strdup("");
	if (!f.path || !f.message || !f.before || !f.after) {
		finding_dispose(&f);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	return findings_push(&x->checks, &f);
}

static const char *builders(bool bk, bool legacy)
{
	if (bk && legacy)
		return "BuildKit and the legacy builder";
	return bk ? "BuildKit (not the legacy builder)"
		  : "the legacy builder (not BuildKit)";
}

/*
 * Why no line kept relpath out: an exception let it back in, or a pattern
 * aimed at it does not float (".env" matches only at the root).
 */
static int why_sent(struct hush_buf *msg, const struct dockerignore *d,
	int which, const char *relpath)
{
	const char *base = strrchr(relpath, '/');
	size_t i;

	if (!d)
		return hush_buf_puts(msg, "there is no .dockerignore");
	if (which >= 0 && dockerignore_pattern_is_exception(d, (size_t)which))
		return hush_buf_printf(msg, "%s:%u: '%s' lets it back in",
			dockerignore_file(d),
			dockerignore_pattern_line(d, (size_t)which),
			dockerignore_pattern_text(d, (size_t)which));
	for (i = 0; base && i < dockerignore_count(d); i++) {
		const char *p = dockerignore_pattern_string(d, i);

		if (!dockerignore_pattern_is_exception(d, i) && !strchr(p, '/') &&
		    fnmatch(p, base + 1, 0) == 0)
			return hush_buf_printf(msg, "%s:%u: '%s' matches only at the "
						    "root (patterns do not float)",
				dockerignore_file(d), dockerignore_pattern_line(d, i),
				dockerignore_pattern_text(d, i));
	}
	return hush_buf_puts(msg, "no .dockerignore line excludes it");
}

static int sensitive_finding(struct ctx *x, const struct sensitive_kind *k,
	const char *relpath, const struct context_entry *e)
{
	struct hush_buf sug = HUSH_BUF_INIT(HUSH_MAX_PATH * 2);
	struct hush_buf msg = HUSH_BUF_INIT(HUSH_MAX_PATH * 4);
	const struct dockerignore *d = e->sent_buildkit ? x->bk : x->legacy;
	int which = e->sent_buildkit ? e->which_buildkit : e->which_legacy;
	int error;

	x->sensitive++;
	if ((error = sensitive_suggest(&sug, k, relpath)) < 0)
		goto done;
	/* the folder of a file below it: the file's verdict speaks for it */
	if ((error = hush_buf_printf(&msg, "%s%s is sent by %s; ", relpath,
		     k->is_dir ? "/" : "",
		     builders(e->sent_buildkit, e->sent_legacy))) < 0 ||
	    (error = why_sent(&msg, d, which, relpath)) < 0 ||
	    (error = hush_buf_printf(&msg, "; add: %s", sug.ptr)) < 0)
		goto done;
	error = add_finding(x, k->id, relpath, relpath, 1, msg.ptr, -1);
done:
	hush_buf_dispose(&sug);
	hush_buf_dispose(&msg);
	return error;
}

static int join(char **out, const char *a, const char *b)
{
	struct hush_buf p = HUSH_BUF_INIT(HUSH_MAX_PATH);
	int error;

	*out = NULL;
	if (!strcmp(a, "."))
		error = hush_buf_puts(&p, b);
	else
		error = hush_buf_printf(&p, "%s%s%s", a,
			a[strlen(a) - 1] == '/' ? "" : "/", b);
	if (error < 0)
		return hush_err_set(error, "%s/%s: path too long", a, b);
	*out = hush_buf_detach(&p);
	return *out ? 0 : hush_err_set(HUSH_ENOMEM, "out of memory");
}

static int load_ignore(struct dockerignore **out, const char *path, bool *found)
{
	struct hush_buf b;
	int error;

	*out = NULL;
	*found = false;
	error = hush_fs_read_all(&b, path, HUSH_MAX_ALLOWLIST, "HUSH_MAX_ALLOWLIST");
	if (error == HUSH_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	*found = true;
	error = dockerignore_parse(out, path, b.ptr, b.len);
	hush_buf_dispose(&b);
	return error;
}

/*
 * The ignore files: BuildKit reads <Dockerfile>.dockerignore when it exists,
 * instead of DIR/.dockerignore; the legacy builder reads only the latter,
 * and force-includes .dockerignore and the Dockerfile (spec 1.5).
 */
static int setup_ignores(struct ctx *x)
{
	struct hush_buf p = HUSH_BUF_INIT(HUSH_MAX_PATH);
	bool found = false;
	int error;

	if ((error = join(&x->legacy_ignore_path, x->dir, ".dockerignore")) < 0)
		goto done;
	if ((error = hush_buf_printf(&p, "%s.dockerignore", x->df_path)) < 0)
		goto done;
	if ((error = load_ignore(&x->bk, p.ptr, &found)) < 0)
		goto done;
	if (found) {
		x->bk_ignore_path = hush_buf_detach(&p);
		hush_log_info("BuildKit reads %s instead of %s", x->bk_ignore_path,
			x->legacy_ignore_path);
	} else {
		if ((error = load_ignore(&x->bk, x->legacy_ignore_path, &found)) < 0)
			goto done;
		if (found && (x->bk_ignore_path = strdup(x->legacy_ignore_path)) == NULL) {
			error = hush_err_set(HUSH_ENOMEM, "out of memory");
			goto done;
		}
	}
	if ((error = load_ignore(&x->legacy, x->legacy_ignore_path, &found)) < 0)
		goto done;
	/* no file: the legacy builder excludes nothing (NULL would mean "as BuildKit") */
	if (!x->legacy &&
	    (error = dockerignore_from_patterns(&x->legacy, NULL, 0)) < 0)
		goto done;
	error = dockerignore_add_build_files(x->legacy, x->md,
		x->df_rel ? x->df_rel : "Dockerfile", false);
done:
	hush_buf_dispose(&p);
	return error;
}

/* The Dockerfile's path inside the context, when it is inside. */
static char *relative_to(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!strcmp(dir, "."))
		return path[0] != '/' && strncmp(path, "../", 3) ? strdup(path) : NULL;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) == 0 && path[n] == '/')
		return strdup(path + n + 1);
	return NULL;
}

static int check_dockerfile(struct ctx *x)
{
	struct dockerfile *df = NULL;
	struct dockerfile_issues issues = { NULL, 0, 0, false };
	size_t i;
	int error;

	error = dockerfile_load(&df, x->df_path);
	if (error == HUSH_ENOTFOUND) {
		scan_warn(x->scan, "%s: no Dockerfile; its checks were not run "
				   "(use -f)", x->df_path);
		return 0;
	}
	if (error < 0) {
		/* the rest of the context is still checked */
		scan_warn(x->scan, "%s", hush_err_msg());
		return 0;
	}
	if ((error = dockerfile_check(&issues, df)) < 0)
		goto done;
	if (issues.truncated)
		scan_warn(x->scan, "%s: more than %u issues; the rest are not "
				   "reported (HUSH_MAX_DOCKERFILE_ISSUES)",
			x->df_path, HUSH_MAX_DOCKERFILE_ISSUES);
	for (i = 0; i < issues.len && error == 0; i++) {
		const struct dockerfile_issue *is = &issues.v[i];
		struct hush_buf subj = HUSH_BUF_INIT(HUSH_MAX_PATH * 4);

		/* COPY . . is fine when nothing sensitive gets in */
		if (!strcmp(is->check, CHECK_COPY_CONTEXT) && x->sensitive == 0)
			continue;
		/* the subject of the fingerprint: what, not where */
		if ((error = hush_buf_printf(&subj, "%s\n%s", x->df_rel ? x->df_rel
									 : x->df_path,
			     is->subject ? is->subject : "")) == 0)
			error = add_finding(x, is->check, subj.ptr,
				x->df_rel ? x->df_rel : x->df_path, is->line,
				is->message, (int)is->severity);
		hush_buf_dispose(&subj);
	}
done:
	dockerfile_issues_dispose(&issues);
	dockerfile_free(df);
	return error;
}

static int on_warning(const struct context_warning *w, void *payload)
{
	struct ctx *x = payload;

	/* an unreadable folder no builder sends does not stop the build */
	if (w->excluded) {
		hush_log_info("%s", w->message);
		return 0;
	}
	if (x->scan)
		scan_warn(x->scan, "%s", w->message);
	else
		hush_log_warn("%s", w->message);
	x->error = x->error ? x->error : 1;
	return 0;
}

/* Sensitive names, builder differences and the content of each file. */
static int on_entry(const struct context_entry *e, void *payload)
{
	struct ctx *x = payload;
	const struct sensitive_kind *k;
	size_t dlen = 0;
	int error;

	if (allow_path(&x->allow, e->path)) {
		scan_note_allowed(x->scan);
		return 0;
	}
	if (x->df_rel && !strcmp(e->path, x->df_rel))
		x->df_sent = true;
	if (!strcmp(e->path, ".dockerignore"))
		x->ignore_sent = true;
	/*
	 * A difference between the builders is a note, not a finding: it is
	 * how docker works, and the union is checked either way. A sensitive
	 * path says which builder sends it in its own finding.
	 */
	if (e->sent_buildkit != e->sent_legacy && hush_log_level_get() >= HUSH_LOG_WARN)
		fprintf(stderr, "hush: note: %s is sent by %s; %s\n", e->path,
			builders(e->sent_buildkit, e->sent_legacy),
			x->bk_ignore_path && x->legacy_ignore_path &&
					strcmp(x->bk_ignore_path,
						x->legacy_ignore_path)
				? "BuildKit reads the Dockerfile's own ignore file"
				: "the builders prune excluded folders differently");
	if ((k = sensitive_match(e->path, e->type == CONTEXT_ENTRY_DIR)) != NULL) {
		if ((error = sensitive_finding(x, k, e->path, e)) < 0)
			return error;
	} else if ((k = sensitive_match_parent(e->path, &dlen)) != NULL) {
		/* one finding per sensitive folder, at its first file sent */
		if (!x->last_sensitive_dir ||
		    strlen(x->last_sensitive_dir) != dlen ||
		    strncmp(x->last_sensitive_dir, e->path, dlen) != 0) {
			char *d = strndup(e->path, dlen);

			if (!d)
				return hush_err_set(HUSH_ENOMEM, "out of memory");
			free(x->last_sensitive_dir);
			x->last_sensitive_dir = d;
			if ((error = sensitive_finding(x, k, d, e)) < 0)
				return error;
		}
	}
	if (e->type != CONTEXT_ENTRY_FILE)
		return 0;
	x->files++;
	x->bytes += e->size;
	return scan_submit_file(x->scan, e->full_path, e->path, false);
}

static int on_list(const struct context_entry *e, void *payload)
{
	struct ctx *x = payload;

	if (e->type == CONTEXT_ENTRY_DIR)
		return 0;
	x->files++;
	x->bytes += e->size;
	fputs(e->path, stdout);
	fputc(x->c->null_sep ? '\0' : '\n', stdout);
	return 0;
}

/* One --explain line per builder verdict, as `git check-ignore -v` does. */
static int explain_one(struct ctx *x, const struct dockerignore *d,
	const char *who, const char *path)
{
	bool excluded = false;
	int which = -1, error;

	if (!d) {
		printf("::\t%s\tsent%s\n", path, who);
		return 0;
	}
	if ((error = dockerignore_matches(d, x->md, path, &excluded, &which)) < 0)
		return error;
	if (which < 0)
		printf("::\t%s\tsent%s\n", path, who);
	else
		printf("%s:%u:%s\t%s\t%s%s\n", dockerignore_file(d),
			dockerignore_pattern_line(d, (size_t)which),
			dockerignore_pattern_text(d, (size_t)which), path,
			excluded ? "excluded" : "sent", who);
	return 0;
}

static int explain(struct ctx *x)
{
	struct hush_buf p = HUSH_BUF_INIT(HUSH_MAX_PATH);
	size_t i;
	int error = 0;

	for (i = 0; i < x->c->explain.len && error == 0; i++) {
		const char *path = x->c->explain.v[i];

		hush_buf_clear(&p);
		if ((error = dockerignore_clean(&p, path, strlen(path))) < 0)
			break;
		path = p.ptr;
		if (path[0] == '/' || !strncmp(path, "../", 3) || !strcmp(path, "..")) {
			error = hush_err_set(HUSH_EUSAGE,
				"--explain %s: not a path inside the context", path);
			break;
		}
		if ((x->df_rel && !strcmp(path, x->df_rel)) ||
		    !strcmp(path, ".dockerignore")) {
			printf("::\t%s\tsent (out of band: the builder always "
			       "receives it)\n", path);
			continue;
		}
		error = explain_one(x, x->bk, x->legacy && x->bk_ignore_path &&
						      strcmp(x->bk_ignore_path,
							      x->legacy_ignore_path)
					      ? " (BuildKit)" : "",
			path);
		/* the legacy verdict only when it reads another file */
		if (error == 0 && x->bk_ignore_path && x->legacy_ignore_path &&
		    strcmp(x->bk_ignore_path, x->legacy_ignore_path))
			error = explain_one(x, x->legacy, " (legacy builder)", path);
	}
	hush_buf_dispose(&p);
	return error;
}

static void ctx_dispose(struct ctx *x)
{
	findings_dispose(&x->checks);
	allow_paths_dispose(&x->allow);
	regex_md_free(x->md);
	dockerignore_free(x->bk);
	dockerignore_free(x->legacy);
	free(x->df_path);
	free(x->df_rel);
	free(x->bk_ignore_path);
	free(x->legacy_ignore_path);
	free(x->last_sensitive_dir);
}

/* The files that leave the machine out of band are scanned too. */
static int scan_out_of_band(struct ctx *x)
{
	struct stat st;
	int error = 0;

	if (!x->df_sent && stat(x->df_path, &st) == 0 && S_ISREG(st.st_mode))
		error = scan_submit_file(x->scan, x->df_path,
			x->df_rel ? x->df_rel : x->df_path, true);
	if (error == 0 && !x->ignore_sent && x->legacy_ignore_path &&
	    stat(x->legacy_ignore_path, &st) == 0 && S_ISREG(st.st_mode))
		error = scan_submit_file(x->scan, x->legacy_ignore_path,
			".dockerignore", true);
	if (error == 0 && x->bk_ignore_path && x->legacy_ignore_path &&
	    strcmp(x->bk_ignore_path, x->legacy_ignore_path))
		error = scan_submit_file(x->scan, x->bk_ignore_path,
			x->bk_ignore_path, true);
	return error;
}

struct cmd_result cmd_context(int argc, char **argv)
{
	struct cmd_result res = { 0, 0, false, false };
	struct cli_config c;
	struct rules rules;
	struct allow_fps fps = { NULL, 0, 0 };
	struct engine *engine = NULL;
	struct scan_stats st;
	struct context_walk_opts wo;
	struct ctx x;
	struct stat sb;
	size_t unique = 0;
	int error;

	memset(&x, 0, sizeof(x));
	rules_init(&rules);
	if ((error = cli_parse_scan(&c, "context", argc, argv)) != 0) {
		res.done = error == 1;
		res.error = error < 0 ? error : 0;
		goto done;
	}
	x.c = &c;
	x.rules = &rules;
	x.dir = c.paths.v[0];
	if (stat(x.dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		error = hush_err_set(HUSH_EUSAGE, "%s: not a folder", x.dir);
		goto fail;
	}
	if (c.dockerfile)
		x.df_path = strdup(c.dockerfile);
	else if ((error = join(&x.df_path, x.dir, "Dockerfile")) < 0)
		goto fail;
	if (!x.df_path) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto fail;
	}
	x.df_rel = relative_to(x.dir, x.df_path);
	if ((error = digest_init()) < 0 || (error = regex_md_new(&x.md, 16)) < 0)
		goto fail;
	/* a bad .dockerignore fails the build, so it is a usage error here */
	if ((error = setup_ignores(&x)) < 0)
		goto fail;

	memset(&wo, 0, sizeof(wo));
	wo.buildkit = x.bk;
	wo.legacy = x.legacy;
	wo.on_warning = on_warning;
	wo.payload = &x;
	if (c.explain.len) {
		error = explain(&x);
		goto fail;
	}
	if (c.list) {
		wo.on_entry = on_list;
		if ((error = context_walk(x.dir, &wo)) < 0)
			goto fail;
		if (fflush(stdout) != 0) {
			error = hush_err_set_errno(HUSH_EIO, "cannot write to stdout");
			goto fail;
		}
		fprintf(stderr, "hush: %zu files, %zu bytes would be sent\n",
			x.files, x.bytes);
		res.incomplete = x.error != 0;
		goto done;
	}

	if ((error = cli_load_rules(&rules, &c)) < 0 || (error = add_checks(&rules)) < 0)
		goto fail;
	if (c.baseline && (error = baseline_load(&fps, c.baseline)) < 0)
		goto fail;
	if ((error = allow_load(&x.allow, &fps, x.dir)) < 0)
		goto fail;
	if ((error = cmd__scan_new(&x.scan, &engine, &rules, &c)) < 0 ||
	    (error = scan_start(x.scan)) < 0)
		goto fail;
	wo.on_entry = on_entry;
	if ((error = context_walk(x.dir, &wo)) < 0)
		goto fail;
	if ((error = scan_out_of_band(&x)) < 0 || (error = check_dockerfile(&x)) < 0)
		goto fail;
	if ((error = scan_finish(x.scan)) < 0)
		goto fail;
	if ((error = findings_move(scan_findings(x.scan), &x.checks)) < 0)
		goto fail;
	allow_fps_seal(&fps);
	cmd__drop_known(scan_findings(x.scan), &fps);
	if ((error = cmd__write_report(&c, x.scan, &unique)) < 0)
		goto fail;
	scan_get_stats(x.scan, &st);
	res.findings = scan_findings(x.scan)->len;
	res.incomplete = st.warnings > 0;
	hush_log_info("%zu findings (%zu distinct); %zu files, %zu bytes would "
		      "be sent", res.findings, unique, x.files, x.bytes);
	if (res.incomplete)
		hush_log_warn("check incomplete: %zu warning%s", st.warnings,
			st.warnings == 1 ? "" : "s");
	goto done;
fail:
	res.error = error;
done:
	scan_free(x.scan);
	engine_free(engine);
	ctx_dispose(&x);
	allow_fps_dispose(&fps);
	rules_dispose(&rules);
	cli_config_dispose(&c);
	return res;
}
