# The two commands of the README:
#   make demo   install what is missing, build, run the demo
#   make test   install what is missing, build, run every test tier
.PHONY: setup build demo test unit interop clean

setup:
	scripts/setup --no-build

build: setup
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	ninja -C build -j2

demo: build
	scripts/demo

test: build
	scripts/test

unit: build
	scripts/test unit

interop: build
	scripts/test interop

clean:
	rm -rf build
