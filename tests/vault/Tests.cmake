# SPDX-License-Identifier: MIT
# hush-inject's Vault client (injector/vault.c, http.c): unit tests of the
# pure logic, then end-to-end cases through the test driver vault_get
# against the Vault-compatible test server tests/vault/server.py (Python 3
# standard library; each case starts and stops its own, loopback only).
if(TARGET hushinject)
	set(HUSH_UNIT_LIBS hushinject)
	hush_add_unit_test(vault parse_bool parse_duration pick_addr env_lookup
		parse_ref kv2_path retry_after options help_and_bootstrap
		open_usage)

	add_executable(vault_get ${CMAKE_CURRENT_SOURCE_DIR}/vault/vault_get.c)
	target_link_libraries(vault_get PRIVATE hushinject)

	find_program(HUSH_PYTHON3 python3)
	find_program(HUSH_OPENSSL openssl)
	if(HUSH_PYTHON3 AND HUSH_OPENSSL)
		foreach(t token_env token_file kv1 kv2_versions approle
				approle_wrapped kubernetes jwt dynamic namespace tls_ca
				tls_wrong_ca tls_client_cert retry_429 sealed_503
				error_500 body_limit unix_socket redirect
				addr_precedence openbao)
			add_test(NAME vault.${t}
				COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/vault/test_vault.sh
					$<TARGET_FILE:vault_get> ${CMAKE_SOURCE_DIR} ${t})
			set_tests_properties(vault.${t} PROPERTIES
				ENVIRONMENT "HUSH_TEST_TMP=${CMAKE_BINARY_DIR}"
				TIMEOUT 120)
		endforeach()
		if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/vault/test_server.py)
		add_test(NAME vault.server_checklist
			COMMAND ${HUSH_PYTHON3}
				${CMAKE_CURRENT_SOURCE_DIR}/vault/test_server.py)
		set_tests_properties(vault.server_checklist PROPERTIES TIMEOUT 120)
		endif()
	endif()
endif()
