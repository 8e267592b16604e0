# iotcert -- the project's interface. Target names are stable: users and scripts rely on them.
#
#   make demo          the main job: build, then verify demo chains on the host and on the
#                      emulated Cortex-M4 (installs missing system packages first)
#   make test          every test (what CI runs)
#   make embedded      the core as Embedded Swift, -no-allocations, x86_64 and armv7em
#   make lib           build/libiotcert.a: the core (Embedded Swift) + the Mbed TLS port;
#                      PORT=p256m: build/libiotcert-p256m.a, the heap-free P-256 port instead;
#                      TARGET=triple (thumbv6m-none-eabi, thumbv8m.main-none-eabi, ...): the
#                      core alone for that target, build/lib/TRIPLE/libiotcert-core.a
#   make lib-sizes     the core built for every target the toolchain allows, with its size
#   make firmware-run  the Cortex-M4 firmware under QEMU
#   make fuzz          every libFuzzer target, FUZZ_SECONDS (default 300) each
#   make tls-demo      TLS client whose certificate check is iotcert, against openssl s_server
#   make bench         iotcert vs Mbed TLS 2.28 vs the bare crypto: time, instructions, heap
#                      (prints the table, writes build/bench.md; BENCH_STRICT=1 fails on a miss)
#   make mqtt-demo     a sensor reports to a real MQTT broker (mosquitto, 127.0.0.1) over
#                      mutual TLS, iotcert checking the broker; then the emulated Cortex-M4
#   make readme-tables measure, then rewrite README.md's measured tables (footprint beside
#                      BearSSL, the core's size per target, benchmark instruction counts)
#   make readme-check  measure again and fail if README.md's footprint and size tables differ
#   make mqtt-firmware-check  the emulated Cortex-M4 alone against mosquitto: an accepted
#                      broker, refused brokers, a refused device (Examples/cortex-m4-net)

SHELL := /bin/bash
.DEFAULT_GOAL := test
BUILD := build
SWIFT_BUILD_FLAGS ?=

CORE_SRCS := $(shell find Sources/IoTCert -name "*.swift" | sort)
EMBEDDED_FLAGS := -enable-experimental-feature Embedded -wmo -parse-as-library -Osize \
    -module-name IoTCert -I Include -Xfrontend -disable-stack-protector -no-allocations \
    -Xfrontend -function-sections

.PHONY: deps build embedded lib lib-sizes readme-tables readme-check test unit port-test \
    capi-test limbo fixtures-check demo firmware-run firmware-check tls-demo host-example bench \
    fuzz fuzz-smoke mqtt-demo mqtt-test mqtt-firmware mqtt-firmware-check clean

deps:
	@.ci/install-deps

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

embedded: deps
	.ci/check-embedded

# The static library a plain C program links with -lmbedcrypto and nothing from Swift.
# PORT chooses the crypto port at build time: mbedtls (Sources/IoTCertMbedTLS, P-256, P-384,
# RSA) or p256m (Sources/IoTCertP256m: P-256 and SHA-256 only, no heap; p256-m comes from
# Debian's Mbed TLS 3.6 source, fetched into build/debian-src on first use). A C program
# links either archive with -lmbedcrypto (the p256m one takes only SHA-256 from it).
PORT ?= mbedtls
TARGET ?= x86_64-unknown-linux-gnu
# Bare-metal targets whose core `make lib-sizes` reports. Swift 6.3's embedded standard
# library has modules for armv6m (Cortex-M0+ is ARMv6-M) and armv7em but none for ARMv8-M:
# the Cortex-M33 build is armv7em code (a subset of ARMv8-M Mainline with DSP) tuned and
# tagged for cortex-m33. thumbv7em-none-eabihf is the Cortex-M4F of Examples/cortex-m4.
LIB_TARGETS := thumbv6m-none-eabi thumbv7em-none-eabihf thumbv8m.main-none-eabi \
    riscv32-none-none-eabi
SWIFT_TARGET.thumbv6m-none-eabi := -target armv6m-none-none-eabi
SWIFT_TARGET.thumbv7em-none-eabihf := -target armv7em-none-none-eabi
SWIFT_TARGET.thumbv8m.main-none-eabi := -target armv7em-none-none-eabi -target-cpu cortex-m33
swift_target = $(or $(SWIFT_TARGET.$(1)),-target $(1))

# MESSAGES=0 builds the host library without the error sentences (-D IOTCERT_NO_MESSAGES:
# iotcert_strerror returns the code's name), as build/libiotcert[-p256m]-nomsg.a.
MESSAGES ?= 1
NOMSG := $(filter 0,$(MESSAGES))

ifeq ($(TARGET),x86_64-unknown-linux-gnu)
lib: deps $(BUILD)/libiotcert$(if $(filter p256m,$(PORT)),-p256m)$(if $(NOMSG),-nomsg).a
else
lib: deps $(BUILD)/lib/$(TARGET)/libiotcert-core.a
endif

$(BUILD)/lib/core.o: $(CORE_SRCS) $(wildcard Include/*.h) Include/module.modulemap
	@mkdir -p $(BUILD)/lib
	swiftc -target x86_64-unknown-linux-gnu $(EMBEDDED_FLAGS) -Xcc -fPIC -c $(CORE_SRCS) -o $@

$(BUILD)/lib-nomsg/core.o: $(CORE_SRCS) $(wildcard Include/*.h) Include/module.modulemap
	@mkdir -p $(BUILD)/lib-nomsg
	swiftc -target x86_64-unknown-linux-gnu $(EMBEDDED_FLAGS) -D IOTCERT_NO_MESSAGES -Xcc -fPIC \
	    -c $(CORE_SRCS) -o $@

$(BUILD)/lib/port.o: Sources/IoTCertMbedTLS/iotcert_port_mbedtls.c \
    Sources/IoTCertMbedTLS/iotcert_port_sha256.h Sources/IoTCertMbedTLS/iotcert_port_no_rsa.h \
    Include/iotcert_port.h
	@mkdir -p $(BUILD)/lib
	cc -std=c99 -O2 -fPIC -ffunction-sections -Wall -Wextra -Werror -I Include \
	    -I Sources/IoTCertMbedTLS/include -c $< -o $@

$(BUILD)/libiotcert.a: $(BUILD)/lib/core.o $(BUILD)/lib/port.o
	rm -f $@
	ar rcs $@ $^
	@echo "lib: $@ ($$(stat -c %s $@) bytes)"

$(BUILD)/libiotcert-nomsg.a: $(BUILD)/lib-nomsg/core.o $(BUILD)/lib/port.o
	rm -f $@
	ar rcs $@ $^
	@echo "lib: $@ ($$(stat -c %s $@) bytes)"

# p256-m's directory inside the fetched Mbed TLS 3.6 tree.
P256M_DIR = $(shell sh Examples/cortex-m4/fetch-debian-source.sh mbedtls trixie \
    $(BUILD)/debian-src/trixie | tail -n 1)/3rdparty/p256-m/p256-m

$(BUILD)/lib/p256-m.o:
	@mkdir -p $(BUILD)/lib
	cc -std=c99 -O2 -fPIC -ffunction-sections -DMBEDTLS_PSA_P256M_DRIVER_ENABLED \
	    -I Sources/IoTCertP256m/shim -I $(P256M_DIR) -c $(P256M_DIR)/p256-m.c -o $@

$(BUILD)/lib/port-p256m.o: Sources/IoTCertP256m/iotcert_port_p256m.c Include/iotcert_port.h \
    Sources/IoTCertMbedTLS/iotcert_port_sha256.h Sources/IoTCertMbedTLS/iotcert_port_no_rsa.h \
    $(BUILD)/lib/p256-m.o
	cc -std=c99 -O2 -fPIC -ffunction-sections -Wall -Wextra -Werror -I Include \
	    -I $(P256M_DIR) -c $< -o $@

$(BUILD)/libiotcert-p256m.a: $(BUILD)/lib/core.o $(BUILD)/lib/port-p256m.o $(BUILD)/lib/p256-m.o
	rm -f $@
	ar rcs $@ $^
	@echo "lib: $@ ($$(stat -c %s $@) bytes)"

$(BUILD)/libiotcert-p256m-nomsg.a: $(BUILD)/lib-nomsg/core.o $(BUILD)/lib/port-p256m.o \
    $(BUILD)/lib/p256-m.o
	rm -f $@
	ar rcs $@ $^
	@echo "lib: $@ ($$(stat -c %s $@) bytes)"

# The core alone for a bare-metal target: the port is C that the firmware's own toolchain
# builds (Examples/cortex-m4 shows how).
$(BUILD)/lib/%/libiotcert-core.a: $(CORE_SRCS) $(wildcard Include/*.h) Include/module.modulemap
	@mkdir -p $(@D)
	swiftc $(call swift_target,$*) $(EMBEDDED_FLAGS) -module-cache-path $(BUILD)/lib/module-cache \
	    -c $(CORE_SRCS) -o $(@D)/core.o
	rm -f $@
	llvm-ar rcs $@ $(@D)/core.o
	@echo "lib: $@ ($$(stat -c %s $@) bytes)"

# The core's code and read-only data on each target, every public function kept (a firmware
# link with --gc-sections keeps less: see make -C Examples/cortex-m4 footprint).
lib-sizes: deps
	@mkdir -p $(BUILD)
	@bash Tests/Footprint/lib-sizes.sh $(LIB_TARGETS) | tee $(LIB_SIZES_MD)

# README.md's measured tables sit between <!-- NAME:begin --> and <!-- NAME:end --> markers and
# are written only by the commands that measure them, from figures that repeat exactly (bytes,
# emulated instruction counts, callgrind instruction counts; no wall times). After any change
# to the core, the ports or the firmware: `make readme-tables`, then commit README.md.
# `make test` runs readme-check on the footprint, size and conformance tables (about a minute
# beyond what the firmware tests and `make limbo` do anyway); the benchmark's table is not checked there, because
# `make bench` takes several minutes of callgrind (BENCH_README=0 skips it here).
FOOTPRINT_MD := $(BUILD)/firmware/footprint.md
LIB_SIZES_MD := $(BUILD)/lib-sizes.md
BENCH_README_MD := $(BUILD)/bench-readme.md
BENCH_README ?= 1
CONFORMANCE_MD := $(BUILD)/conformance.md
CHECKED_TABLES := footprint=$(FOOTPRINT_MD) lib-sizes=$(LIB_SIZES_MD) \
    conformance=$(CONFORMANCE_MD)

readme-tables: deps limbo
	$(MAKE) -C Examples/cortex-m4 footprint
	$(MAKE) lib-sizes
	$(if $(filter 1,$(BENCH_README)),$(MAKE) bench)
	python3 Tests/Footprint/readme-tables.py --write README.md $(CHECKED_TABLES) \
	    $(if $(filter 1,$(BENCH_README)),bench=$(BENCH_README_MD))

readme-check: deps limbo
	$(MAKE) --no-print-directory -C Examples/cortex-m4 footprint > /dev/null
	$(MAKE) --no-print-directory lib-sizes > /dev/null
	python3 Tests/Footprint/readme-tables.py --check README.md $(CHECKED_TABLES)

unit: build
	swift test $(SWIFT_BUILD_FLAGS) 2>&1 | tee $(BUILD)/swift-test.log | tail -n 40; \
	    exit $${PIPESTATUS[0]}

port-test: deps
	sh Tests/CPort/run.sh

# x509-limbo and the third-party suite (../shared/conformance): zero wrongly accepted, every
# wrong rejection listed with its reason (Tests/Conformance/*-exceptions.json), and every
# case the default profile decides differently from strict listed with the rule it relaxes
# (Tests/Conformance/limbo-default-relaxations.json).
limbo: build
	bash Tests/Conformance/run-limbo.sh

# The committed fixtures are exactly what the committed generator makes.
fixtures-check: deps
	python3 Tests/PKI/generate.py --check
	python3 Tests/Fuzz/make-corpus.py --check

# C API contract tests (guard regions, every limit edge, every scenario through C), the
# archive's undefined symbols, and the status codes against the Swift enum.
# Then the same contract against the library built without the sentences.
capi-test: lib
	$(MAKE) -C Tests/CAPI
	$(MAKE) lib MESSAGES=0
	$(MAKE) -C Tests/CAPI check-lib contract MESSAGES=0

host-example: lib
	$(MAKE) -C Examples/host-verify check

tls-demo: lib
	$(MAKE) -C Examples/tls-client demo

# The main job, end to end: a demonstration PKI (iotcert gen), a signed bundle packed from it
# for 2025 (iotcert pack), what is inside (iotcert inspect), a server chain that needs path
# building verified on the host (iotcert verify), then the same bundle bytes and chain on the
# emulated Cortex-M4.
DEMO := $(abspath $(BUILD)/demo)
IOTCERT = $(shell swift build $(SWIFT_BUILD_FLAGS) --show-bin-path)/iotcert
DEMO_HOST := api.demo.iotcert.test
DEMO_TIME := 2025-01-01T00:00:00Z
DEMO_TIME_UNIX := 1735689600

demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== iotcert gen: a demonstration PKI"
	$(IOTCERT) gen --out $(DEMO)/pki
	@echo "== iotcert pack: what the device needs for 2025, signed by its owner"
	cd $(DEMO)/pki && $(IOTCERT) pack --anchors roots --intermediates intermediates \
	    --crls crls --valid-from 2025-01-01 --valid-until 2026-01-01 \
	    --sign-key keys/bundle-signing.pem --sequence 1 -o $(DEMO)/bundle.iotb
	@echo "== iotcert inspect"
	$(IOTCERT) inspect --signing-key $(DEMO)/pki/keys/bundle-signing.pub.pem $(DEMO)/bundle.iotb
	@echo "== iotcert verify: the old chain a server still sends (its root has expired)"
	$(IOTCERT) verify --bundle $(DEMO)/bundle.iotb \
	    --signing-key $(DEMO)/pki/keys/bundle-signing.pub.pem --time $(DEMO_TIME) \
	    --host $(DEMO_HOST) $(DEMO)/pki/leaves/api-old-chain.pem
	@echo "== the same bundle and chain on the emulated Cortex-M4"
	@echo "   (packed again as C with its header and pinned key: RFC 6979 signatures, same bytes)"
	cd $(DEMO)/pki && $(IOTCERT) pack --anchors roots --intermediates intermediates \
	    --crls crls --valid-from 2025-01-01 --valid-until 2026-01-01 \
	    --sign-key keys/bundle-signing.pem --sequence 1 --format c \
	    --header $(DEMO)/bundle.h -o $(DEMO)/bundle.c > /dev/null
	$(MAKE) -C Examples/cortex-m4 demo-run DEMO_BUNDLE_C=$(DEMO)/bundle.c \
	    DEMO_CHAIN=$(DEMO)/pki/leaves/api-old-chain.pem \
	    DEMO_KEY=$(DEMO)/pki/keys/bundle-signing.pub.pem DEMO_HOST=$(DEMO_HOST) \
	    DEMO_TIME=$(DEMO_TIME_UNIX)

bench: lib
	bash Tests/Bench/run.sh

# The emulated Cortex-M4's part of mqtt-demo: a shell command that runs the firmware against
# the broker the host demo started. Examples/mqtt-device/run-demo.sh gives it
# MQTT_BROKER_PORT, MQTT_PKI, MQTT_BUNDLE, MQTT_TIME and MQTT_MESSAGE, and checks that the
# subscriber received MQTT_MESSAGE. Empty: the host device alone. Default: the emulated
# Cortex-M4 (Examples/cortex-m4-net: LAN9118, lwIP, Mbed TLS's TLS client, iotcert).
MQTT_FIRMWARE_RUN ?= $(MAKE) -s --no-print-directory -C $(CURDIR)/Examples/cortex-m4-net demo-run

# The Cortex-M4 firmware's libraries and objects, built before the demo starts its broker
# (a fresh machine fetches and compiles Mbed TLS and lwIP: minutes, not the run's seconds).
mqtt-firmware: deps
	$(MAKE) -C Examples/cortex-m4-net prepare

# Examples/mqtt-device: mosquitto with a TLS listener that requires client certificates,
# the host device (Mbed TLS's SSL module, iotcert as its only certificate check), the
# failure paths (broker down, silent and malformed peers).
mqtt-demo: build lib mqtt-firmware
	MQTT_FIRMWARE_RUN='$(MQTT_FIRMWARE_RUN)' IOTCERT=$(IOTCERT) \
	    $(MAKE) -C Examples/mqtt-device demo

# Everything of Examples/mqtt-device: the MQTT codec against hostile frames, the host demo,
# the fleet replay against mosquitto, iotcert checking client certificates in a TLS server.
mqtt-test: build lib mqtt-firmware
	MQTT_FIRMWARE_RUN='$(MQTT_FIRMWARE_RUN)' IOTCERT=$(IOTCERT) \
	    $(MAKE) -C Examples/mqtt-device check

# The emulated Cortex-M4 on its own against mosquitto (Examples/cortex-m4-net): the LAN9118
# driver and lwIP alone (a TCP echo), then an accepted broker, two the device refuses
# (untrusted root, wrong name) and a revoked device the broker refuses. Uses the host tools
# of Examples/mqtt-device for the broker.
mqtt-firmware-check: build lib mqtt-firmware
	$(MAKE) -C Examples/mqtt-device all
	IOTCERT=$(IOTCERT) $(MAKE) -C Examples/cortex-m4-net check

FUZZ_SECONDS ?= 300

# libFuzzer targets (Tests/Fuzz/README.md), one at a time, FUZZ_SECONDS each.
fuzz: deps
	bash Tests/Fuzz/run-all.sh $(FUZZ_SECONDS)

# The short run make test includes: 20 s a target, saved regressions replayed first.
fuzz-smoke: deps
	bash Tests/Fuzz/run-all.sh 20

firmware-run: deps
	$(MAKE) -C Examples/cortex-m4 run

firmware-check: deps
	$(MAKE) -C Examples/cortex-m4 check core

test: deps embedded port-test unit limbo fixtures-check capi-test host-example tls-demo \
    mqtt-test mqtt-firmware-check firmware-check firmware-run readme-check fuzz-smoke
	@echo "make test: all suites passed"

clean:
	rm -rf $(BUILD) .build
