# Custom Linux: VMX capability discovery and KVM exit accounting.
#   make demo    every assignment's tests in the emulated lab, then their reports
#   make check   all tests (unit tests and the emulated VMX and SVM hosts)
#   make bench   instructions per VM-exit round trip, stock KVM against each diff,
#                on the SVM host then the VMX host (BENCH_HOSTS="svm vmx")
#                (common/bench/results.md; fails over the +1% budget)
#   make regress KVM's own selftests under stock KVM and each diff's, per host
#                (REGRESS_HOSTS="svm vmx"; common/regress/results.md; fails
#                when a diff changes a result)
# HOST=vmx or HOST=svm limits the lab to one emulated host.

ASSIGNMENTS := $(patsubst %/Makefile,%,$(wildcard assignment*/Makefile))
HOST ?= vmx svm
export HOST

.PHONY: all packages deps check bench regress demo reports clean kvm kvm-diff-given install-kvm reload-kvm uninstall-kvm $(ASSIGNMENTS)

all: $(ASSIGNMENTS)

$(ASSIGNMENTS):
	$(MAKE) -C $@

# Debian's packages and the lab's kernel headers.
packages:
	@common/deps build lab kbuild report chart bench
	@common/lab/kernel headers >/dev/null

# Everything the tests and reports need: the packages, and the SVM host's
# QEMU, built once from Debian's source (common/lab/README.md).
deps: packages
	@case " $(HOST) " in *" svm "*) common/lab/qemu-build >/dev/null;; esac

# runtests builds the SVM host's QEMU itself, beside the first Bochs tests.
check: packages
	@common/lab/runtests

# The exit accounting's cost, measured on the emulated SVM host, then on
# the emulated VMX host (Bochs, one boot at a time), two L1 boots each, each
# measuring every configuration. BENCH_HOSTS=svm or BENCH_HOSTS=vmx picks one;
# BENCH_ARGS=--quick: the budget check alone.
BENCH_HOSTS ?= svm vmx
bench:
	@common/bench/bench --host "$(BENCH_HOSTS)" $(BENCH_ARGS)

# KVM's selftests (linux-source-6.12) in L1 under the stock KVM, then under
# each assignment's: all 85 on the SVM host (about 30 minutes); on the VMX
# host the list make check runs (common/regress/quick), as under Bochs a
# selftest runs up to a hundred times slower (REGRESS_VMX=full: all 85, for
# hours).  REGRESS_HOSTS=svm or vmx picks one.
REGRESS_HOSTS ?= svm vmx
REGRESS_VMX ?= quick
regress: packages
	@status=0; \
	for h in $(REGRESS_HOSTS); do \
		common/regress/regress --host $$h --out common/regress/results.md \
			$(if $(filter quick,$(REGRESS_VMX)),$$([ $$h = vmx ] && echo --quick)) \
			$(REGRESS_ARGS) || status=1; \
	done; \
	exit $$status

# Every assignment's tests in one runtests: one emulated L1 per host serves
# them all, and its schedule builds what they need (KVM from each diff, the
# SVM host's QEMU) beside the tests that need nothing yet; then the reports.
demo: packages
	@status=0; mkdir -p logs; start=$$(date +%s); \
	cache=$$(bash -c '. common/lab/lib.sh && lab_cache_state'); \
	echo "demo: === the tests of $(ASSIGNMENTS)"; \
	common/lab/runtests $(addprefix -g ,$(ASSIGNMENTS)) || status=1; \
	for a in $(ASSIGNMENTS); do \
		echo "demo: === $$a: report"; \
		$(MAKE) -s -C $$a report || status=1; \
	done; \
	echo "demo: reports:"; \
	for a in $(ASSIGNMENTS); do \
		for f in $$a/report.html $$a/report.pdf; do \
			[ -f $$f ] && echo "demo:   $(CURDIR)/$$f"; \
		done; \
	done; \
	echo "demo: test logs: $(CURDIR)/logs/"; \
	bash -c '. common/lab/lib.sh && lab_timing_write "$$@"' - logs/timing-demo.tsv "make demo" "$(HOST)" \
		"$$cache" $$(($$(date +%s) - start)) $$([ $$status = 0 ] && echo "1 0" || echo "0 1") 0; \
	exit $$status

reports:
	@for a in $(ASSIGNMENTS); do $(MAKE) -s -C $$a report || exit 1; done

# KVM from an assignment's diff, for a Debian 6.12 kernel: the running one
# when it is a Debian 6.12, else the lab's; KRELEASE= or KSRC= choose.
KRELEASE ?= $(shell common/lab/kernel host-release)
KVM_BUILD = common/lab/kvm-build --diff "$(DIFF)" --release "$(KRELEASE)" $(if $(KSRC),--ksrc "$(KSRC)")
kvm-diff-given:
	@test -n "$(DIFF)" || { echo "usage: make kvm|install-kvm|reload-kvm DIFF=assignmentN/kvm.diff [KRELEASE=RELEASE | KSRC=DIR]" >&2; exit 2; }

kvm: kvm-diff-given
	@common/deps build kbuild
	@$(KVM_BUILD) >/dev/null

install-kvm: kvm-diff-given
	@mods=$$($(KVM_BUILD)) && common/lab/kvm-install --release "$(KRELEASE)" "$$mods"

reload-kvm: kvm-diff-given
	@mods=$$($(KVM_BUILD)) && common/lab/kvm-install --reload --release "$(KRELEASE)" "$$mods"

# Back to the distribution's KVM: what install-kvm put in updates/ goes,
# and a KVM running on KRELEASE is swapped for the distribution's
# (refused while a VM runs).
uninstall-kvm:
	@rel="$(KRELEASE)" reload=; \
	[ "$$rel" != "$$(uname -r)" ] || [ ! -e /sys/module/kvm ] || reload=--reload; \
	common/lab/kvm-install --remove $$reload --release "$$rel"

environment.png: common/environment.dot
	dot -Tpng -Gdpi=110 $< -o $@

clean:
	@for a in $(ASSIGNMENTS); do $(MAKE) -s -C $$a clean; done
	rm -rf logs
