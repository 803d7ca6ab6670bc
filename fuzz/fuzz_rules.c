/* SPDX-License-Identifier: MIT */
/* fuzz_rules.c - libFuzzer target: a rule file, parsed and checked for ids */
#include <stdint.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rules rs;

	rules_init(&rs);
	if (rules_load_buffer(&rs, "fuzz.yaml", data, len) == 0)
		(void)rules_check_unique(&rs);
	rules_dispose(&rs);
	return 0;
}
