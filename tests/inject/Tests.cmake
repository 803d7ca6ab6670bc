# SPDX-License-Identifier: MIT
# hush-inject: unit tests of its pieces (tests/unit/test_inject.c) and
# end-to-end runs against the Vault test server (tests/inject/test_inject.sh),
# each case its own ctest. Included from tests/CMakeLists.txt.
if(TARGET hush-inject)
	set(HUSH_UNIT_LIBS hushinjectrun)
	set(hush_inject_units values cli_ok cli_program_without_dashdash
		cli_errors config_file_ok config_file_errors refs templates
		env_bootstrap_removed env_limits env_wipe_value deliver_files
		deliver_refusals)
	hush_add_unit_test(inject ${hush_inject_units})
	foreach(case IN LISTS hush_inject_units)
		set_tests_properties(unit.inject.${case} PROPERTIES
			ENVIRONMENT "HUSH_TEST_TMP=${CMAKE_BINARY_DIR}")
	endforeach()
endif()

# End-to-end. logs_setup clears the logs first and logs_clean searches them
# last (a ctest fixture) for every secret value the cases used.
if(TARGET hush-inject)
	set(HUSH_INJECT_CASES usage disk_refused files_user modes_config symlink
		environ exec_fail once fail_closed sup_signals sup_exit_signal
		sup_zombies sup_refresh sup_token sup_pid1 sops)
	set(hush_inject_scanner "")
	if(TARGET hush)
		set(hush_inject_scanner $<TARGET_FILE:hush>)
	endif()
	set(hush_inject_env "HUSH_TEST_TMP=${CMAKE_BINARY_DIR}"
		"HUSH_TEST_LASTLOG=${CMAKE_BINARY_DIR}/Testing/Temporary/LastTest.log"
		"HUSH_TEST_CACHE=${CMAKE_BINARY_DIR}/test-cache")
	foreach(case IN LISTS HUSH_INJECT_CASES ITEMS logs_setup logs_clean)
		add_test(NAME inject.${case}
			COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/inject/test_inject.sh
				$<TARGET_FILE:hush-inject> ${CMAKE_SOURCE_DIR} ${case}
				${hush_inject_scanner})
		set_tests_properties(inject.${case} PROPERTIES
			ENVIRONMENT "${hush_inject_env}" SKIP_RETURN_CODE 77
			TIMEOUT 120)
	endforeach()
	foreach(case IN LISTS HUSH_INJECT_CASES)
		set_tests_properties(inject.${case} PROPERTIES
			FIXTURES_REQUIRED "inject_logs")
	endforeach()
	set_tests_properties(inject.logs_setup PROPERTIES
		FIXTURES_SETUP "inject_logs")
	set_tests_properties(inject.logs_clean PROPERTIES
		FIXTURES_CLEANUP "inject_logs")
endif()
