/* SPDX-License-Identifier: MIT */
/*
 * test_dockerfile.c - the BuildKit-compatible Dockerfile parser (directives,
 * continuations, heredocs, JSON and shell forms, stages, errors) and the
 * Dockerfile checks, positives next to negatives, plus the fixtures in
 * corpus/context/dockerfiles. Credentials here are fake.
 */
#include <stdlib.h>
#include <string.h>

#include "dockerfile.h"
#include "hush/buf.h"
#include "hush/limits.h"
#include "t.h"

#ifndef HUSH_SOURCE_DIR
#define HUSH_SOURCE_DIR "."
#endif

static struct dockerfile *parse(const char *text)
{
	struct dockerfile *df = NULL;

	T_OK(dockerfile_parse(&df, "t", (const unsigned char *)text,
		strlen(text)));
	return df;
}

/* The parse error of text[0..len), "" when it parses. */
static const char *parse_error_n(const char *text, size_t len)
{
	static char msg[1024];
	struct dockerfile *df = NULL;
	int error = dockerfile_parse(&df, "t", (const unsigned char *)text, len);

	dockerfile_free(df);
	if (error == 0)
		return "";
	T_EQ_INT(error, HUSH_EPARSE);
	snprintf(msg, sizeof(msg), "%s", hush_err_msg());
	return msg;
}

static const char *parse_error(const char *text)
{
	return parse_error_n(text, strlen(text));
}

/*
 * The issues of a parsed Dockerfile as "LINE:check LINE:check", the check
 * without its "dockerfile." prefix; with_sev adds "/severity".
 */
static char *issues_str(const struct dockerfile *df, bool with_sev)
{
	struct dockerfile_issues is = { NULL, 0, 0, false };
	struct hush_buf b = HUSH_BUF_INIT(1 << 20);
	size_t i;

	T_OK(dockerfile_check(&is, df));
	T_OK(hush_buf_puts(&b, ""));
	for (i = 0; i < is.len; i++) {
		T_ASSERT(strncmp(is.v[i].check, "dockerfile.", 11) == 0);
		T_ASSERT(is.v[i].subject && is.v[i].message);
		T_ASSERT(!strchr(is.v[i].message, '\n'));
		T_OK(hush_buf_printf(&b, "%s%u:%s", i ? " " : "", is.v[i].line,
			is.v[i].check + 11));
		if (with_sev)
			T_OK(hush_buf_printf(&b, "/%s",
				rules_severity_name(is.v[i].severity)));
	}
	T_ASSERT(!is.truncated);
	dockerfile_issues_dispose(&is);
	return hush_buf_detach(&b);
}

/* Parse text and describe its issues. */
static char *check(const char *text)
{
	struct dockerfile *df = parse(text);
	char *s = issues_str(df, false);

	dockerfile_free(df);
	return s;
}

#define T_ISSUES(text, want)                                                  \
	do {                                                                  \
		char *t_s_ = check(text);                                     \
		if (strcmp(t_s_, (want)) != 0)                                \
			T_FAIL("issues of <<%s>> are \"%s\", want \"%s\"",   \
				(text), t_s_, (want));                        \
		free(t_s_);                                                   \
	} while (0)

/* ---- parser ---- */

static void parse_instructions(void)
{
	struct dockerfile *df = parse(
		"# syntax=docker/dockerfile:1\n"
		"ARG BASE=alpine:3.20\n"
		"from $BASE As Build\n"
		"Run --mount=type=cache,target=/root/.cache --network=\"none\" "
		"make\n"
		"COPY --chown=app:app --link src/ /app/\n"
		"\n"
		"FROM scratch\n"
		"COPY --from=build /app /app\n"
		"EXPOSE 80  443\n"
		"USER app\n");

	T_EQ_INT(df->len, 8);
	T_EQ_STR(df->syntax, "docker/dockerfile:1");
	T_ASSERT(df->check == NULL);
	T_EQ_INT(df->escape, '\\');
	T_EQ_INT(df->nstages, 2);
	T_EQ_STR(df->stages[0].name, "build"); /* lowercased, as BuildKit */
	T_EQ_STR(df->stages[0].base, "$BASE");
	T_EQ_INT(df->stages[0].line, 3);
	T_ASSERT(df->stages[1].name == NULL);

	T_EQ_STR(df->v[0].keyword, "ARG");
	T_EQ_INT(df->v[0].stage, -1);
	T_EQ_STR(df->v[1].keyword, "FROM");
	T_EQ_INT(df->v[1].stage, 0);
	T_EQ_INT(df->v[1].argc, 3);
	T_EQ_STR(df->v[2].keyword, "RUN");
	T_EQ_INT(df->v[2].nflags, 2);
	T_EQ_STR(df->v[2].flags[0], "--mount=type=cache,target=/root/.cache");
	T_EQ_STR(df->v[2].flags[1], "--network=none"); /* quotes removed */
	T_EQ_STR(df->v[2].args, "make");
	T_EQ_INT(df->v[2].form, DOCKERFILE_FORM_SHELL);
	T_EQ_INT(df->v[3].nflags, 2);
	T_EQ_INT(df->v[3].argc, 2);
	T_EQ_STR(df->v[3].argv[0], "src/");
	T_EQ_INT(df->v[4].stage, 1);
	T_EQ_INT(df->v[4].start_line, 7);
	T_EQ_INT(df->v[5].stage, 1);
	T_EQ_STR(df->v[6].argv[1], "443");
	T_EQ_STR(df->v[7].args, "app");
	dockerfile_free(df);

	/* a lone "--" ends the flags */
	df = parse("FROM a\nRUN --network=host -- --version\n");
	T_EQ_INT(df->v[1].nflags, 1);
	T_EQ_STR(df->v[1].args, "--version");
	dockerfile_free(df);
}

static void parse_continuations(void)
{
	struct dockerfile *df = parse("FROM alpine\n"
				      "RUN apk add \\\n"
				      "    # a comment line is dropped\n"
				      "    curl \\\n"
				      "\n"
				      "    git\n"
				      "RUN echo a \\\\\n"
				      "RUN echo b \\  \t\n"
				      "  && echo c\n"
				      "RUN echo end \\");
	const struct dockerfile_instr *in = &df->v[1];

	T_EQ_INT(df->len, 5);
	T_EQ_INT(in->start_line, 2);
	T_EQ_INT(in->end_line, 6);
	/* the escape and blanks after it go; continuation lines keep theirs */
	T_EQ_STR(in->args, "apk add     curl     git");
	T_EQ_INT(dockerfile_line_at(in, 0), 2);
	T_EQ_INT(dockerfile_line_at(in, (size_t)(strstr(in->args, "curl") -
					    in->args)),
		4);
	T_EQ_INT(dockerfile_line_at(in, (size_t)(strstr(in->args, "git") -
					    in->args)),
		6);
	/* an escaped escape is no continuation */
	T_EQ_STR(df->v[2].args, "echo a \\\\");
	T_EQ_INT(df->v[2].end_line, 7);
	/* blanks after the escape are allowed */
	T_EQ_STR(df->v[3].args, "echo b   && echo c");
	T_EQ_INT(df->v[3].end_line, 9);
	/* a continuation at the end of the file ends the instruction */
	T_EQ_STR(df->v[4].args, "echo end");
	dockerfile_free(df);
}

static void parse_escape_backtick(void)
{
	struct dockerfile *df = parse("# escape=`\n"
				      "FROM mcr.microsoft.com/windows/servercore\n"
				      "RUN dir C:\\ `\n"
				      "    && echo done\n"
				      "COPY C:\\src\\app.exe C:\\app\\\n"
				      "ENV A=`\"q`\" B=c:\\x\n");

	T_EQ_INT(df->escape, '`');
	T_EQ_INT(df->len, 4);
	/* a trailing backslash is a path here, not a continuation */
	T_EQ_STR(df->v[1].args, "dir C:\\     && echo done");
	T_EQ_INT(df->v[1].end_line, 4);
	T_EQ_STR(df->v[2].argv[1], "C:\\app\\");
	T_EQ_STR(df->v[3].kv[0].value, "\"q\"");
	T_EQ_STR(df->v[3].kv[1].value, "c:\\x");
	dockerfile_free(df);

	/* a directive after another comment is only a comment */
	df = parse("# hello\n# escape=`\nFROM a\nRUN x `\n");
	T_EQ_INT(df->escape, '\\');
	T_EQ_STR(df->v[1].args, "x `");
	dockerfile_free(df);
	/* so is one after a blank line, or after an instruction */
	df = parse("\n# escape=`\nFROM a\n# escape=`\n");
	T_EQ_INT(df->escape, '\\');
	dockerfile_free(df);
	/* keys are case-insensitive, blanks around '=' allowed */
	df = parse("#  ESCAPE = `\nFROM a\n");
	T_EQ_INT(df->escape, '`');
	dockerfile_free(df);
}

static void parse_directives(void)
{
	struct dockerfile *df = parse("# syntax = docker/dockerfile:1.7 \n"
				      "# check=skip=JSONArgsRecommended;error=true\n"
				      "# unknown=directive ends them\n"
				      "# escape=`\n"
				      "FROM a\n");

	T_EQ_STR(df->syntax, "docker/dockerfile:1.7");
	T_EQ_STR(df->check, "skip=JSONArgsRecommended;error=true");
	T_ASSERT(!df->skip_secrets_check);
	T_EQ_INT(df->escape, '\\');
	dockerfile_free(df);

	T_EQ_STR(parse_error("# syntax=a\n# syntax=b\nFROM x\n"),
		"t:2: only one syntax parser directive can be used");
	T_EQ_STR(parse_error("# escape=x\nFROM a\n"),
		"t:1: invalid escape token 'x' does not match ` or \\");
	T_EQ_STR(parse_error("# check=skip\nFROM a\n"),
		"t:1: failed to parse check options: invalid check option "
		"\"skip\"");
	T_EQ_STR(parse_error("# check=fail=x\nFROM a\n"),
		"t:1: failed to parse check options: invalid check option "
		"\"fail\"");
}

static void parse_heredocs(void)
{
	struct dockerfile *df = parse("FROM alpine\n"
				      "RUN <<EOF\n"
				      "echo one\n"
				      "EOF\n"
				      "RUN <<-EOT bash\n"
				      "\techo two\n"
				      "\tEOT\n"
				      "RUN cat <<'A' <<\"B\" > /x\n"
				      "$HOME\n"
				      "A\n"
				      "b\n"
				      "B\n"
				      "COPY <<EOF /etc/motd\n"
				      "hi\n"
				      "EOF\n"
				      "RUN 3<<EOF cat <&3\n"
				      "x\n"
				      "EOF\n"
				      "RUN echo \"<<EOF\"\n"
				      "RUN cat<<EOF\n"
				      "RUN [\"cat\", \"<<EOF\"]\n"
				      "RUN <<EOF\n"
				      "EOF\n");
	const struct dockerfile_instr *v = df->v;

	T_EQ_INT(df->len, 10);
	T_EQ_INT(v[1].start_line, 2);
	T_EQ_INT(v[1].end_line, 4);
	T_EQ_INT(v[1].nheredocs, 1);
	T_EQ_STR(v[1].heredocs[0].name, "EOF");
	T_EQ_STR(v[1].heredocs[0].body, "echo one\n");
	T_EQ_INT(v[1].heredocs[0].line, 3);
	T_ASSERT(v[1].heredocs[0].expand && !v[1].heredocs[0].chomp);

	/* <<-: the terminator may be indented with tabs; the body keeps them */
	T_ASSERT(v[2].heredocs[0].chomp);
	T_EQ_STR(v[2].heredocs[0].body, "\techo two\n");
	T_EQ_INT(v[2].end_line, 7);

	/* two heredocs on one line, read in order; quotes stop expansion */
	T_EQ_INT(v[3].nheredocs, 2);
	T_EQ_STR(v[3].heredocs[0].name, "A");
	T_ASSERT(!v[3].heredocs[0].expand);
	T_EQ_STR(v[3].heredocs[0].body, "$HOME\n");
	T_EQ_STR(v[3].heredocs[1].name, "B");
	T_ASSERT(!v[3].heredocs[1].expand);
	T_EQ_INT(v[3].heredocs[1].line, 11);
	T_EQ_INT(v[3].end_line, 12);

	T_EQ_STR(v[4].keyword, "COPY");
	T_EQ_STR(v[4].heredocs[0].body, "hi\n");
	T_EQ_INT(v[5].heredocs[0].fd, 3);
	/* a quoted <<, a glued cat<<EOF and the JSON form are no heredocs */
	T_EQ_INT(v[6].nheredocs, 0);
	T_EQ_INT(v[7].nheredocs, 0);
	T_EQ_INT(v[8].nheredocs, 0);
	T_EQ_INT(v[8].form, DOCKERFILE_FORM_JSON);
	/* an empty body */
	T_EQ_STR(v[9].heredocs[0].body, "");
	T_EQ_INT(v[9].end_line, 23);
	dockerfile_free(df);

	T_EQ_STR(parse_error("FROM a\nRUN <<EOF\necho\n"),
		"t:2: unterminated heredoc");
	T_EQ_STR(parse_error("FROM a\nRUN <<A <<B\nx\nA\ny\n"),
		"t:2: unterminated heredoc");
	/* the terminator must be the whole line (only tabs before, with <<-) */
	T_EQ_STR(parse_error("FROM a\nRUN <<EOF\n  EOF\n"),
		"t:2: unterminated heredoc");
}

static void parse_json_forms(void)
{
	struct dockerfile *df = parse(
		"FROM a\n"
		"RUN [\"echo\", \"hi there\"]\n"
		"CMD [\"a\" \"b\"]\n"
		"ENTRYPOINT [\"a\",]\n"
		"RUN [\"x\"] trailing text\n"
		"COPY [\"a b\", \"/x\"]\n"
		"CMD []\n"
		"RUN [ \"caf\\u00e9\", \"\\ud83d\\ude00\", \"tab\\there\" ]\n"
		"SHELL [\"/bin/sh\", \"-c\"]\n"
		"RUN [\"nul\\u0000\"]\n");
	const struct dockerfile_instr *v = df->v;

	T_EQ_INT(v[1].form, DOCKERFILE_FORM_JSON);
	T_EQ_INT(v[1].argc, 2);
	T_EQ_STR(v[1].argv[1], "hi there");
	/* JSON that does not parse falls back to the shell form */
	T_EQ_INT(v[2].form, DOCKERFILE_FORM_SHELL);
	T_EQ_STR(v[2].args, "[\"a\" \"b\"]");
	T_EQ_INT(v[3].form, DOCKERFILE_FORM_SHELL);
	/* Go's json.Decoder reads one value: the rest is ignored */
	T_EQ_INT(v[4].form, DOCKERFILE_FORM_JSON);
	T_EQ_INT(v[4].argc, 1);
	T_EQ_INT(v[5].argc, 2);
	T_EQ_STR(v[5].argv[0], "a b");
	T_EQ_INT(v[6].form, DOCKERFILE_FORM_JSON);
	T_EQ_INT(v[6].argc, 0);
	T_EQ_STR(v[7].argv[0], "caf\xc3\xa9");
	T_EQ_STR(v[7].argv[1], "\xf0\x9f\x98\x80");
	T_EQ_STR(v[7].argv[2], "tab\there");
	T_EQ_INT(v[8].form, DOCKERFILE_FORM_JSON);
	/* C strings cannot hold \u0000: such an array stays shell form */
	T_EQ_INT(v[9].form, DOCKERFILE_FORM_SHELL);
	dockerfile_free(df);

	T_EQ_STR(parse_error("FROM a\nRUN [\"echo\", 1]\n"),
		"t:2: when using JSON array syntax, arrays must be comprised "
		"of strings only");
	T_EQ_STR(parse_error("FROM a\nCOPY [\"a\", [\"b\"]]\n"),
		"t:2: when using JSON array syntax, arrays must be comprised "
		"of strings only");
	T_EQ_STR(parse_error("FROM a\nSHELL /bin/sh -c\n"),
		"t:2: SHELL requires the arguments to be in JSON form");
}

static void parse_env_arg(void)
{
	struct dockerfile *df = parse("FROM a\n"
				      "ENV a=b c=\"d e\" 'f'=g\n"
				      "ENV key value with  spaces\n"
				      "ARG A=1 B \"Q\"=x\n"
				      "LABEL org.opencontainers.image.title=\"t t\"\n"
				      "ENV E=\"a\\\"b\" F=x\\ y\n");
	const struct dockerfile_instr *v = df->v;

	T_EQ_INT(v[1].nkv, 3);
	T_EQ_STR(v[1].kv[0].key, "a");
	T_EQ_STR(v[1].kv[0].value, "b");
	T_EQ_STR(v[1].kv[1].value, "d e");
	T_EQ_STR(v[1].kv[2].key, "f");
	/* the legacy form: the first blank splits key and value */
	T_EQ_INT(v[2].nkv, 1);
	T_EQ_STR(v[2].kv[0].key, "key");
	T_EQ_STR(v[2].kv[0].value, "value with  spaces");
	T_EQ_INT(v[3].nkv, 3);
	T_EQ_STR(v[3].kv[0].value, "1");
	T_EQ_STR(v[3].kv[1].key, "B");
	T_ASSERT(v[3].kv[1].value == NULL);
	T_EQ_STR(v[3].kv[2].key, "Q");
	T_EQ_STR(v[4].kv[0].value, "t t");
	T_EQ_STR(v[5].kv[0].value, "a\"b");
	T_EQ_STR(v[5].kv[1].value, "x y");
	dockerfile_free(df);

	T_EQ_STR(parse_error("FROM a\nENV A=1 B\n"),
		"t:2: Syntax error - can't find = in \"B\". Must be of the form: "
		"name=value");
	T_EQ_STR(parse_error("FROM a\nENV ONLY\n"),
		"t:2: ENV must have two arguments");
	T_EQ_STR(parse_error("FROM a\nLABEL =x\n"),
		"t:2: LABEL names can not be blank");
	T_EQ_STR(parse_error("FROM a\nARG\n"),
		"t:2: ARG requires at least one argument");
}

static void parse_onbuild(void)
{
	struct dockerfile *df = parse("FROM a\n"
				      "ONBUILD RUN <<EOF\n"
				      "echo later\n"
				      "EOF\n"
				      "ONBUILD COPY --chown=app . /app\n");
	const struct dockerfile_instr *v = df->v;

	T_EQ_STR(v[1].keyword, "ONBUILD");
	T_ASSERT(v[1].sub != NULL);
	T_EQ_STR(v[1].sub->keyword, "RUN");
	T_EQ_STR(v[1].sub->args, "<<EOF");
	T_EQ_INT(v[1].nheredocs, 1);
	T_EQ_STR(v[1].heredocs[0].body, "echo later\n");
	T_EQ_INT(v[1].end_line, 4);
	T_EQ_INT(v[2].sub->nflags, 1);
	T_EQ_INT(v[2].sub->argc, 2);
	dockerfile_free(df);

	T_EQ_STR(parse_error("FROM a\nONBUILD ONBUILD RUN x\n"),
		"t:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	T_EQ_STR(parse_error("FROM a\nONBUILD FROM b\n"),
		"t:2: FROM isn't allowed as an ONBUILD trigger");
	T_EQ_STR(parse_error("FROM a\nONBUILD\n"),
		"t:2: ONBUILD requires at least one argument");
}

static void parse_errors(void)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "FROM a\nRUN x\nFOO bar\n", "t:3: unknown instruction: FOO" },
		{ "FROM a\nRUN \\\n  x\nbad \\\n  y\n",
			"t:4: unknown instruction: BAD" },
		{ "RUN x\n", "t:1: no build stage in current context" },
		{ "ARG A\nENV B=c\nFROM x\n",
			"t:2: no build stage in current context" },
		{ "ARG A=1\n", "t:1: dockerfile contains no stages to build" },
		{ "# only a comment\n\n", "t:2: file with no instructions" },
		{ "", "t:1: the Dockerfile cannot be empty" },
		{ "FROM a b\n", "t:1: FROM requires either one or three arguments" },
		{ "FROM a AS 1x\n",
			"t:1: invalid name for build stage: \"1x\", name can't "
			"start with a number or contain symbols" },
		{ "FROM a AS b$\n",
			"t:1: invalid name for build stage: \"b$\", name can't "
			"start with a number or contain symbols" },
		{ "FROM a\nCOPY x\n",
			"t:2: COPY requires at least two arguments, but only one "
			"was provided. Destination could not be determined" },
		{ "FROM a\nWORKDIR\n", "t:2: WORKDIR requires exactly one argument" },
		{ "FROM a\nEXPOSE\n", "t:2: EXPOSE requires at least one argument" },
		{ "FROM a\nHEALTHCHECK FOO x\n",
			"t:2: Unknown type \"FOO\" in HEALTHCHECK (try CMD)" },
		{ "FROM a\nHEALTHCHECK NONE x\n",
			"t:2: HEALTHCHECK NONE takes no arguments" },
		{ "FROM a\nHEALTHCHECK --interval=5s CMD\n",
			"t:2: Missing command after HEALTHCHECK CMD" },
		/* good ones next to the bad */
		{ "FROM a AS my-stage_1.x\nHEALTHCHECK NONE\n", "" },
		{ "ARG A\nFROM a\nHEALTHCHECK --retries=3 CMD [\"true\"]\n", "" },
	};
	char *big;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *got = parse_error(cases[i].in);

		if (strcmp(got, cases[i].want) != 0)
			T_FAIL("<<%s>>: \"%s\", want \"%s\"", cases[i].in, got,
				cases[i].want);
	}
	T_EQ_STR(parse_error_n("FROM a\nRUN x\0y\n", 15),
		"t:2: NUL byte in the Dockerfile");

	/* BuildKit's bufio.Scanner refuses a line over 65535 bytes */
	big = malloc(70000);
	T_ASSERT(big);
	memcpy(big, "FROM a\nRUN ", 11);
	memset(big + 11, 'a', 70000 - 12);
	big[70000 - 1] = '\n';
	T_EQ_STR(parse_error_n(big, 70000),
		"t:2: dockerfile line greater than max allowed size of 65535");
	free(big);
}

static void parse_limits(void)
{
	struct dockerfile *df = NULL;
	size_t n = HUSH_MAX_DOCKERFILE + 1, i;
	char *big = malloc(n);

	T_ASSERT(big);
	memset(big, '\n', n);
	memcpy(big, "FROM a\n", 7);
	T_EQ_INT(dockerfile_parse(&df, "t", (unsigned char *)big, n),
		HUSH_ELIMIT);
	T_ASSERT(strstr(hush_err_msg(), "HUSH_MAX_DOCKERFILE"));
	T_ASSERT(df == NULL);

	/* lines: a short file of many empty lines */
	n = HUSH_MAX_DOCKERFILE_LINES + 10;
	T_EQ_INT(dockerfile_parse(&df, "t", (unsigned char *)big, n),
		HUSH_ELIMIT);
	T_ASSERT(strstr(hush_err_msg(), "HUSH_MAX_DOCKERFILE_LINES"));

	/* a heredoc body over HUSH_MAX_HEREDOC */
	n = 0;
	memcpy(big, "FROM a\nRUN <<EOF\n", 17);
	n = 17;
	for (i = 0; i < HUSH_MAX_HEREDOC / 1000 + 2; i++) {
		memset(big + n, 'x', 999);
		big[n + 999] = '\n';
		n += 1000;
	}
	memcpy(big + n, "EOF\n", 4);
	n += 4;
	T_EQ_INT(dockerfile_parse(&df, "t", (unsigned char *)big, n),
		HUSH_ELIMIT);
	T_ASSERT(strstr(hush_err_msg(), "HUSH_MAX_HEREDOC"));
	free(big);
}

/* ---- checks ---- */

/*
 * BuildKit's SecretsUsedInArgOrEnv on names (the spec's worked examples).
 * One correction: the spec lists apiKey as not flagged, but the deny regex
 * is case-insensitive over the whole name, so ^apikey$ matches it and
 * BuildKit flags it; we reproduce the regex.
 */
static void check_secret_names(void)
{
	static const struct {
		const char *name;
		bool flagged;
	} cases[] = {
		{ "AWS_SECRET_ACCESS_KEY", true }, { "GITHUB_TOKEN", true },
		{ "API_KEY", true }, { "APIKEY", true }, { "AUTH", true },
		{ "NPM_AUTH_TOKEN", true }, { "SSH_PRIVATE_KEY", true },
		{ "DB_PASSWORD", true }, { "apiKey", true },
		{ "github_token", true }, { "MY__SECRET", true },
		{ "CREDENTIALS", true }, { "X_PWORD", true },
		{ "MONKEY", false }, { "KEYCLOAK_URL", false },
		{ "DB_PASS", false }, { "SECRETS_DIR", false },
		{ "PUBLIC_KEY", false }, { "PASSWORD_FILE", false },
		{ "TOKEN_VERSION", false }, { "ACCESS_KEYS", false },
		{ "TOKENS", false }, { "KEY_public", false },
	};
	char text[256], want[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(text, sizeof(text), "FROM a\nARG %s\nENV %s=x\n",
			cases[i].name, cases[i].name);
		snprintf(want, sizeof(want), "%s",
			cases[i].flagged ? "2:secret_arg_env 3:secret_arg_env" : "");
		T_ISSUES(text, want);
	}
	/* every name of ARG A=1 B and ENV a=b c=d; the legacy ENV form */
	T_ISSUES("FROM a\nARG A=1 MY_TOKEN\nENV x=1 API_KEY=2\nENV DB_PASSWORD v\n",
		"2:secret_arg_env 3:secret_arg_env 4:secret_arg_env");
	/* not the global ARGs before FROM (BuildKit lints dispatched stages) */
	T_ISSUES("ARG GITHUB_TOKEN\nFROM a\n", "");
	/* a stage that redeclares it is linted */
	T_ISSUES("ARG GITHUB_TOKEN\nFROM a\nARG GITHUB_TOKEN\n",
		"3:secret_arg_env");
	/* LABEL is not ARG or ENV */
	T_ISSUES("FROM a\nLABEL API_KEY=x\n", "");
}

static void check_skip_directive(void)
{
	T_ISSUES("# check=skip=SecretsUsedInArgOrEnv\nFROM a\nARG GITHUB_TOKEN\n",
		"");
	T_ISSUES("# check=skip=all\nFROM a\nENV API_KEY=x\n", "");
	T_ISSUES("# check = skip=JSONArgsRecommended, SecretsUsedInArgOrEnv\n"
		 "FROM a\nARG GITHUB_TOKEN\n",
		"");
	T_ISSUES("# check=skip=JSONArgsRecommended;error=true\nFROM a\n"
		 "ARG GITHUB_TOKEN\n",
		"3:secret_arg_env");
	/* the check directive is found after a #! line, as ParseDirective does */
	T_ISSUES("#!/usr/bin/env buildctl\n# check=skip=all\nFROM a\n"
		 "ARG GITHUB_TOKEN\n",
		"");
	/* after an instruction it is only a comment */
	T_ISSUES("FROM a\n# check=skip=all\nARG GITHUB_TOKEN\n",
		"3:secret_arg_env");
	/* the skip is for that check only */
	T_ISSUES("# check=skip=all\nFROM a\nCOPY .env /app/\n",
		"3:copy_sensitive");
}

static void check_copy_add(void)
{
	struct dockerfile *df = parse(
		"FROM alpine\n"                        /* 1 */
		"COPY .env /app/\n"                    /* 2 */
		"COPY .env.example /app/\n"            /* 3 */
		"COPY config/.env.production /x\n"     /* 4 */
		"COPY [\"id_rsa\", \"/root/.ssh/\"]\n" /* 5 */
		"COPY id_rsa.pub /root/.ssh/\n"        /* 6 */
		"COPY *.pem /certs/\n"                 /* 7 */
		"COPY *.json /app/\n"                  /* 8 */
		"COPY src/ /app/src/\n"                /* 9 */
		"COPY secrets/ /run/\n"                /* 10 */
		"COPY .ssh/config /root/.ssh/\n"       /* 11 */
		"COPY . .\n"                           /* 12 */
		"COPY ./ /app/\n"                      /* 13 */
		"COPY --from=build /app/.env /x\n"     /* 14 */
		"COPY --chown=app:app \".npmrc\" /x\n" /* 15 */
		"ADD .aws/credentials /root/.aws/\n"   /* 16 */
		"COPY <<EOF /root/.env\nA=1\nEOF\n"    /* 17-19 */
		"COPY a.txt .git /app/\n"              /* 20 */
		"COPY ./terraform.tfstate /x\n");      /* 21 */
	char *s = issues_str(df, true);

	T_EQ_STR(s, "2:copy_sensitive/high 4:copy_sensitive/high "
		    "5:copy_sensitive/critical 7:copy_sensitive/high "
		    "10:copy_sensitive/high 11:copy_sensitive/high "
		    "12:copy_context/low 13:copy_context/low "
		    "15:copy_sensitive/high 16:copy_sensitive/high "
		    "20:copy_sensitive/medium 21:copy_sensitive/high");
	free(s);
	dockerfile_free(df);

	/* the message names the kind and the .dockerignore line */
	{
		struct dockerfile_issues is = { NULL, 0, 0, false };

		df = parse("FROM a\nCOPY deploy/id_ed25519 /root/.ssh/\n");
		T_OK(dockerfile_check(&is, df));
		T_EQ_INT(is.len, 1);
		T_EQ_STR(is.v[0].check, "dockerfile.copy_sensitive");
		T_EQ_STR(is.v[0].subject, "deploy/id_ed25519");
		T_ASSERT(strstr(is.v[0].message, "'**/id_ed25519'"));
		T_ASSERT(strstr(is.v[0].message, "SSH private key"));
		dockerfile_issues_dispose(&is);
		dockerfile_free(df);
	}
}

static void check_add_url(void)
{
	struct dockerfile_issues is = { NULL, 0, 0, false };
	struct dockerfile *df;
	size_t i;

	T_ISSUES("FROM a\nADD https://example.com/a.tgz /tmp/\n", "2:add_url");
	T_ISSUES("FROM a\nADD --checksum=sha256:0123 https://example.com/a.tgz "
		 "/tmp/\n",
		"");
	T_ISSUES("FROM a\nADD git@github.com:org/repo.git /src\n", "2:add_url");
	T_ISSUES("FROM a\nADD local.tgz /tmp/\n", "");
	T_ISSUES("FROM a\nARG TOKEN\nADD https://${TOKEN}@example.com/a /tmp/\n",
		"2:secret_arg_env 3:build_arg_credential 3:add_url");
	T_ISSUES("FROM a\nADD --checksum=sha256:0 "
		 "https://u:fake-pw@example.com/a /tmp/\n",
		"2:url_credentials");

	/* the credential never shows: neither in the subject nor the message */
	df = parse("FROM a\nADD https://deploy:fake-pw-123@example.com/a.tgz?"
		   "sig=fake-sig-456 /tmp/\n");
	T_OK(dockerfile_check(&is, df));
	T_EQ_INT(is.len, 2);
	T_EQ_STR(is.v[0].check, "dockerfile.url_credentials");
	T_EQ_STR(is.v[0].subject, "https://deploy:****@example.com");
	T_EQ_STR(is.v[1].subject, "https://****@example.com/a.tgz?****");
	for (i = 0; i < is.len; i++) {
		T_ASSERT(!strstr(is.v[i].subject, "fake-pw"));
		T_ASSERT(!strstr(is.v[i].message, "fake-pw"));
		T_ASSERT(!strstr(is.v[i].message, "fake-sig"));
	}
	dockerfile_issues_dispose(&is);
	dockerfile_free(df);
}

static void check_run_literals(void)
{
	static const struct {
		const char *run;
		const char *want; /* the issues of line 3 */
	} cases[] = {
		{ "curl -u admin:fake-pw https://example.com", "run_credential" },
		{ "curl -u admin https://example.com", "" },
		{ "curl -fsSLu admin:fake-pw https://example.com",
			"run_credential" },
		{ "curl --user=admin:fake-pw https://x", "run_credential" },
		{ "curl -uadmin:fake-pw https://x", "run_credential" },
		{ "curl -u fake0token0as0user0000000: https://x",
			"run_credential" },
		{ "curl -H \"Authorization: Bearer fake-bearer\" https://x",
			"run_credential" },
		{ "curl -H 'PRIVATE-TOKEN: fake-pat' https://x", "run_credential" },
		{ "curl -H \"Accept: text/plain\" https://x", "" },
		{ "wget --password=fake-pw https://x", "run_credential" },
		{ "wget --http-password fake-pw https://x", "run_credential" },
		{ "wget --header='Authorization: token fake' https://x",
			"run_credential" },
		{ "mysql -uroot -pfake-pw db", "run_credential" },
		{ "mysql -uroot -p db", "" },
		{ "mysql --password db", "" },
		{ "mysqldump --password=fake-pw db", "run_credential" },
		{ "npm config set //registry.npmjs.org/:_authToken fake-npm",
			"run_credential" },
		{ "npm config set _authToken=fake-npm", "run_credential" },
		{ "npm config set registry https://registry.npmjs.org/", "" },
		{ "echo \"//registry.npmjs.org/:_authToken=fake-npm\" > .npmrc",
			"run_credential" },
		{ "yarn config set npmAuthToken fake-yarn", "run_credential" },
		{ "git clone https://fake0token0value0000000@github.com/o/r.git",
			"url_credentials" },
		{ "git clone https://x-access-token:fake-gh@github.com/o/r.git",
			"url_credentials" },
		{ "git clone https://git@github.com/o/r.git", "" },
		{ "git clone ssh://git@github.com/o/r.git", "" },
		{ "git clone https://github.com/o/r.git", "" },
		{ "git config --global url.\"https://oauth2:fake-gl@gitlab.com/\""
		  ".insteadOf https://gitlab.com/",
			"url_credentials" },
		{ "git config --global http.extraheader \"AUTHORIZATION: basic "
		  "fake-b64\"",
			"run_credential" },
		{ "docker login -u bot -p fake-pw registry.example.com",
			"run_credential" },
		{ "docker login -u bot --password-stdin registry.example.com", "" },
		{ "docker run -p 8080:80 nginx", "" },
		{ "helm registry login -u bot --password fake-pw r.example.com",
			"run_credential" },
		{ "pip install --index-url https://u:fake-pw@pypi.example.com/s x",
			"url_credentials" },
		{ "pip install --index-url https://pypi.org/simple x", "" },
		{ "sshpass -p fake-pw ssh host true", "run_credential" },
		{ "export API_TOKEN=fake-token && make", "run_credential" },
		{ "API_TOKEN=fake-token make", "run_credential" },
		{ "VERSION=1.2.3 make", "" },
		{ "sudo -u app API_KEY=fake-key ./install.sh", "run_credential" },
		{ "aws configure set aws_secret_access_key fake-aws",
			"run_credential" },
		{ "aws configure set region eu-west-1", "" },
		{ "some-cli --token fake-token", "run_credential" },
		{ "some-cli --token-file /run/secrets/t", "" },
		{ "some-cli --password", "" },
		{ "curl -u \"admin:$(cat /run/secrets/pw)\" https://x", "" },
		{ "curl -u admin:`cat /run/secrets/pw` https://x", "" },
		{ "bash -c \"curl -u admin:fake-pw https://x\"", "run_credential" },
		{ "sh -ec 'npm config set _authToken=fake-npm'",
			"run_credential" },
		{ "echo 'curl -u admin:fake-pw' > /tmp/notes", "" },
		{ "curl -u \"user:$DB_PASS\" https://x", "" },
		{ "true # curl -u admin:fake-pw", "" },
		{ "curl -u admin:fake-pw https://x && curl -u admin https://y",
			"run_credential" },
	};
	char text[512], want[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(text, sizeof(text), "FROM a\nENV DB_PASS=x\nRUN %s\n",
			cases[i].run);
		snprintf(want, sizeof(want), "%s%s", cases[i].want[0] ? "3:" : "",
			cases[i].want);
		T_ISSUES(text, want);
	}
	/* the exec form runs no shell: a literal is literal, $X is not expanded */
	T_ISSUES("FROM a\nRUN [\"curl\", \"-u\", \"svc:fake-pw\", \"https://x\"]\n",
		"2:run_credential");
	T_ISSUES("FROM a\nARG T\nRUN [\"curl\", \"-u\", \"svc:$T\", \"https://x\"]\n",
		"");
	/* ... unless it runs one */
	T_ISSUES("FROM a\nARG T\nRUN [\"sh\", \"-c\", \"curl -u svc:$T https://x\"]\n",
		"3:build_arg_credential");
}

static void check_run_build_args(void)
{
	/* an ARG of this stage used as a credential */
	T_ISSUES("FROM a\nARG TOKEN\nRUN curl -u \"bot:$TOKEN\" https://x\n",
		"2:secret_arg_env 3:build_arg_credential");
	T_ISSUES("FROM a\nARG PASS\nRUN curl -u \"${USER}:${PASS}\" https://x\n",
		"3:build_arg_credential");
	T_ISSUES("FROM a\nARG USER\nRUN curl -u \"${USER}:${PASS}\" https://x\n",
		"");
	T_ISSUES("FROM a\nARG T\nRUN curl -H \"Authorization: Bearer ${T}\" x\n",
		"3:build_arg_credential");
	T_ISSUES("FROM a\nARG T\nRUN git clone https://${T}@github.com/o/r.git\n",
		"3:build_arg_credential");
	T_ISSUES("FROM a\nARG NPM_TOKEN\nRUN echo \"//r/:_authToken=${NPM_TOKEN}\""
		 " > .npmrc\n",
		"2:secret_arg_env 3:build_arg_credential");
	T_ISSUES("FROM a\nARG T\nRUN export GH_TOKEN=$T && gh release list\n",
		"3:build_arg_credential");
	/* an ENV, or a variable of the command itself, is not a build arg */
	T_ISSUES("FROM a\nENV T=x\nRUN curl -u \"bot:$T\" https://x\n", "");
	T_ISSUES("FROM a\nRUN T=$(cat /run/secrets/t) && curl -u \"bot:$T\" x\n",
		"");
	/* ARGs do not cross stages */
	T_ISSUES("FROM a\nARG T\nFROM b\nRUN curl -u \"bot:$T\" https://x\n", "");
	/* declared after the RUN: not yet an ARG there */
	T_ISSUES("FROM a\nRUN curl -u \"bot:$T\" https://x\nARG T\n", "");
	/* a secret mount with env= shadows the ARG */
	T_ISSUES("FROM a\nARG T\nRUN --mount=type=secret,id=t,env=T "
		 "curl -u \"bot:$T\" https://x\n",
		"");
	T_ISSUES("FROM a\nARG T\nRUN --mount=type=secret,id=t "
		 "curl -u \"bot:$(cat /run/secrets/t)\" https://x\n",
		"");
	/* single quotes: the shell does not expand, the text is literal */
	T_ISSUES("FROM a\nARG T\nRUN curl -u 'bot:$T' https://x\n",
		"3:run_credential");
	/* ONBUILD triggers run in another build: no ARG is known there */
	T_ISSUES("FROM a\nARG T\nONBUILD RUN curl -u \"bot:$T\" https://x\n", "");
	T_ISSUES("FROM a\nONBUILD RUN curl -u bot:fake-pw https://x\n",
		"2:run_credential");
}

static void check_run_lines(void)
{
	struct dockerfile_issues is = { NULL, 0, 0, false };
	struct dockerfile *df;

	/* the physical line of the credential, not the RUN's first line */
	T_ISSUES("FROM alpine\n"
		 "RUN apk add curl && \\\n"
		 "    # comments and blank lines are dropped\n"
		 "\n"
		 "    curl -fsSL https://example.com/a && \\\n"
		 "    curl -u admin:fake-pw https://example.com/b\n",
		"6:run_credential");
	/* a heredoc body counts its own lines */
	T_ISSUES("FROM alpine\n"
		 "ARG TOKEN\n"
		 "RUN <<EOF\n"
		 "set -e\n"
		 "curl -u \"bot:$TOKEN\" https://x\n"
		 "EOF\n"
		 "RUN cat <<EOF > /root/.npmrc\n"
		 "registry=https://registry.npmjs.org/\n"
		 "//registry.npmjs.org/:_authToken=fake-npm\n"
		 "EOF\n",
		"2:secret_arg_env 5:build_arg_credential 9:run_credential");
	/* a secret mount read from its file stays quiet */
	T_ISSUES("FROM alpine\n"
		 "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"
		 "RUN --mount=type=secret,id=aws,target=/root/.aws/credentials \\\n"
		 "    aws s3 cp s3://bucket/x /x\n",
		"");

	/* the subject is redacted */
	df = parse("FROM a\nRUN curl -u deploy:fake-pw-789 https://x && "
		   "mysql -pfake-pw-789 && some --token=fake-pw-789\n");
	T_OK(dockerfile_check(&is, df));
	T_EQ_INT(is.len, 3);
	T_EQ_STR(is.v[0].subject, "curl -u deploy:****");
	T_EQ_STR(is.v[1].subject, "mysql -p****");
	T_EQ_STR(is.v[2].subject, "some --token=****");
	T_ASSERT(!strstr(is.v[0].message, "fake-pw"));
	dockerfile_issues_dispose(&is);
	dockerfile_free(df);
}

/* ---- fixtures: corpus/context/dockerfiles ---- */

static char *fixture(const char *name)
{
	struct dockerfile *df = NULL;
	char path[4096];
	char *s;

	snprintf(path, sizeof(path), "%s/corpus/context/dockerfiles/%s",
		HUSH_SOURCE_DIR, name);
	T_OK(dockerfile_load(&df, path));
	s = issues_str(df, false);
	dockerfile_free(df);
	return s;
}

#define T_FIXTURE(name, want)                                                 \
	do {                                                                  \
		char *t_s_ = fixture(name);                                   \
		if (strcmp(t_s_, (want)) != 0)                                \
			T_FAIL("%s: \"%s\", want \"%s\"", (name), t_s_,       \
				(want));                                      \
		free(t_s_);                                                   \
	} while (0)

static void fixtures(void)
{
	T_FIXTURE("secret_arg_env.Dockerfile",
		"6:secret_arg_env 7:secret_arg_env 8:secret_arg_env "
		"8:secret_arg_env 8:secret_arg_env 9:secret_arg_env "
		"10:secret_arg_env 10:secret_arg_env 14:secret_arg_env "
		"18:secret_arg_env");
	T_FIXTURE("copy_sensitive.Dockerfile",
		"6:copy_sensitive 7:copy_sensitive 8:copy_sensitive "
		"10:copy_sensitive 11:copy_sensitive 12:copy_sensitive "
		"14:copy_context");
	T_FIXTURE("add_url.Dockerfile",
		"5:add_url 7:url_credentials 7:add_url 8:build_arg_credential "
		"8:add_url 9:add_url");
	T_FIXTURE("run_credential.Dockerfile",
		"5:run_credential 6:run_credential 7:run_credential "
		"8:run_credential 9:run_credential 10:url_credentials "
		"11:url_credentials 12:run_credential 13:run_credential "
		"14:run_credential 17:run_credential");
	T_FIXTURE("build_arg_credential.Dockerfile",
		"5:secret_arg_env 7:build_arg_credential 8:build_arg_credential "
		"9:build_arg_credential");
}

static void fixture_good(void)
{
	T_FIXTURE("good.Dockerfile", "");
}

static void fixture_missing(void)
{
	struct dockerfile *df = NULL;

	T_EQ_INT(dockerfile_load(&df, HUSH_SOURCE_DIR "/corpus/context/"
						      "dockerfiles/no-such-file"),
		HUSH_ENOTFOUND);
	T_ASSERT(df == NULL);
}

static void check_table(void)
{
	size_t i, j;

	T_EQ_INT(dockerfile_checks_len, 7);
	for (i = 0; i < dockerfile_checks_len; i++) {
		T_ASSERT(strncmp(dockerfile_checks[i].id, "dockerfile.", 11) == 0);
		T_ASSERT(dockerfile_checks[i].name && dockerfile_checks[i].description);
		for (j = 0; j < i; j++)
			T_ASSERT(strcmp(dockerfile_checks[i].id,
					 dockerfile_checks[j].id) != 0);
	}
	dockerfile_issues_dispose(&(struct dockerfile_issues){ NULL, 0, 0, false });
	dockerfile_free(NULL);
}

T_MAIN(T_CASE(parse_instructions), T_CASE(parse_continuations),
	T_CASE(parse_escape_backtick), T_CASE(parse_directives),
	T_CASE(parse_heredocs), T_CASE(parse_json_forms), T_CASE(parse_env_arg),
	T_CASE(parse_onbuild), T_CASE(parse_errors), T_CASE(parse_limits),
	T_CASE(check_secret_names), T_CASE(check_skip_directive),
	T_CASE(check_copy_add), T_CASE(check_add_url), T_CASE(check_run_literals),
	T_CASE(check_run_build_args), T_CASE(check_run_lines), T_CASE(fixtures),
	T_CASE(fixture_good), T_CASE(fixture_missing), T_CASE(check_table))
