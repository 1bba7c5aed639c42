"""The lab's shell side, from Python: lib.sh's functions and its progress lines.

lib.sh keeps what the build scripts share (downloads, the kernel tree, the
caches and their locks); the host side calls it here rather than saying it
twice.
"""
import os
import subprocess
import sys
import time

LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.path.join(LAB_DIR, "lib.sh")


def start_clock():
    """lab_say's clock: the run's start, shared with what it starts (LAB_T0)."""
    os.environ.setdefault("LAB_T0", str(int(time.time())))


def elapsed():
    return int(time.time()) - int(os.environ.get("LAB_T0") or time.time())


def say(text):
    print(f"lab: [{elapsed():4d}s] {text}", file=sys.stderr, flush=True)


def _bash(fn, args, **kw):
    src = f'. "{LIB}"; . "{LAB_DIR}/initramfs.sh"; {fn} "$@"'
    return subprocess.run(["bash", "-c", src, fn, *args], text=True, check=False, **kw)


def lib(fn, *args):
    """A lib.sh function, quietly: (status, its output)."""
    p = _bash(fn, args, capture_output=True)
    return p.returncode, p.stdout.strip()


def lib_passthrough(fn, *args):
    """A lib.sh function whose progress and errors go to stderr: (status, stdout)."""
    p = _bash(fn, args, stdout=subprocess.PIPE)
    return p.returncode, p.stdout.strip()


def cpio_of(root, out):
    """initramfs.sh's cpio_of: a newc archive of root, appended to the file out."""
    with open(out, "ab") as f:
        return _bash("cpio_of", [root], stdout=f).returncode == 0


def cpu_demand(pid):
    """Centiseconds pid has run or waited for a CPU (guest/lab-cpu-demand, the
    measure L1's `l2` uses too): a starved emulator is slow, not stuck."""
    p = subprocess.run([os.path.join(LAB_DIR, "guest", "lab-cpu-demand"), str(pid)],
                       capture_output=True, text=True, check=False)
    return int(p.stdout.strip() or 0)


def lib_vars(*names):
    """lib.sh's values of these variables, one string each."""
    printf = "printf '%s\\0'" + "".join(f' "${n}"' for n in names)
    p = subprocess.run(["bash", "-c", f'. "{LIB}" && {printf}'], capture_output=True, text=True, check=False)
    values = p.stdout.split("\0")[:-1]
    if p.returncode or len(values) != len(names):
        sys.exit(f"lab: cannot read {', '.join(names)} from {LIB}: {p.stderr.strip()}")
    return values


def cache_dir():
    """$LAB_CACHE, with lib.sh's default when unset (one place says it), and
    set so in the environment: what runs from here uses the same."""
    if not os.environ.get("LAB_CACHE"):
        os.environ["LAB_CACHE"] = lib_vars("LAB_CACHE")[0]
    return os.environ["LAB_CACHE"]


def run(argv):
    """A lab script (kvm-build...): (status, its stdout); stderr passes through."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=False)
    return p.returncode, p.stdout.strip()


def boot_args():
    """Kernel parameters of every L1 boot and of L2's (lib.sh says why)."""
    return lib_vars("LAB_BOOT_ARGS", "LAB_L2_BOOT_ARGS")
