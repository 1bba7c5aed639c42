#!/bin/sh
# In L1 (busybox sh), called by install.sh.
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

l2 -- /extra/sig | grep -q "signature ''" && ok "stock KVM: no signature" || bad "stock KVM answers a signature"
/extra/kvm-install /extra/mods && ok "installed" || bad "kvm-install failed"
case "$(/bin/modinfo -F filename kvm)" in
*/updates/kvm-exit-stats/kvm.ko) ok "modprobe now resolves kvm to updates/" ;;
*) bad "modprobe resolves kvm to $(/bin/modinfo -F filename kvm)" ;;
esac

# A VM running: the reload must refuse and leave KVM as it is.
l2 --timeout 300 --stall 0 -- "sleep 600" >/dev/null 2>&1 &
for _ in $(seq 120); do
	ls /sys/kernel/debug/kvm/ 2>/dev/null | grep -q -- - && break
	sleep 1
done
out=$(/extra/kvm-install --reload /extra/mods 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] && echo "$out" | grep -q 'KVM is in use' && ok "reload refused while a VM runs" ||
	bad "reload with a VM running: status $rc"
lsmod | grep -q '^kvm ' && ok "kvm still loaded" || bad "kvm was unloaded"
killall qemu-system-x86_64
wait

/extra/kvm-install --reload /extra/mods && ok "reloaded with no VM" || bad "reload failed"
# The patched kvm.ko is known by a module parameter of its own.
param=/sys/module/kvm/parameters/exit_stats_host_wide
[ -e $param ] && ok "the kvm loaded is the patched one ($param)" || bad "the kvm loaded has no $param"
l2 -- /extra/sig | grep -q "signature 'KVMExitStats'" && ok "L2 sees the patched KVM's signature" ||
	bad "L2 does not see the signature after the reload"

# And back: the distribution's KVM, the one loaded.
/extra/kvm-install --remove --reload && ok "removed and reloaded" || bad "kvm-install --remove --reload failed"
stock=$(/bin/modinfo -F filename kvm)
case "$stock" in
*/updates/*) bad "modprobe still resolves kvm to $stock" ;;
*) ok "modprobe resolves kvm to the distribution's $stock" ;;
esac
[ ! -e $param ] && lsmod | grep -q '^kvm ' && ok "the kvm loaded is the distribution's" ||
	bad "the kvm loaded is not the distribution's"
exit $fail
