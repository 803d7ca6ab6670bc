# SPDX-License-Identifier: MIT
# hush-inject: unit tests of its pieces (tests/unit/test_inject.c) and
# end-to-end runs against the Vault test server (tests/inject/test_inject.sh),
# each case its own ctest. Included from tests/CMakeLists.txt.
if(TARGET hush-inject)
	set(HUSH_UNIT_LIBS hushinjectrun)
	hush_add_unit_test(inject values cli_ok cli_program_without_dashdash
		cli_errors config_file_ok config_file_errors refs templates
		env_bootstrap_removed env_limits deliver_files deliver_refusals)
	foreach(case IN ITEMS values cli_ok cli_program_without_dashdash
			cli_errors config_file_ok config_file_errors refs templates
			env_bootstrap_removed env_limits deliver_files
			deliver_refusals)
		set_tests_properties(unit.inject.${case} PROPERTIES
			ENVIRONMENT "HUSH_TEST_TMP=${CMAKE_BINARY_DIR}")
	endforeach()
endif()
