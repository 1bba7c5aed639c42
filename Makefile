# Custom Linux: VMX capability discovery and KVM exit accounting.
#   make demo    every assignment's test in the emulated lab, then its report
#   make check   all tests (unit tests and the emulated VMX and SVM hosts)
# HOST=vmx or HOST=svm limits the lab to one emulated host.

ASSIGNMENTS := $(patsubst %/Makefile,%,$(wildcard assignment*/Makefile))
HOST ?= vmx svm
export HOST

.PHONY: all deps check demo reports clean $(ASSIGNMENTS)

all: $(ASSIGNMENTS)

$(ASSIGNMENTS):
	$(MAKE) -C $@

# Everything the tests and reports need, from Debian's packages.
deps:
	@common/deps build lab kbuild report chart
	@common/lab/kernel headers >/dev/null

check: deps
	@common/lab/runtests

demo: deps
	@status=0; \
	for a in $(ASSIGNMENTS); do \
		echo "demo: === $$a: test"; \
		$(MAKE) -s -C $$a test || status=1; \
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
	exit $$status

reports:
	@for a in $(ASSIGNMENTS); do $(MAKE) -s -C $$a report || exit 1; done

environment.png: common/environment.dot
	dot -Tpng -Gdpi=110 $< -o $@

clean:
	@for a in $(ASSIGNMENTS); do $(MAKE) -s -C $$a clean; done
	rm -rf logs
