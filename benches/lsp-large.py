#!/usr/bin/env python3
"""One huge open document in `catalint lsp`: the issue's 20 MB catalogue file, typed in.

Builds a copy of the example catalogue plus one multi-document file of SIZE_MB (default 20)
of valid services (FINDINGS=1: services with two findings each, the shape the issue was
measured on), opens it in `catalint lsp` as an editor does (incremental sync), then types
KEYS keystrokes (default 10), alternately misspelling and mending a team reference in the
middle of the file, each one after a pause longer than the server's typing pause, so that
each is checked on its own. Prints, per keystroke, the time from the `didChange` to the
file's `publishDiagnostics` (this includes the server's 300 ms typing pause for documents
over 1 MiB), the server's CPU time per keystroke (user+sys from /proc, which load does not
inflate as it does wall time), and the server's peak RSS (VmHWM).

    python3 benches/lsp-large.py [CATALINT]    # default target/release/catalint
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import queue
import time

CATALINT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/catalint")
SIZE_MB = float(os.environ.get("SIZE_MB", "20"))
KEYS = int(os.environ.get("KEYS", "10"))
FINDINGS = os.environ.get("FINDINGS") == "1"
HERE = os.path.dirname(os.path.abspath(__file__))

SERVICE = """---
apiVersion: catalogue/v1
kind: Service
metadata:
  id: bulk-{i}
  name: Bulk service {i}
  description: One of many services in one large file, there to make the file large.
  tags: [bulk]
spec:
  category: application
  facing: customer-facing
  lifecycle: live
  criticality: 3
  owner:
    team: {team}
    serviceOwner: jane.doe@example.org
    serviceManager: sam.lee@example.org
  supportGroup: service-desk
  hours:
    service: 24x7
    support: 24x7
  serviceLevels:
    agreement: SLA
    availability: {{target: 99.5, measuredDuring: 24x7}}
    incident:
      - {{priority: P1, response: 15m, resolution: 4h}}
      - {{priority: P2, response: 1h, resolution: 8h}}
      - {{priority: P3, response: 4h, resolution: 2d}}
      - {{priority: P4, response: 1d, resolution: 1w}}
    recovery: {{rto: 4h, rpo: 15m}}
"""

# The shape the issue was measured on: every service with two findings (`hours.support` and
# `serviceLevels` missing), so each keystroke republishes 89,000 of them (FINDINGS=1).
SERVICE_WITH_FINDINGS = """---
apiVersion: catalogue/v1
kind: Service
metadata:
  id: bulk-{i}
  name: Bulk service {i}
  description: One of many services in one large file, there to make the file large.
  tags: [bulk]
spec:
  category: business
  facing: customer-facing
  lifecycle: live
  criticality: 3
  owner:
    team: {team}
    serviceOwner: jane.doe@example.org
    serviceManager: sam.lee@example.org
  supportGroup: service-desk
  hours:
    service: 24x7
"""


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def reader(stream, out):
    while True:
        length = 0
        while True:
            line = stream.readline()
            if not line:
                out.put(None)
                return
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        out.put(json.loads(stream.read(length)))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    work = tempfile.mkdtemp(prefix="catalint-lsp-large-")
    root = os.path.join(work, "catalogue")
    shutil.copytree(os.path.join(HERE, "..", "fixtures", "catalogue"), root)
    big = os.path.join(root, "services", "bulk.yaml")
    parts, size, i = [], 0, 0
    while size < SIZE_MB * 1e6:
        part = (SERVICE_WITH_FINDINGS if FINDINGS else SERVICE).format(i=i, team="hr-systems")
        parts.append(part)
        size += len(part)
        i += 1
    text = "".join(parts)
    with open(big, "w") as f:
        f.write(text)
    # The reference typed in: the team of the middle service.
    middle = text.index("bulk-%d\n" % (i // 2))
    at = text.index("team: hr-systems", middle) + len("team: hr-sy")
    line = text.count("\n", 0, at)
    col = at - (text.rindex("\n", 0, at) + 1)
    print(f"{len(text) / 1e6:.1f} MB, {i} services, {line + 1} lines in one file; {KEYS} keystrokes")

    server = subprocess.Popen([CATALINT, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    incoming = queue.Queue()
    threading.Thread(target=reader, args=(server.stdout, incoming), daemon=True).start()

    def send(msg):
        server.stdin.write(frame(msg))
        server.stdin.flush()

    def wait(pred, timeout=300):
        end = time.monotonic() + timeout
        while True:
            msg = incoming.get(timeout=max(0.01, end - time.monotonic()))
            if msg is None:
                sys.exit("the server stopped")
            if pred(msg):
                return msg

    uri = "file://" + big
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": "file://" + root, "capabilities": {}}})
    wait(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    started = time.monotonic()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": text}}})

    def published(m):
        return m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri

    # A request is answered after the pending check: a clean file publishes nothing.
    send({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}})
    wait(lambda m: m.get("id") == 3)
    print(f"open: {time.monotonic() - started:.2f} s to its check, peak RSS {peak_rss_mb(server.pid):.0f} MB")
    cpu0 = cpu_seconds(server.pid)
    latencies = []
    cpus = []
    for k in range(KEYS):
        # Odd keystrokes delete the `s` of hr-systems, even ones type it back.
        if k % 2 == 0:
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col + 1}}, "text": ""}
        else:
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col}}, "text": "s"}
        time.sleep(0.5)
        before = cpu_seconds(server.pid)
        sent = time.monotonic()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": k + 2}, "contentChanges": [change]}})
        msg = wait(published)
        latencies.append(time.monotonic() - sent)
        cpus.append(cpu_seconds(server.pid) - before)
        broken = any(d.get("code") == "unresolved-reference" for d in msg["params"]["diagnostics"])
        assert broken == (k % 2 == 0), "the keystroke's finding arrives (or goes)"
    cpu = cpu_seconds(server.pid) - cpu0
    peak = peak_rss_mb(server.pid)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait(timeout=30)
    ms = sorted(x * 1000 for x in latencies)
    print(f"keystroke to diagnostics: median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms "
          f"(wall, with the 300 ms typing pause)")
    print(f"server CPU per keystroke: {cpu / KEYS * 1000:.0f} ms (user+sys); first keystroke "
          f"{cpus[0] * 1000:.0f} ms, median of the others "
          f"{statistics.median(cpus[1:] or cpus) * 1000:.0f} ms")
    print(f"server peak RSS: {peak:.0f} MB")
    print(f"load: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
