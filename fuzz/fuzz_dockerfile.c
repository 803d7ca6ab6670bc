/* SPDX-License-Identifier: MIT */
/* fuzz_dockerfile.c - libFuzzer target: parse a Dockerfile, run every check */
#include <stdint.h>

#include "dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct dockerfile *df = NULL;
	struct dockerfile_issues issues = { NULL, 0, 0, false };

	if (dockerfile_parse(&df, "fuzz", data, len) == 0)
		(void)dockerfile_check(&issues, df);
	dockerfile_issues_dispose(&issues);
	dockerfile_free(df);
	return 0;
}
