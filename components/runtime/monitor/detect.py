"""RUN-01..07 over gVisor points: the agent rules file's conditions, evaluated inside sandboxes.

Host Falco cannot see a sandboxed agent's syscalls (docs/decisions/falco-and-gvisor.md). The
spec the platform renders from rules/agent-rules.yaml carries each rule's name, priority, tags,
output template and the lists the conditions use, so both engines alert under one name, at one
priority, with the same list contents; what each condition means is restated here per point.
"""
import ipaddress
import posixpath
import re

O_ACCMODE = 3
O_WRONLY = 1
FIELD = re.compile(r"%([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)")
NA = "<NA>"


def under(path, dirs):
    """Falco's pmatch: the path is one of the directories or inside one."""
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs)


def in_networks(ip, networks):
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in networks)


def resolve(event):
    """The absolute path an open names: relative paths resolve against the dirfd or the cwd."""
    path = event["path"]
    if not path.startswith("/"):
        base = event["cwd"] if event["fd"] == -100 else event["fd_path"]
        path = posixpath.join(base or "/", path)
    return posixpath.normpath(path).replace("//", "/")


def render(template, values):
    return " ".join(FIELD.sub(lambda m: str(values.get(m.group(1), NA)), template).split())


class Sandbox:
    """What one sandbox's points have said so far: its containers and its processes."""

    def __init__(self, spec):
        self.spec = spec
        self.lists = spec["lists"]
        self.containers = {}
        self.processes = {}
        self.id = None

    # --- attribution ---------------------------------------------------------------------

    def container_started(self, event):
        env = dict(item.split("=", 1) for item in event["env"] if "=" in item)
        args = event["args"] or [""]
        name = env.get("AGENT_PLATFORM_CONTAINER")
        if not name and posixpath.basename(args[0]) == "pilot-agent":
            name = "istio-proxy"  # Istio's injected sidecar, whose env the platform does not set
        image = env.get("AGENT_PLATFORM_IMAGE", "")
        repository, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
        self.containers[event["id"]] = {
            "k8s.ns.name": env.get("POD_NAMESPACE", NA),
            "k8s.pod.name": env.get("POD_NAME", NA),
            "container.name": name or NA,
            "container.image.repository": repository or NA,
            "container.image.tag": tag or NA,
        }
        if self.id is None:
            self.id = event["id"]
        self.processes[(event["id"], event["pid"])] = {
            "name": posixpath.basename(args[0]), "cmdline": " ".join(args)}

    def _fields(self, event):
        key = (event["container_id"], event["pid"])
        proc = self.processes.get(key, {})
        parent = self.processes.get((event["container_id"], event["ppid"]), {})
        values = {
            "container.id": event["container_id"] or NA,
            "proc.name": proc.get("name") or event["comm"] or NA,
            "proc.cmdline": proc.get("cmdline") or event["comm"] or NA,
            "proc.pid": event["pid"],
            "proc.pname": parent.get("name", NA),
            "user.uid": event["uid"] if event["uid"] is not None else NA,
            "gvisor.exec_session": event["exec_session"],
        }
        values.update(self.containers.get(event["container_id"], {
            "k8s.ns.name": NA, "k8s.pod.name": NA, "container.name": NA,
            "container.image.repository": NA, "container.image.tag": NA}))
        return values

    # --- detections ----------------------------------------------------------------------

    def evaluate(self, event):
        """(control id, output fields) for each rule the point matches."""
        kind = event["type"]
        if kind == "start":
            self.container_started(event)
            return []
        if kind == "exec":
            return self._exec(event)
        if kind == "open":
            return self._open(event)
        if kind == "connect":
            return self._connect(event)
        if kind == "setid":
            return self._setid(event)
        return []

    def _exec(self, event):
        name = posixpath.basename(event["binary"])[:15]
        cmdline = " ".join(event["argv"]) or event["binary"]
        self.processes[(event["container_id"], event["pid"])] = {"name": name, "cmdline": cmdline}
        values = {**self._fields(event), "evt.type": "execve"}
        hits = []
        if name in self.lists["shell_binaries"]:
            hits.append(("RUN-01", values))
        if name in self.lists["userexec_binaries"]:
            hits.append(("RUN-02", values))
        if name in self.lists["miner_binaries"] or "stratum+" in cmdline or "stratum2+" in cmdline:
            hits.append(("RUN-03", values))
        return hits

    def _setid(self, event):
        # gVisor has no chmod point, so RUN-02's setuid-bit branch cannot be evaluated here;
        # asking the kernel for uid or gid 0 is the in-sandbox sign of the same intent.
        if 0 not in event["ids"]:
            return []
        call = {105: "setuid", 106: "setgid", 117: "setresuid", 119: "setresgid"}.get(event["sysno"], "setid")
        return [("RUN-02", {**self._fields(event), "evt.type": call, "evt.res": event["result"]})]

    def _open(self, event):
        if event["result"] < 0 or event["flags"] & O_ACCMODE == O_WRONLY:
            return []
        path = resolve(event)
        values = {**self._fields(event), "fd.name": path, "evt.type": "openat"}
        lists = self.lists
        hits = []
        sidecar_own = values["container.name"] == "istio-proxy" and path in lists["mesh_sidecar_files"]
        if ((under(path, lists["secret_dirs"]) and not under(path, lists["service_account_dirs"]))
                or posixpath.basename(path) == ".vault-token") and not sidecar_own:
            hits.append(("RUN-04", values))
        if path in lists["sensitive_files"] \
                or (path.startswith("/proc/1/") and path not in lists["proc1_listing_files"]) \
                or under(path, lists["service_account_dirs"]):
            hits.append(("RUN-06", values))
        return hits

    def _connect(self, event):
        if event["ip"] is None or not (event["result"] >= 0 or event["errno"] == 115):
            return []
        ip, port = event["ip"], event["port"]
        values = {**self._fields(event), "fd.rip": ip, "fd.rport": port, "fd.l4proto": "tcp",
                  "fd.name": "%s:%d" % (ip, port), "evt.type": "connect"}
        lists = self.lists
        hits = []
        if port in lists["mining_ports"]:
            hits.append(("RUN-03", values))
        if ip in lists["kube_api_addresses"] or port in lists["kube_api_ports"]:
            hits.append(("RUN-05", values))
        loopback = in_networks(ip, ["127.0.0.0/8", "::1/128"])
        allowed = (
            loopback
            or port in lists["allowed_egress_ports"]
            or (port == 53 and ip in lists["dns_resolvers"])
            or (port in lists["egress_proxy_ports"] and in_networks(ip, lists["private_networks"]))
            or (values["container.name"] == "istio-proxy" and port in lists["mesh_control_ports"])
        )
        if not allowed:
            hits.append(("RUN-07", values))
        return hits


def alert(spec, control, values, hostname, time):
    """A Falco-shaped event for falcosidekick (it requires rule, priority, time and fields)."""
    rule = spec["rules"][control]
    return {
        "rule": rule["rule"],
        "priority": rule["priority"].capitalize(),
        "output": render(rule["output"], values),
        "output_fields": values,
        "tags": rule["tags"],
        "source": "gvisor",
        "hostname": hostname,
        "time": time,
    }
