# SPDX-License-Identifier: MIT
# -DHUSH_SANITIZE=address,undefined builds everything with those sanitizers.
if(HUSH_SANITIZE)
	add_compile_options(-fsanitize=${HUSH_SANITIZE} -fno-omit-frame-pointer
		-fno-sanitize-recover=all)
	add_link_options(-fsanitize=${HUSH_SANITIZE})
endif()
# -DHUSH_FUZZ=ON: every object gets libFuzzer's coverage hooks.
if(HUSH_FUZZ)
	add_compile_options(-fsanitize=fuzzer-no-link)
endif()
