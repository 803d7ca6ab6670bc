/* SPDX-License-Identifier: MIT */
/* test_report.c - redaction and format names */
#include "report.h"
#include "t.h"

static void redact(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "AKIAIOSFODNN7EXAMPLE", "AKIA****************" },
		{ "abc", "***" },
		{ "", "" },
		{ "12345678", "********" },
		{ "123456789", "1234*****" },
	};
	char out[REPORT_REDACT_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		report_redact(out, cases[i].in, strlen(cases[i].in));
		T_EQ_STR(out, cases[i].want);
	}
	/* long secrets are cut: the length is not shown either */
	{
		char big[5000];

		memset(big, 'k', sizeof(big));
		report_redact(out, big, sizeof(big));
		T_EQ_INT(strlen(out), REPORT_REDACT_MAX - 1);
	}
}

static void formats(void)
{
	enum report_format f;

	T_OK(report_format_parse(&f, "sarif"));
	T_EQ_INT(f, REPORT_SARIF);
	T_EQ_INT(report_format_parse(&f, "xml"), HUSH_EUSAGE);
}

T_MAIN(T_CASE(redact), T_CASE(formats))
