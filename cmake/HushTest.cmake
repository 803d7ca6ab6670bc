# SPDX-License-Identifier: MIT
# hush_add_unit_test(module case...): tests/unit/test_<module>.c, one ctest
# per case, named unit.<module>.<case>.
function(hush_add_unit_test module)
	add_executable(test_${module} ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_${module}.c)
	target_include_directories(test_${module} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
	target_link_libraries(test_${module} PRIVATE ${HUSH_UNIT_LIBS})
	foreach(case IN LISTS ARGN)
		add_test(NAME unit.${module}.${case} COMMAND test_${module} ${case})
	endforeach()
endfunction()
