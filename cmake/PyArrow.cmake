# Arrow and Parquet C++ come from the pyarrow wheel in the project venv: Debian
# ships neither. The wheel bundles headers and versioned shared libraries;
# scripts/setup runs pyarrow.create_library_symlinks() so -larrow resolves.
set(MEDALLION_PYTHON "${CMAKE_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH "venv python that has pyarrow")
execute_process(
  COMMAND "${MEDALLION_PYTHON}" -c "import pyarrow as pa; print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.__version__)"
  OUTPUT_VARIABLE _pyarrow_out RESULT_VARIABLE _pyarrow_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _pyarrow_rc EQUAL 0)
  message(FATAL_ERROR "pyarrow not found in ${MEDALLION_PYTHON}; run scripts/setup first")
endif()
string(REPLACE "\n" ";" _pyarrow_list "${_pyarrow_out}")
list(GET _pyarrow_list 0 PYARROW_INCLUDE_DIR)
list(GET _pyarrow_list 1 PYARROW_LIB_DIR)
list(GET _pyarrow_list 2 PYARROW_VERSION)
message(STATUS "Arrow C++ from pyarrow ${PYARROW_VERSION}: ${PYARROW_LIB_DIR}")

foreach(_lib arrow parquet arrow_s3 arrow_compute arrow_dataset arrow_acero)
  add_library(pyarrow::${_lib} SHARED IMPORTED GLOBAL)
  set_target_properties(pyarrow::${_lib} PROPERTIES
    IMPORTED_LOCATION "${PYARROW_LIB_DIR}/lib${_lib}.so"
    INTERFACE_INCLUDE_DIRECTORIES "${PYARROW_INCLUDE_DIR}")
endforeach()
# The binary finds the libraries without LD_LIBRARY_PATH.
list(APPEND CMAKE_BUILD_RPATH "${PYARROW_LIB_DIR}")
list(APPEND CMAKE_INSTALL_RPATH "${PYARROW_LIB_DIR}")
