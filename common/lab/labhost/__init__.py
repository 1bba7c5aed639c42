"""The lab's host side: the test runner and what it is made of.

cfg    tests.cfg, the tests as data
sched  which node runs next (tests and the builds they need)
tap    reads a test's TAP to name the check that failed
logs   logs/ and the previous run's logs.old/
runner runs the nodes and prints TAP (common/lab/runtests)
"""
