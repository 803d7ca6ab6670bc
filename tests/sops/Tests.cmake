# SPDX-License-Identifier: MIT
# sops for hush-inject: the sops_decrypt driver (sops_keys_load +
# sops_ref_read), the round-trip writer sops_encrypt, and one ctest per
# case of tests/sops/test_sops.sh. Included from tests/CMakeLists.txt.
if(TARGET hushinject)
	add_executable(sops_decrypt ${CMAKE_CURRENT_LIST_DIR}/sops_decrypt.c)
	target_link_libraries(sops_decrypt PRIVATE hushinject)
endif()
