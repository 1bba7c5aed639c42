"""The lab's host side: the test runner and what it is made of.

cfg    tests.cfg, the tests as data
sched  which node runs next (tests and the builds they need)
tap    reads a test's TAP to name the check that failed
logs   logs/ and the previous run's logs.old/
runner runs the nodes and prints TAP (common/lab/runtests)
run     boots L1 for one job and follows it (common/lab/run)
machine the emulator's command line (Bochs, QEMU TCG, QEMU/KVM), QMP
console the markers and lines of L1's two UARTs
session one L1 serving many runs
shell   lib.sh's functions, from Python
"""
