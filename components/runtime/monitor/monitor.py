"""The platform's gVisor runtime monitor (RUN-08): one per sandbox node.

runsc connects every sandbox's trace session to this socket before the sandbox starts, and
fails the sandbox when nobody listens (the session is fail-closed). Each connection is one
sandbox; its points are decoded (wire.py), evaluated against the agent rules (detect.py) and
matching events are posted to falcosidekick, so host Falco and sandbox alerts share one route.
Events are also printed as JSON lines, so they survive a falcosidekick outage in the pod log.

A lost connection cannot be re-established by runsc: when this process restarts, sandboxes
started before it stay unobserved. The live sandbox ids are kept in a state file beside the
socket, and a restart that finds any raises a critical event naming them.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
import urllib.request
from collections import Counter, deque
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import detect  # noqa: E402
import wire  # noqa: E402

MAX_MESSAGE = 1 << 20


def rfc3339(ns=None):
    seconds = (ns if ns else time.time_ns()) / 1e9
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Monitor:
    def __init__(self, args, spec):
        self.args = args
        self.spec = spec
        self.queue = deque(maxlen=args.queue)
        self.wake = threading.Condition()
        self.lock = threading.Lock()
        self.live = {}
        self.counters = Counter()
        self.ready = False

    def count(self, key, n=1):
        with self.lock:
            self.counters[key] += n

    # --- output ----------------------------------------------------------------------------

    def emit(self, event):
        print(json.dumps(event, sort_keys=True), flush=True)
        self.count("alerts{rule=%s}" % json.dumps(event["rule"]))
        with self.wake:
            if len(self.queue) == self.queue.maxlen:
                self.count("alerts_dropped")
            self.queue.append(event)
            self.wake.notify()

    def health(self, key, values):
        self.emit(detect.alert(self.spec, key, values, self.args.hostname, rfc3339()))

    def deliver(self):
        while True:
            with self.wake:
                while not self.queue:
                    self.wake.wait()
                event = self.queue[0]
            body = json.dumps(event).encode()
            request = urllib.request.Request(self.args.sidekick, data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    response.read()
                with self.wake:
                    self.queue.popleft()
                self.count("delivered")
            except OSError as error:
                self.count("delivery_failures")
                print("delivery to %s failed: %s" % (self.args.sidekick, error), file=sys.stderr, flush=True)
                time.sleep(1)

    # --- sandboxes -------------------------------------------------------------------------

    def save_state(self):
        tmp = self.args.state + ".tmp"
        with open(tmp, "w") as f:
            json.dump(sorted(set(self.live.values())), f)
        os.replace(tmp, self.args.state)

    def check_previous_run(self):
        try:
            with open(self.args.state) as f:
                previous = json.load(f)
        except (OSError, ValueError):
            previous = []
        if previous:
            self.health("monitor-unobserved", {"gvisor.sandboxes": ",".join(previous),
                                               "gvisor.sandbox_count": len(previous)})
        self.live.clear()
        self.save_state()

    def serve_sandbox(self, conn, number):
        sandbox = detect.Sandbox(self.spec)
        dropped = 0
        try:
            hello = conn.recv(10240)
            if wire.handshake_version(hello) < 1:
                return
            conn.sendall(wire.handshake())
            with self.lock:
                self.live[number] = "connection-%d" % number
                self.counters["sandboxes_connected_total"] += 1
                self.save_state()
            while True:
                message = conn.recv(MAX_MESSAGE)
                if not message:
                    return
                header_size, message_type, dropped_now = wire.HEADER.unpack_from(message)
                self.count("points")
                if dropped_now != dropped:
                    lost = (dropped_now - dropped) % (1 << 32)
                    dropped = dropped_now
                    self.count("points_dropped", lost)
                    self.health("monitor-dropped", {"gvisor.sandbox": sandbox.id or detect.NA,
                                                    "gvisor.dropped": lost})
                event = wire.decode(message_type, message[header_size:])
                if event is None:
                    continue
                for control, values in sandbox.evaluate(event):
                    self.emit(detect.alert(self.spec, control, values, self.args.hostname, rfc3339(event["time_ns"])))
                if event["type"] == "start" and sandbox.id:
                    with self.lock:
                        self.live[number] = sandbox.id
                        self.save_state()
        except (OSError, wire.WireError, ValueError) as error:
            self.count("connection_errors")
            print("sandbox connection %d: %s" % (number, error), file=sys.stderr, flush=True)
        finally:
            conn.close()
            with self.lock:
                self.live.pop(number, None)
                self.save_state()

    def listen(self):
        if os.path.exists(self.args.socket):
            os.unlink(self.args.socket)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        server.bind(self.args.socket)
        os.chmod(self.args.socket, 0o660)
        server.listen(128)
        self.ready = True
        number = 0
        while True:
            conn, _ = server.accept()
            number += 1
            threading.Thread(target=self.serve_sandbox, args=(conn, number), daemon=True).start()

    # --- metrics ---------------------------------------------------------------------------

    def metrics(self):
        lines = []
        with self.lock:
            items = sorted(self.counters.items())
            live = len(self.live)
        for key, value in items:
            name, _, labels = key.partition("{")
            lines.append("agent_platform_gvisor_monitor_%s%s %d" % (name, "{" + labels if labels else "", value))
        lines.append("agent_platform_gvisor_monitor_sandboxes_connected %d" % live)
        return "\n".join(lines) + "\n"


def http_handler(monitor):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/metrics":
                body, status = monitor.metrics().encode(), 200
            elif self.path == "/healthz":
                body, status = (b"ok\n", 200) if monitor.ready else (b"starting\n", 503)
            else:
                body, status = b"not found\n", 404
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--sidekick", required=True)
    parser.add_argument("--metrics-port", type=int, default=9376)
    parser.add_argument("--metrics-address", default="0.0.0.0")
    parser.add_argument("--hostname", default=os.environ.get("NODE_NAME", socket.gethostname()))
    parser.add_argument("--queue", type=int, default=10000)
    args = parser.parse_args(argv)
    with open(args.spec) as f:
        spec = json.load(f)
    monitor = Monitor(args, spec)
    monitor.check_previous_run()
    http = ThreadingHTTPServer((args.metrics_address, args.metrics_port), http_handler(monitor))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    threading.Thread(target=monitor.deliver, daemon=True).start()
    monitor.listen()


if __name__ == "__main__":
    main()
