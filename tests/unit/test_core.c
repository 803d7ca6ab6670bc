/* SPDX-License-Identifier: MIT */
/* test_core.c - hush_buf caps and hush_opt parsing */
#include "hush/buf.h"
#include "hush/opt.h"
#include "t.h"

static void buf_cap(void)
{
	struct hush_buf b = HUSH_BUF_INIT(8);

	T_OK(hush_buf_puts(&b, "abcd"));
	T_OK(hush_buf_printf(&b, "%d", 123));
	T_EQ_STR(b.ptr, "abcd123");
	T_EQ_INT(hush_buf_puts(&b, "xy"), HUSH_ELIMIT);
	/* a failed append frees the buffer: nothing half-built survives */
	T_ASSERT(b.ptr == NULL && b.len == 0);
	hush_buf_dispose(&b);
}

static void buf_printf_long(void)
{
	struct hush_buf b = HUSH_BUF_INIT(100000);
	char big[1000];
	char *s;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_OK(hush_buf_printf(&b, "[%s]", big));
	T_EQ_INT(b.len, 1001);
	s = hush_buf_detach(&b);
	T_ASSERT(s[0] == '[' && s[1000] == ']');
	free(s);
	T_ASSERT(b.ptr == NULL);
}

enum { A = 1, B, C };
static const struct hush_opt opts[] = {
	{ "alpha", 'a', HUSH_OPT_NONE, NULL, "a", A },
	{ "bravo", 'b', HUSH_OPT_VALUE, "X", "b", B },
	{ "charlie", 0, HUSH_OPT_VALUE, "Y", "c", C },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

static void opt_parse(void)
{
	char *argv[] = { "-ab1", "p1", "--charlie=v", "--bravo", "2", "--", "-a" };
	struct hush_opt_parser p;
	const char *v;

	hush_opt_parser_init(&p, opts, 7, argv);
	T_EQ_INT(hush_opt_next(&p, &v, false), A);
	T_EQ_INT(hush_opt_next(&p, &v, false), B);
	T_EQ_STR(v, "1");
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_ARG);
	T_EQ_STR(v, "p1");
	T_EQ_INT(hush_opt_next(&p, &v, false), C);
	T_EQ_STR(v, "v");
	T_EQ_INT(hush_opt_next(&p, &v, false), B);
	T_EQ_STR(v, "2");
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_ARG);
	T_EQ_STR(v, "-a");
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_END);
}

static void opt_errors(void)
{
	char *a1[] = { "--nope" }, *a2[] = { "--bravo" }, *a3[] = { "--alpha=1" },
	     *a4[] = { "-z" };
	struct hush_opt_parser p;
	const char *v;

	hush_opt_parser_init(&p, opts, 1, a1);
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_ERROR);
	T_EQ_STR(hush_err_msg(), "unknown option '--nope'");
	hush_opt_parser_init(&p, opts, 1, a2);
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_ERROR);
	hush_opt_parser_init(&p, opts, 1, a3);
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_ERROR);
	hush_opt_parser_init(&p, opts, 1, a4);
	T_EQ_INT(hush_opt_next(&p, &v, false), HUSH_OPT_ERROR);
	T_EQ_STR(hush_err_msg(), "unknown option '-z'");
}

T_MAIN(T_CASE(buf_cap), T_CASE(buf_printf_long), T_CASE(opt_parse),
	T_CASE(opt_errors))
