# SPDX-License-Identifier: MIT
# hush image: fixtures written at test time by mkimages.py (with skopeo and
# zstd), compared with corpus/expect/image-*.out; and the unit tests of the
# whiteout logic. Included by tests/CMakeLists.txt.
set(HUSH_UNIT_LIBS hushscan)
hush_add_unit_test(image_fs markers fate root_opaque json_dom)

set(HUSH_IMAGE_FIXTURES ${CMAKE_BINARY_DIR}/image-fixtures)
add_test(NAME image.fixtures_setup
	COMMAND sh -c "rm -rf '${HUSH_IMAGE_FIXTURES}' && python3 '${CMAKE_SOURCE_DIR}/tests/image/mkimages.py' '${HUSH_IMAGE_FIXTURES}'")
set_tests_properties(image.fixtures_setup PROPERTIES FIXTURES_SETUP hush_images)
add_test(NAME image.fixtures_cleanup
	COMMAND ${CMAKE_COMMAND} -E rm -rf ${HUSH_IMAGE_FIXTURES})
set_tests_properties(image.fixtures_cleanup PROPERTIES FIXTURES_CLEANUP hush_images)

foreach(t oci docker multi tags json pieces bad mediatype usage)
	add_test(NAME image.${t}
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/image/test_image.sh ${HUSH_BIN}
			${CMAKE_SOURCE_DIR} ${HUSH_IMAGE_FIXTURES} ${t})
	set_tests_properties(image.${t} PROPERTIES ENVIRONMENT "${HUSH_TEST_ENV}"
		FIXTURES_REQUIRED hush_images TIMEOUT 300)
endforeach()
