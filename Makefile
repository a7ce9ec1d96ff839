# The two commands of the README:
#   make demo   install what is missing, build, run the demo
#   make test   install what is missing, build, run every test tier
.PHONY: setup build demo test test-full unit interop integration bench-delta bench-ingest bench-pg bench-freshness bench-serve clean

# ccache keys on paths relative to the checkout, so a fresh clone reuses the
# objects of another clone on the same machine.
export CCACHE_BASEDIR := $(CURDIR)

setup:
	scripts/setup --no-build

build: setup
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	ninja -C build -j2

demo: build
	scripts/demo

test: build
	scripts/test

# Kept as a name for the same thing: `make test` now runs every tier,
# including the Kafka and forecasting acceptance suites.
test-full: test

unit: build
	scripts/test unit

interop: build
	scripts/test interop

integration: build
	scripts/test integration

# Benchmarks (not tests): each prints ratios against its anchor; record the
# figures in bench/RESULTS.md (see bench/README.md).
bench-delta: build
	ninja -C build delta_write_bench
	.venv/bin/python bench/delta_write.py --build-dir build

bench-ingest: build
	ninja -C build ingest_read_bench
	.venv/bin/python bench/ingest.py --build build

bench-pg: build
	.venv/bin/python bench/pg_ingest.py --bin build/medallion

bench-freshness: build
	.venv/bin/python bench/freshness.py --build build

bench-serve: build
	ninja -C build http_floor_bench
	.venv/bin/python bench/serve.py --bin build/medallion

bench-train: build
	.venv/bin/python bench/train.py --bin build/medallion

clean:
	rm -rf build
