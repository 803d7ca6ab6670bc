# SPDX-License-Identifier: MIT
# hush git: end-to-end cases on the history corpus/git/make_repo.sh builds.
foreach(t history binary jsonl sarif modes chunks usage not_repo bad_ref
		missing_object corrupt_loose corrupt_pack)
	add_test(NAME git.${t}
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/git/test_git.sh ${HUSH_BIN}
			${CMAKE_SOURCE_DIR} ${t})
	set_tests_properties(git.${t} PROPERTIES ENVIRONMENT "${HUSH_TEST_ENV}"
		TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
