import json
import os
import socket
import tempfile
import threading
import unittest

from labhost.machine import QMP, Machine


class CommandLines(unittest.TestCase):
    def machine(self, host, **kw):
        return Machine(host, "/k/vmlinuz", "/w/initrd.cpio", "console=ttyS0 quiet", "/e", **kw)

    def test_svm_two_uarts_qmp_and_the_session_disk(self):
        argv = self.machine("svm", qemu="/q/qemu", disk="/e/disk.img").qemu_argv()
        self.assertEqual(argv[:5], ["/q/qemu", "-accel", "tcg", "-cpu", "EPYC,+svm"])
        self.assertEqual([argv[i + 1] for i, a in enumerate(argv) if a == "-serial"],
                         ["file:/e/serial.log", "file:/e/job.log"])
        self.assertIn("unix:/e/qmp.sock,server=on,wait=off", argv)
        self.assertEqual(argv[-2:], ["-drive", "file=/e/disk.img,format=raw,if=virtio,readonly=on"])
        self.assertEqual(argv[argv.index("-append") + 1], "console=ttyS0 quiet")

    def test_plugin_runs_deterministically(self):
        m = self.machine("svm", plugin="/p/insn.so,arg=1", plugin_log="/w/plugin.log")
        argv = m.qemu_argv()
        self.assertIn("tcg,thread=single", argv)
        self.assertEqual(argv[argv.index("-icount") + 1], "shift=0")
        self.assertEqual(argv[argv.index("-D") + 1], "/w/plugin.log")
        self.assertEqual(m.what(), "QEMU TCG EPYC+SVM (deterministic, plugin insn.so)")

    def test_kvm(self):
        m = self.machine("kvm")
        self.assertEqual(m.qemu_argv()[1:4], ["-enable-kvm", "-cpu", "host"])
        self.assertNotIn("-drive", m.qemu_argv())

    def test_bochs_tsc_and_config(self):
        m = self.machine("vmx", ips=50_000_000, disk="/e/disk.img")
        self.assertEqual(m.kernel_args(), "console=ttyS0 quiet tsc_early_khz=50000")
        rc = m.bochsrc("/e/l1.iso")
        self.assertNotRegex(rc, "@[A-Z]+@")
        self.assertIn("cpu: model=corei7_skylake_x, count=1, ips=50000000,", rc)
        self.assertIn("com1: enabled=1, mode=file, dev=/e/serial.log", rc)
        self.assertIn("com2: enabled=1, mode=file, dev=/e/job.log", rc)
        self.assertIn("ata0-slave: type=disk, path=/e/disk.img, mode=flat, cylinders=4161, heads=16, spt=63", rc)
        self.assertEqual(m.what(), "Bochs corei7_skylake_x")


class FakeQemu(threading.Thread):
    """A QMP server that answers as QEMU does, events in between."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.srv = socket.socket(socket.AF_UNIX)
        self.srv.bind(path)
        self.srv.listen(1)
        self.got = []

    def run(self):
        c, _ = self.srv.accept()
        self.srv.close()
        with c, c.makefile("rwb", buffering=0) as f:
            self.serve(f)

    def serve(self, f):
        f.write(b'{"QMP": {"version": {}, "capabilities": []}}\r\n')
        for line in f:
            cmd = json.loads(line)
            self.got.append(cmd)
            f.write(b'{"event": "RESUME", "timestamp": {}}\r\n')
            if cmd["execute"] == "human-monitor-command":
                f.write(json.dumps({"return": "RIP=ffffffff81000000 RFL=00000246\r\n"}).encode() + b"\r\n")
            elif cmd["execute"] == "nope":
                f.write(b'{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}\r\n')
            else:
                f.write(b'{"return": {}}\r\n')


class Qmp(unittest.TestCase):
    def test_commands_events_and_errors(self):
        with tempfile.TemporaryDirectory() as d:
            srv = FakeQemu(os.path.join(d, "qmp.sock"))
            srv.start()
            q = QMP(os.path.join(d, "qmp.sock"))
            self.assertIn("RIP=ffffffff81000000", q.hmp("info registers"))
            q.send_keys("alt", "sysrq", "t")
            with self.assertRaisesRegex(RuntimeError, "QMP nope: The command nope has not been found"):
                q.execute("nope")
            q.close()
        self.assertEqual([c["execute"] for c in srv.got],
                         ["qmp_capabilities", "human-monitor-command", "send-key", "nope"])
        self.assertEqual(srv.got[1]["arguments"], {"command-line": "info registers"})
        self.assertEqual([k["data"] for k in srv.got[2]["arguments"]["keys"]], ["alt", "sysrq", "t"])
