# SPDX-License-Identifier: MIT
# Warnings (STYLE.md 8) and hardening (tini) for every hush target.
set(HUSH_WARNINGS -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes
	-Wmissing-prototypes -Wvla -Wimplicit-fallthrough -Wcast-qual
	-Wpointer-arith -Wundef)
if(HUSH_WERROR)
	list(APPEND HUSH_WARNINGS -Werror)
endif()
add_compile_options(${HUSH_WARNINGS} -fstack-protector-strong)
add_compile_definitions(_POSIX_C_SOURCE=200809L)
if(NOT HUSH_SANITIZE AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
	add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
add_link_options(-Wl,-z,relro,-z,now -pie)
