# Building the L1 and L2 initramfs archives.  Sourced by run.
# shellcheck shell=bash

# Modules L1 needs, with their dependencies resolved from the image's own
# modules.dep (kvm needs irqbypass, kvm-amd needs ccp); the disk drivers
# are for a session's L1 (guest/l1-init), which takes its jobs from a disk.
LAB_MODULES="msr kvm kvm_intel kvm_amd ata_piix sd_mod virtio_blk"

# cpio_of DIR: a newc archive of DIR on stdout, owned by root.
cpio_of() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
}

# Copy an executable and the shared libraries it loads into DEST.
copy_with_libs() {
	local exe=$1 dest=$2 lib
	install -D -m 0755 "$exe" "$dest$exe"
	for lib in $(ldd "$exe" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
		[ -e "$dest$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$dest$lib"
	done
}

# module_unsign KO: drop the signature appended to a module (data, then
# struct module_signature with the signature's length in its last 4 bytes,
# big-endian, then the 28-byte magic).
module_unsign() {
	local ko=$1 size len
	[ "$(tail -c 28 "$ko")" = "~Module signature appended~" ] || return 0
	size=$(stat -c %s "$ko")
	len=$(tail -c 32 "$ko" | head -c 4 | od -An -tu4 --endian=big | tr -d ' ')
	truncate -s $((size - 28 - 12 - len)) "$ko"
}

# lab_vmlinux BZIMAGE OUT: the ELF kernel inside a bzImage (zstd, xz or gzip,
# as scripts/extract-vmlinux finds it), if it has a PVH entry note (Xen note
# type 18, which QEMU's -kernel boots without the bzImage's decompressor).
lab_vmlinux() {
	local bz=$1 out=$2 magic tool off
	for magic in '\x28\xb5\x2f\xfd:zstd' '\xfd7zXZ\x00:xz' '\x1f\x8b\x08:gzip'; do
		tool=${magic##*:} magic=${magic%:*}
		command -v "$tool" >/dev/null || continue
		for off in $(LC_ALL=C grep -a -b -o -P "$magic" "$bz" | cut -d: -f1 | head -n 5); do
			tail -c +$((off + 1)) "$bz" | "$tool" -dc >"$out" 2>/dev/null
			if [ "$(head -c 4 "$out")" = $'\x7fELF' ] &&
				readelf -n "$out" 2>/dev/null | grep -q 'Xen.*(0x00000012)'; then
				return 0
			fi
		done
	done
	rm -f "$out"
	return 1
}

# lab_l1_base RELEASE KROOT: the part of L1's initramfs that depends only on
# the kernel release, QEMU and the guest scripts.  Cached; prints its path.
lab_l1_base() {
	local rel=$1 kroot=$2
	local key
	key=$(lab_key initramfs)
	local out=$LAB_CACHE/initramfs/$rel-$key
	lab_lock "initramfs-${out##*/}"
	if [ -f "$out/l1-base.cpio" ]; then
		echo "$out/l1-base.cpio"
		return
	fi
	lab_say "building L1 initramfs base (busybox, KVM modules, QEMU for L2)"
	rm -rf "$out" && mkdir -p "$out"
	local r=$out/l1 m
	mkdir -p "$r"/{bin,lab,extra,root,usr/share/qemu,lib/modules/"$rel"}
	install -m 0755 /usr/bin/busybox "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	install -m 0755 "$LAB_DIR/guest/l1-init" "$r/init"
	install -m 0755 "$LAB_DIR/guest/l2" "$r/bin/l2"
	install -m 0755 "$LAB_DIR/guest/exits-referee" "$r/bin/exits-referee"
	install -m 0755 "$LAB_DIR/guest/lab-splats" "$r/bin/lab-splats"
	install -m 0755 "$LAB_DIR/guest/lab-cpu-demand" "$r/bin/lab-cpu-demand"
	install -m 0755 "$LAB_DIR/guest/lab-progress" "$r/bin/lab-progress"
	install -m 0755 "$LAB_DIR/kvm-install" "$r/bin/kvm-install"
	gcc -static -O2 -Wall -Wextra -Werror -o "$out/cpuid-dump" "$LAB_DIR/guest/cpuid-dump.c" ||
		lab_die "cannot build cpuid-dump (common/deps build)"
	install -m 0755 "$out/cpuid-dump" "$r/bin/cpuid-dump"

	# Modules: decompress (busybox insmod cannot read .ko.xz) and unsign
	# (Bochs takes 9 s of each boot to verify Debian's signatures; the code
	# is the same, the kernel notes an unsigned module in its taint flags, as
	# for the rebuilt ones), then let depmod write the dependency files for
	# exactly this set.
	local deps
	deps=$(lab_module_closure "$kroot" "$rel" $LAB_MODULES) || return 1
	for m in $deps; do
		mkdir -p "$r/lib/modules/$rel/$(dirname "$m")"
		xz -dc "$kroot/lib/modules/$rel/$m" >"$r/lib/modules/$rel/${m%.xz}"
		module_unsign "$r/lib/modules/$rel/${m%.xz}"
	done
	cp "$kroot/lib/modules/$rel/modules.order" "$kroot/lib/modules/$rel/modules.builtin"* \
		"$r/lib/modules/$rel/" 2>/dev/null
	depmod -b "$r" "$rel" || lab_die "depmod failed for the L1 initramfs"
	mkdir -p "$r/etc/modprobe.d" "$r/etc/depmod.d"

	# Debian's kmod rather than busybox's applets: it honours updates/ the
	# way an installed system does.
	copy_with_libs /usr/bin/kmod "$r"
	for m in modprobe depmod modinfo insmod rmmod lsmod; do
		ln -s ../usr/bin/kmod "$r/bin/$m"
	done

	# QEMU, to start L2 inside L1.
	copy_with_libs /usr/bin/qemu-system-x86_64 "$r"
	local fw
	for m in seabios/bios-256k.bin qemu/kvmvapic.bin qemu/linuxboot_dma.bin qemu/linuxboot.bin qemu/pvh.bin; do
		fw=$(qemu-system-x86_64 -L help | sed "s|\$|/${m#*/}|" | while read -r f; do
			[ -e "$f" ] && echo "$f" && break; done)
		[ -n "$fw" ] || lab_die "QEMU firmware ${m#*/} not found (packages seabios, qemu-system-data)"
		cp -L "$fw" "$r/usr/share/qemu/"
	done
	# L2's kernel: the same release, unpacked.  QEMU boots the ELF through
	# its PVH entry, so L2 skips decompressing the kernel at every boot.
	if ! lab_vmlinux "$kroot/boot/vmlinuz-$rel" "$r/lab/vmlinux"; then
		lab_say "L2 boots the compressed kernel (its vmlinux could not be extracted with a PVH entry)"
		cp "$kroot/boot/vmlinuz-$rel" "$r/lab/vmlinuz"
	fi

	# L2's base initramfs travels inside L1's; `l2` appends its files.
	local r2=$out/l2
	mkdir -p "$r2"/{bin,l2,extra,root}
	install -m 0755 /usr/bin/busybox "$r2/bin/busybox"
	ln -s busybox "$r2/bin/sh"
	install -m 0755 "$LAB_DIR/guest/l2-init" "$r2/init"
	install -m 0755 "$out/cpuid-dump" "$r2/bin/cpuid-dump"
	cpio_of "$r2" >"$r/lab/l2-base.cpio"

	cpio_of "$r" >"$out/l1-base.cpio.tmp" && mv "$out/l1-base.cpio.tmp" "$out/l1-base.cpio"
	rm -rf "$r" "$r2"
	lab_say "L1 initramfs base: $(du -m "$out/l1-base.cpio" | cut -f1) MB"
	echo "$out/l1-base.cpio"
}

# lab_module_closure KROOT RELEASE NAME...: the module files (relative to
# lib/modules/RELEASE) that NAME... need, dependencies included.
lab_module_closure() {
	local kroot=$1 rel=$2
	shift 2
	local dep=$kroot/lib/modules/$rel/modules.dep
	if [ ! -f "$dep" ]; then
		depmod -b "$kroot" "$rel" || lab_die "depmod -b $kroot $rel failed"
	fi
	awk -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { gsub("_", "-", w[i]); need[w[i]] = 1 } }
		{
			f = $1; sub(":$", "", f); mod[f] = $0
			b = f; sub(".*/", "", b); sub("\\.ko.*", "", b); gsub("_", "-", b); byname[b] = f
		}
		function add(f,    n, p, i) {
			if (f in done) return
			done[f] = 1; print f
			n = split(mod[f], p, " ")
			for (i = 2; i <= n; i++) add(p[i])
		}
		END {
			for (b in need) {
				if (!(b in byname)) { print "lab: no module " b > "/dev/stderr"; exit 1 }
				add(byname[b])
			}
		}' "$dep"
}
