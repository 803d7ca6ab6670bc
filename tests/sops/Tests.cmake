# SPDX-License-Identifier: MIT
# sops for hush-inject: the sops_decrypt driver (sops_keys_load +
# sops_ref_read), the round-trip writer sops_encrypt, and one ctest per
# case of tests/sops/test_sops.sh. Included from tests/CMakeLists.txt.
if(TARGET hushinject)
	add_executable(sops_decrypt ${CMAKE_CURRENT_LIST_DIR}/sops_decrypt.c)
	target_link_libraries(sops_decrypt PRIVATE hushinject)
	add_executable(sops_encrypt ${CMAKE_CURRENT_LIST_DIR}/sops_encrypt.c)
	target_link_libraries(sops_encrypt PRIVATE hushinject)

	add_executable(test_sopsref ${CMAKE_CURRENT_LIST_DIR}/test_sopsref.c)
	target_include_directories(test_sopsref PRIVATE ${CMAKE_SOURCE_DIR}/tests)
	target_link_libraries(test_sopsref PRIVATE hushinject)
	foreach(case shamir_vector shamir_errors bootstrap_vars secret_growth
			json_layout)
		add_test(NAME unit.sopsref.${case} COMMAND test_sopsref ${case})
	endforeach()

	set(HUSH_SOPS_CASES format_outputs binary_output age_documents
		ini_document key_paths keys_env_words keys_file keys_cmd
		keys_default_xdg keys_default_home keys_combined
		keys_cmd_fails keys_bad_source_dropped keys_ssh_unsupported
		keys_none bad_truncated bad_tampered bad_wrong_key
		bad_duplicate_key bad_lastmodified bad_yaml_alias
		bad_size_limit bad_pgp_only roundtrip_yaml roundtrip_json
		roundtrip_dotenv roundtrip_ini roundtrip_binary
		roundtrip_options roundtrip_shamir)
	foreach(case IN LISTS HUSH_SOPS_CASES)
		add_test(NAME sops.${case}
			COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_sops.sh
				$<TARGET_FILE:sops_decrypt> $<TARGET_FILE:sops_encrypt>
				${CMAKE_SOURCE_DIR} ${case})
		set_tests_properties(sops.${case} PROPERTIES
			ENVIRONMENT "HUSH_TEST_TMP=${CMAKE_BINARY_DIR}")
	endforeach()
endif()
