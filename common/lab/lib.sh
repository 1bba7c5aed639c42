# Shared shell functions of the lab.  Sourced, not executed.
# shellcheck shell=bash

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${LAB_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/custom-linux}
LAB_T0=${LAB_T0:-$EPOCHSECONDS}
export LAB_CACHE LAB_T0

# lab_lock [-n] NAME [FILE]: hold the lock NAME (flock on FILE, by default
# $LAB_CACHE/locks/NAME) until lab_unlock NAME or until the process (or
# the command substitution) holding it exits.  Cached steps run under one,
# as two tests may reach them at once.  The file says who holds it, which
# a waiter prints.  -n: return 1 at once when it is held.
declare -gA LAB_LOCKS
lab_lock() {
	local try= fd f
	[ "$1" = -n ] && { try=1; shift; }
	f=${2:-$LAB_CACHE/locks/$1}
	mkdir -p "$(dirname "$f")"
	exec {fd}>>"$f"
	if ! flock -n "$fd"; then
		if [ -n "$try" ]; then
			exec {fd}>&-
			return 1
		fi
		lab_say "waiting for $1, held by $(cat "$f" 2>/dev/null)"
		flock "$fd"
	fi
	printf 'pid %s (%s) since %s\n' "$$" "${0##*/}" "$(date -u +%H:%M:%S)" >"$f"
	LAB_LOCKS[$1]=$fd
}
lab_unlock() {
	local fd=${LAB_LOCKS[$1]}
	exec {fd}>&-
	unset "LAB_LOCKS[$1]"
}

# lab_tree_lock SRC: the lock of a kernel tree, which kvm-build patches
# while it holds it (and restores before it lets go).
lab_tree_lock() {
	lab_lock "ktree${1//\//_}"
}
lab_tree_unlock() {
	lab_unlock "ktree${1//\//_}"
}

# Kernel parameters of every L1 and L2 boot: skip boot-time work that no
# test of the lab uses and that emulation makes slow (README "Where the boot
# time goes").  The initcalls: the trace events' eval-map rewrite (their text
# formats only; the tests read hist triggers and numeric filters), the
# jitter-entropy RNG's self test, the X.509 keyring (the lab's modules are
# unsigned), BPF's TCP congestion-control kfuncs and dummy struct_ops.  Then
# the crypto manager's self-test of every algorithm the kernel registers
# (0.87 G of an L2 boot's 1.57 G instructions): no test uses the kernel's
# crypto.  KVM's code is untouched.
LAB_BOOT_ARGS="initcall_blacklist=trace_eval_init,jent_mod_init,load_system_certificate_list,bpf_tcp_ca_kfunc_init,bpf_dummy_struct_ops_init cryptomgr.notests=1"
# L2's (guest/l2, through /lab/env): L2 also skips the read-only remapping
# of the kernel's data and its W+X page-table walk (0.14 G of its 0.70 G
# boot instructions), as it only runs workloads.  L1 keeps it, so that a KVM
# diff that writes to its const or ro_after_init data faults there as it
# would on a real host.
LAB_L2_BOOT_ARGS="$LAB_BOOT_ARGS rodata=off"

# Bochs' instructions per emulated second (its TSC's rate; run tells L1).
LAB_BOCHS_IPS=${LAB_BOCHS_IPS:-100000000}

lab_say() { printf 'lab: [%4ds] %s\n' "$((EPOCHSECONDS - LAB_T0))" "$*" >&2; }
lab_die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# lab_kvm_host_usable: can this machine be the `kvm` host, i.e. run L1 under
# QEMU with -enable-kvm -cpu host and let L1 nest?  A writable /dev/kvm is not
# enough: a paravirtual KVM (kvm-pvm) offers one on CPUs without VMX or SVM,
# and QEMU then aborts setting up MSRs.  Prints the reason and returns 1 when
# not.  LAB_SYSROOT prefixes the paths read (for the rule's own test).
lab_kvm_host_usable() {
	local root=${LAB_SYSROOT:-} flag mod nested
	if [ ! -e "$root/dev/kvm" ]; then
		echo "no /dev/kvm on this machine"
		return 1
	fi
	if [ ! -r "$root/dev/kvm" ] || [ ! -w "$root/dev/kvm" ]; then
		echo "/dev/kvm is not readable and writable (run as root or join group kvm)"
		return 1
	fi
	flag=$(sed -n 's/^flags[[:space:]]*://p' "$root/proc/cpuinfo" 2>/dev/null |
		grep -m1 -owE 'vmx|svm')
	case "$flag" in
	vmx) mod=kvm_intel ;;
	svm) mod=kvm_amd ;;
	*)
		echo "the CPU has neither the vmx nor the svm flag: this /dev/kvm cannot run a nested guest"
		return 1 ;;
	esac
	if [ ! -d "$root/sys/module/$mod" ]; then
		echo "/dev/kvm is not provided by $mod (not loaded): load it with 'modprobe $mod nested=1'"
		return 1
	fi
	nested=$(cat "$root/sys/module/$mod/parameters/nested" 2>/dev/null)
	case "$nested" in
	Y | 1) ;;
	*)
		echo "$mod has nested=${nested:-unknown}: reload it with 'modprobe -r $mod && modprobe $mod nested=1'"
		return 1 ;;
	esac
}

# lab_source_version: the version of linux-source-6.12 apt would install.
# An apt-cache call takes a second of CPU on Debian's container images,
# which keep no package cache (Dir::Cache::pkgcache ""), and the lab asks
# for each run (81 times, 76 CPU-s, in a cold make check): the answer is
# kept until apt's index or preferences change.
lab_source_version() {
	local key memo=$LAB_CACHE/apt-linux-source-6.12 k v
	key=$(stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* /etc/apt/preferences* \
		/etc/apt/preferences.d/* 2>/dev/null | cksum | tr ' ' :)
	if read -r k v 2>/dev/null <"$memo" && [ "$k" = "$key" ]; then
		echo "$v"
		return
	fi
	v=$(apt-cache policy linux-source-6.12 2>/dev/null | sed -n 's/^  Candidate: *//p')
	{ mkdir -p "$LAB_CACHE" && printf '%s %s\n' "$key" "$v" >"$memo.$BASHPID" && mv "$memo.$BASHPID" "$memo"; } 2>/dev/null || true
	echo "$v"
}

# The Debian 6.12 kernel the lab boots: the version of the current
# linux-source-6.12 package, so that KVM rebuilt from that source matches
# the image bit for bit.  Security updates retire old versions from the
# index, so it is resolved, never written down.  LAB_KVER overrides it.
lab_kernel_release() {
	if [ -n "${LAB_KVER:-}" ]; then
		echo "$LAB_KVER"
		return
	fi
	local v
	v=$(lab_source_version)
	case "$v" in
	6.12.*) ;;
	*) lab_die "linux-source-6.12 is not in the apt index (run 'apt-get update'; Debian 12 with bookworm-security is needed)" ;;
	esac
	echo "${v%%-*}+deb12-amd64"
}

# Download the image, headers and source packages of a release once, and
# unpack them under $LAB_CACHE/kernel/RELEASE/root.  Prints that root.
lab_kernel_fetch() {
	local rel=$1 dir=$LAB_CACHE/kernel/$1 up=${1%%+*}
	lab_lock "kernel-$rel"
	if [ -f "$dir/.done" ]; then
		echo "$dir/root"
		return
	fi
	mkdir -p "$dir/debs" "$dir/root"
	local pkgs=("linux-image-$rel" "linux-headers-$rel" "linux-headers-${up}+deb12-common"
		"linux-kbuild-${up}+deb12")
	lab_say "downloading Debian kernel $rel (image, headers, kbuild)"
	(cd "$dir/debs" && apt-get download -q "${pkgs[@]}" >/dev/null 2>"$dir/download.log") ||
		lab_die "apt-get download ${pkgs[*]} failed: $(tail -n 3 "$dir/download.log")"
	local d
	for d in "$dir"/debs/*.deb; do
		dpkg-deb -x "$d" "$dir/root" || lab_die "cannot unpack $d"
	done
	[ -f "$dir/root/boot/vmlinuz-$rel" ] || lab_die "no /boot/vmlinuz-$rel in linux-image-$rel"
	touch "$dir/.done"
	echo "$dir/root"
}

# lab_ccache_env DIR: the environment (NAME=VALUE lines) that compiles
# through Debian's ccache into the lab's cache, paths under DIR hashed
# relative to it.  Kbuild's commands name in-tree files relative to the
# tree, so the same source configured the same way hits in any tree: the
# README's recipe (readme-recipe) compiles from what kvm-build compiled.
# Depend mode: on a miss ccache takes the headers from the compiler's own
# -MMD output instead of running the preprocessor first: a KVM build that
# misses takes 109 CPU-s instead of 164 (120 without ccache; 1 Dec 2026),
# and a hit is the same.  Nothing when ccache is not installed.
lab_ccache_env() {
	[ -d /usr/lib/ccache ] || return 0
	printf '%s\n' "PATH=/usr/lib/ccache:$PATH" "CCACHE_DIR=$LAB_CACHE/ccache" \
		"CCACHE_BASEDIR=$1" CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1 CCACHE_MAXSIZE=2G
}

# How lab_kernel_prepare configures a tree: part of the key of what is
# built there (kvm-build).
LAB_KERNEL_PREP="the config of linux-headers-RELEASE (the README's), modules unsigned"

# lab_kernel_prepare SRC RELEASE: configure SRC as Debian built RELEASE and
# run modules_prepare, once per tree and release, so that modules built there
# load into Debian's image.  The configuration is the README's, to the byte:
# the headers package's .config (the image's config-RELEASE leaves out
# CONFIG_BUILD_SALT, which changes every object, so that the README's build
# found nothing of the lab's in the compiler cache), and not KVM_WERROR,
# which would change every compile command: kvm-build fails on a warning by
# reading the compiler's output instead.
lab_kernel_prepare() {
	local src=$1 rel=$2 kroot cc how=$LAB_KERNEL_PREP
	[ "$(cat "$src/.lab-prepared-$rel" 2>/dev/null)" = "$how" ] && return
	kroot=$(lab_kernel_fetch "$rel")
	lab_say "preparing $src for $rel (config, modules_prepare: about a minute)"
	rm -f "$src/.lab-prepared-$rel"
	cp "$kroot/usr/src/linux-headers-$rel/.config" "$src/.config"
	cp "$kroot/usr/src/linux-headers-$rel/Module.symvers" "$src/Module.symvers"
	"$src/scripts/config" --file "$src/.config" --set-str MODULE_SIG_KEY "" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
	mapfile -t cc < <(lab_ccache_env "$src")
	env "${cc[@]}" make -s -C "$src" KERNELRELEASE="$rel" olddefconfig >/dev/null
	env "${cc[@]}" make -s -C "$src" -j"$(nproc)" KERNELRELEASE="$rel" modules_prepare >"$src/.lab-prepare.log" 2>&1 ||
		lab_die "modules_prepare failed: $(tail -n 5 "$src/.lab-prepare.log")"
	echo "$how" >"$src/.lab-prepared-$rel"
}

# The kernel source tree of a release, unpacked from linux-source-6.12 and
# prepared once.
lab_kernel_source() {
	local rel=$1 dir=$LAB_CACHE/kernel/$1
	lab_lock "ksrc-$rel"
	if [ -f "$dir/.src-done" ]; then
		lab_kernel_prepare "$dir/src" "$rel"
		echo "$dir/src"
		return
	fi
	mkdir -p "$dir/srcdeb"
	local v
	v=$(lab_source_version)
	lab_say "downloading linux-source-6.12 $v (153 MB)"
	(cd "$dir/srcdeb" && apt-get download -q "linux-source-6.12=$v" >/dev/null 2>"$dir/download.log") ||
		lab_die "apt-get download linux-source-6.12=$v failed: $(tail -n 3 "$dir/download.log")"
	dpkg-deb -x "$dir"/srcdeb/linux-source-6.12_*.deb "$dir/srcdeb/x"
	lab_say "unpacking kernel source"
	rm -rf "$dir/src" && mkdir -p "$dir/src"
	# Debian's tarball has 62 xz blocks: decompressed on every core.
	tar -I 'xz -T0' -xf "$dir"/srcdeb/x/usr/src/linux-source-6.12.tar.xz -C "$dir/src" --strip-components=1 ||
		lab_die "cannot unpack linux-source-6.12.tar.xz"
	rm -rf "$dir/srcdeb"
	touch "$dir/.src-done"
	lab_kernel_prepare "$dir/src" "$rel"
	echo "$dir/src"
}

# lab_qemu_tcg: the SVM host's L0, QEMU built by qemu-build (once), and
# lab_qemu_tcg_version its version line.  The kvm host's L0 and L1's QEMU
# for L2 use KVM, not TCG's SVM: they stay Debian's qemu-system-x86_64.
lab_qemu_tcg() {
	local d
	d=$("$LAB_DIR/qemu-build") || return 1
	echo "$d/bin/qemu-system-x86_64"
}
lab_qemu_tcg_version() {
	local d
	d=$("$LAB_DIR/qemu-build") || return 1
	sed -n '1s/^QEMU emulator version //p' "$d/version"
}

# lab_qemu_source VERSION DIR: Debian's qemu source package VERSION,
# downloaded and unpacked with Debian's patches into DIR/src (DIR made
# anew).  Adds the deb-src twin of debian.sources when apt knows no source.
lab_qemu_source() {
	local ver=$1 dir=$2 list=/etc/apt/sources.list.d/debian-src.sources sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	if ! apt-cache showsrc qemu 2>/dev/null | grep -Fx "Version: $ver" >/dev/null; then
		if [ ! -f "$list" ]; then
			[ -f /etc/apt/sources.list.d/debian.sources ] ||
				lab_die "apt has no source of qemu $ver: add deb-src lines for bookworm (and bookworm-security) to apt's sources, then run 'apt-get update'"
			lab_say "adding $list (the deb-src twin of debian.sources)"
			sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
				$sudo tee "$list" >/dev/null
		fi
		lab_say "apt-get update (for Debian's source of qemu $ver)"
		$sudo apt-get update -q >/dev/null || lab_die "apt-get update failed"
		apt-cache showsrc qemu 2>/dev/null | grep -Fx "Version: $ver" >/dev/null ||
			lab_die "Debian's source of qemu $ver is not in apt's index (deb-src lines: $list)"
	fi
	rm -rf "$dir" && mkdir -p "$dir/dl"
	lab_say "downloading Debian's source of qemu $ver"
	(cd "$dir/dl" && apt-get source -q --download-only "qemu=$ver" >"$dir/download.log" 2>&1) ||
		lab_die "apt-get source --download-only qemu=$ver failed: $(tail -n 3 "$dir/download.log")"
	dpkg-source -x "$dir"/dl/qemu_*.dsc "$dir/src" >"$dir/unpack.log" 2>&1 ||
		lab_die "dpkg-source -x of qemu $ver failed: $(tail -n 3 "$dir/unpack.log")"
	rm -rf "$dir/dl"
}

# lab_diff_files DIFF...: the tree paths a unified diff (-p1) writes, one
# per line, sorted, each once.
lab_diff_files() {
	sed -n 's|^+++ [^/]*/\([^\t ]*\).*|\1|p' "$@" | sort -u
}

# lab_patch TREE FILE [--dry-run]: patch -p1 without fuzz; when a hunk does
# not apply, print which (the first): "hunk #N of PATH", or "PATH (no such
# file)", for a message that says where a diff and a tree part.
lab_patch() {
	local tree=$1 file=$2 out
	shift 2
	if out=$(cd "$tree" && patch -p1 -F0 -f --no-backup-if-mismatch -r - "$@" <"$file" 2>&1); then
		return 0
	fi
	# "patching file F", or with --dry-run "checking file F"; a missing
	# file's header comes quoted as "|+++ b/F".
	awk '/^(patching|checking) file / { f = $3 }
		/^Hunk #[0-9]+ FAILED/ { print "hunk " $2 " of " f; found = 1; exit }
		/^can.t find file to patch/ { miss = 1 }
		miss && /^\|?\+\+\+ / { sub(/^[^\/]*\//, "", $2); print $2 " (no such file)"; found = 1; exit }
		END { if (!found) print "patch(1) said: " $0 }' <<<"$out"
	return 1
}

# lab_kernel_copy_clean SRC DEST FILE...: copy those of the FILEs (paths in
# the tree) that SRC has to DEST, creating DEST.  kvm-build patches SRC while
# it holds the tree's lock, so the copy is taken under it: always pristine.
lab_kernel_copy_clean() {
	local src=$1 dest=$2 f
	shift 2
	mkdir -p "$dest"
	lab_tree_lock "$src"
	for f in "$@"; do
		if [ -f "$src/$f" ]; then
			install -D -m 0644 "$src/$f" "$dest/$f"
		fi
	done
	lab_tree_unlock "$src"
}

# lab_cache_state: "cold" when LAB_CACHE holds none of what a run would
# otherwise download or build (the current release's kernel packages, each
# assignment's KVM build and the SVM host's QEMU, by their keys now), as on
# a fresh machine, "warm" when it holds all of them, else "partial": the
# state a run's time is told with (one stale entry makes a run partial).
lab_cache_state() {
	local rel srcver d n=0 of=0
	rel=$(lab_kernel_release 2>/dev/null) || { echo partial; return; }
	srcver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null)
	set -- "$LAB_CACHE/kernel/$rel/.done" "$LAB_CACHE/qemu/${srcver//:/_}-$(lab_key qemu)/bin/qemu-system-x86_64"
	for d in "$TOP_DIR"/assignment*/kvm.diff; do
		set -- "$@" "$LAB_CACHE/kvm/$rel-$(lab_key kvm "$d")/kvm.ko"
	done
	for d; do
		of=$((of + 1))
		[ -e "$d" ] && n=$((n + 1))
	done
	case $n in 0) echo cold ;; "$of") echo warm ;; *) echo partial ;; esac
}

# lab_timing_write FILE COMMAND HOSTS CACHE SECONDS PASSED FAILED SKIPPED:
# one run's time as common/lab/timings reads it (one tab-separated line).
lab_timing_write() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
	mkdir -p "$(dirname "$1")"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$4" "$5" "$6" "$7" "$8" \
		"$(lab_kernel_release)" "${cpu:-unknown CPU}" "$(nproc)" "$(date -u +%Y-%m-%d)" >"$1"
}

# lab_checkpatch SRC FILE [ARG...]: the kernel's checkpatch.pl --strict,
# from the tree SRC, on FILE (a patch; by absolute path: a relative path to a
# file git tracks makes checkpatch read it as a source file).  Prints each
# finding on a line, then "E errors, W warnings, C checks" last.  Returns 0
# when it ran and found no error, 1 when it found errors, 2 when it did not
# run to its end (no checkpatch.pl, no "total:" line, an exit status other
# than its 0 or 1): a checkpatch that never ran must not read as clean.
lab_checkpatch() {
	local src=$1 file=$2 out rc=0 total
	shift 2
	if [ ! -f "$src/scripts/checkpatch.pl" ]; then
		echo "did not run: no $src/scripts/checkpatch.pl"
		return 2
	fi
	out=$(perl "$src/scripts/checkpatch.pl" --strict --no-tree --emacs --color=never "$@" \
		"$(readlink -f "$file")" 2>&1) || rc=$?
	total=$(sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p' <<<"$out")
	if [ "$rc" -gt 1 ] || [ -z "$total" ]; then
		echo "did not run to its end (status $rc): $(tail -n 1 <<<"$out")"
		return 2
	fi
	grep -E '^[^ ]*:[0-9]+: (ERROR|WARNING|CHECK):' <<<"$out" | sed 's|^[^ ]*/||' || true
	# shellcheck disable=SC2086 # three numbers
	set -- $total
	echo "$1 errors, $2 warnings, $3 checks"
	[ "$1" = 0 ]
}

# Cache keys, in one place: what each cached thing under $LAB_CACHE is
# built from.  A change to any input makes a new entry beside the old one.
# lab_key kvm DIFF: KVM's modules (kvm-build), from the diff and how the
# tree is configured; lab_key qemu: the SVM host's QEMU (qemu-build, whose
# directory also names the source version), from that script and its
# patches; lab_key initramfs: L1's base archive (lab_l1_base), from the
# guest scripts, busybox and the QEMU L1 runs.
lab_key() {
	case "$1" in
	kvm) { cat "$2"; echo "$LAB_KERNEL_PREP"; } | sha256sum | cut -c1-16 ;;
	qemu) cat "$LAB_DIR/qemu-build" "$LAB_DIR"/qemu/*.patch | sha256sum | cut -c1-12 ;;
	initramfs)
		cat "$LAB_DIR"/guest/* "$LAB_DIR/initramfs.sh" "$LAB_DIR/kvm-install" /usr/bin/busybox |
			{ sha256sum; dpkg-query -W -f='${Version}' qemu-system-x86 busybox-static; } |
			sha256sum | cut -c1-12 ;;
	*) lab_die "lab_key: no key of '$1'" ;;
	esac
}

# lab_stock_cpuid_key HOST: names what an L2's CPUID answers under the stock
# KVM depend on in the lab on the emulated HOST (vmx or svm): the emulator's
# version and CPU model, L1's kernel and command line (run), its archive
# (L2's kernel, QEMU and machine).  Prints nothing for the kvm host, whose
# answers come from this machine's CPU.  Coarse on purpose: any change to
# run or to a guest script makes a new key, at the price of one L2 boot.
lab_stock_cpuid_key() {
	local host=$1 rel kroot base emu
	case "$host" in
	vmx) emu=$(dpkg-query -W -f='${Version}' bochs; echo "${LAB_BOCHS_IPS:-}"; cat "$LAB_DIR/bochsrc.in") ;;
	svm) emu=$("$LAB_DIR/qemu-build") || return 1 ;;
	*) return 0 ;;
	esac
	rel=$(lab_kernel_release)
	kroot=$(lab_kernel_fetch "$rel")
	base=$(. "$LAB_DIR/initramfs.sh" && lab_l1_base "$rel" "$kroot")
	printf '%s-%s\n' "$host" "$({ echo "$emu"; echo "$base $LAB_BOOT_ARGS / $LAB_L2_BOOT_ARGS"; cat "$LAB_DIR/labhost/machine.py" "$LAB_DIR/labhost/run.py"; } |
		sha256sum | cut -c1-16)"
}

# lab_stock_cpuid_cached KEY: where the cache keeps KEY's dump.
lab_stock_cpuid_cached() {
	echo "$LAB_CACHE/cpuid-stock/$1.txt"
}

# lab_stock_cpuid_filter FILE: pass run's output through, line by line as
# it comes, but the stock KVM's CPUID dump L1 prints (base64 of its gzip,
# between "<<<cpuid-stock" and "cpuid-stock>>>"), whose lines go to FILE:
# blank lines in it are dropped, as Bochs' console adds some; any other
# line that is not base64 ends it (an L1 that died inside the block).
lab_stock_cpuid_filter() {
	local line on=
	while IFS= read -r line; do
		if [ "$line" = '<<<cpuid-stock' ]; then
			on=1
		elif [ "$line" = 'cpuid-stock>>>' ]; then
			on=
		elif [ -n "$on" ] && [[ "$line" =~ ^[A-Za-z0-9+/=]*$ ]]; then
			[ -z "$line" ] || printf '%s\n' "$line" >>"$1"
		else
			on=
			printf '%s\n' "$line"
		fi
	done
}

# lab_stock_cpuid_keep KEY FILE: keep the dump lab_stock_cpuid_filter
# wrote to FILE in the cache, as KEY's (lab_stock_cpuid_key), when it is
# whole.  The cache is a convenience: a failure to write it fails no check.
lab_stock_cpuid_keep() {
	local key=$1 cached tmp
	[ -n "$key" ] && [ -s "$2" ] || return 0
	cached=$(lab_stock_cpuid_cached "$key")
	mkdir -p "${cached%/*}" && tmp=$(mktemp "$cached.XXXXXX") || return 0
	if base64 -d "$2" | gunzip >"$tmp" 2>/dev/null &&
		[ "$(grep -c . "$tmp")" -gt 1000 ] && chmod 644 "$tmp" && mv "$tmp" "$cached"; then
		lab_say "the stock KVM's CPUID dump kept for the next checks on ${key%%-*}: $cached"
	else
		rm -f "$tmp"
		lab_say "the stock KVM's CPUID dump L1 printed is not whole: not kept"
	fi
}

# lab_session_close DIR: end a session (common/lab/labhost/session.py)
# unless a run is using it.
lab_session_close() {
	PYTHONPATH=$LAB_DIR python3 -m labhost.session close "$1"
}
