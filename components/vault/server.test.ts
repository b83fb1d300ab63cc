import { VAULT_CHART_VERSION, VAULT_IMAGE } from "./defaults";
import { SERVER_CONTAINER_SECURITY, SERVER_POD_SECURITY, buildServerHcl, buildServerValues, serverDnsNames } from "./server";
import { parseHcl } from "./testing";
import { buildTlsManifests } from "./tls";

const SEAL = { region: "eu-west-1", keyArn: "arn:aws:kms:eu-west-1:123456789012:key/vault" };
const TLS = "/vault/userconfig/vault-server-tls";

describe("vault server", () => {
  it("SEC-02 the server config is three Raft peers joined over TLS, TLS on the listener, auto-unsealed by KMS", () => {
    const hcl = buildServerHcl({ seal: SEAL });
    const join = (i: number) =>
      `  retry_join {\n    leader_api_addr     = "https://vault-${i}.vault-internal:8200"\n    leader_ca_cert_file = "${TLS}/ca.crt"\n  }`;
    expect(hcl).toBe(
      [
        "ui = true",
        "disable_mlock = true",
        "",
        'listener "tcp" {',
        '  address         = "[::]:8200"',
        '  cluster_address = "[::]:8201"',
        `  tls_cert_file   = "${TLS}/tls.crt"`,
        `  tls_key_file    = "${TLS}/tls.key"`,
        '  tls_min_version = "tls13"',
        "  telemetry {",
        "    unauthenticated_metrics_access = true",
        "  }",
        "}",
        "",
        'storage "raft" {',
        '  path = "/vault/data"',
        join(0),
        join(1),
        join(2),
        "}",
        "",
        'seal "awskms" {',
        '  region     = "eu-west-1"',
        '  kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/vault"',
        "}",
        "",
        'service_registration "kubernetes" {}',
        "",
        "telemetry {",
        '  prometheus_retention_time = "24h"',
        "  disable_hostname          = true",
        "}",
        "",
      ].join("\n"),
    );
    // Parsed as Vault parses it: one TCP listener, no tls_disable, the KMS seal.
    const doc = parseHcl(hcl);
    const listener = doc.listener[0].tcp[0];
    expect(listener.tls_disable).toBeUndefined();
    expect(listener.tls_cert_file).toBe(`${TLS}/tls.crt`);
    expect(doc.storage[0].raft[0].retry_join.map((j: { leader_api_addr: string }) => j.leader_api_addr)).toEqual([
      "https://vault-0.vault-internal:8200",
      "https://vault-1.vault-internal:8200",
      "https://vault-2.vault-internal:8200",
    ]);
    expect(doc.seal[0].awskms[0]).toEqual({ region: "eu-west-1", kms_key_id: SEAL.keyArn });
    expect(hcl).not.toContain("{{");
  });

  it("without AWS the server has no seal stanza (Shamir keys, unsealed by hand)", () => {
    const doc = parseHcl(buildServerHcl());
    expect(doc.seal).toBeUndefined();
    expect(doc.storage[0].raft[0].retry_join).toHaveLength(3);
  });

  it("SEC-02 chart values: HA Raft with three replicas, TLS everywhere, pinned image, no injector", () => {
    const values = buildServerValues({ seal: SEAL });
    expect(VAULT_CHART_VERSION).toBe("0.34.1");
    expect(values.global).toEqual({ enabled: true, tlsDisable: false });
    expect(values.injector).toEqual({ enabled: false });
    expect(values.server.image).toEqual({ repository: "hashicorp/vault", tag: VAULT_IMAGE.tag });
    expect(VAULT_IMAGE.tag).toMatch(/^\d+\.\d+\.\d+$/);
    expect(values.server.standalone).toEqual({ enabled: false });
    expect(values.server.ha.enabled).toBe(true);
    expect(values.server.ha.replicas).toBe(3);
    expect(values.server.ha.raft).toEqual({ enabled: true, setNodeId: true, config: buildServerHcl({ seal: SEAL }) });
    expect(values.server.volumes).toEqual([{ name: "vault-server-tls", secret: { secretName: "vault-server-tls", defaultMode: 0o440 } }]);
    expect(values.server.volumeMounts).toEqual([{ name: "vault-server-tls", mountPath: TLS, readOnly: true }]);
    expect(values.server.extraEnvironmentVars).toEqual({ VAULT_CACERT: `${TLS}/ca.crt` });
  });

  it("CLU-05 servers spread one per zone on top of the chart's one-per-node anti-affinity, one down at most", () => {
    const values = buildServerValues();
    expect(values.server.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" } },
      },
    ]);
    // Unset, the chart's hard anti-affinity on kubernetes.io/hostname applies.
    expect("affinity" in values.server).toBe(false);
    expect(values.server.ha.disruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
  });

  it("persistent volumes use the encrypted StorageClass, audit storage included", () => {
    const values = buildServerValues();
    expect(values.server.dataStorage).toEqual({
      enabled: true, size: "10Gi", storageClass: "gp3-encrypted", accessMode: "ReadWriteOnce", mountPath: "/vault/data",
    });
    expect(values.server.auditStorage).toEqual({
      enabled: true, size: "10Gi", storageClass: "gp3-encrypted", accessMode: "ReadWriteOnce", mountPath: "/vault/audit",
    });
    expect(buildServerValues({ storageClassName: "fast" }).server.dataStorage.storageClass).toBe("fast");
  });

  it("server pods run as non-root with no capabilities, no privilege escalation and RuntimeDefault seccomp, with limits", () => {
    const values = buildServerValues();
    expect(values.server.statefulSet.securityContext).toEqual({ pod: SERVER_POD_SECURITY, container: SERVER_CONTAINER_SECURITY });
    expect(SERVER_POD_SECURITY).toEqual({
      runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" },
    });
    expect(SERVER_CONTAINER_SECURITY).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
    });
    expect(values.server.resources.limits).toEqual({ cpu: "1", memory: "1Gi" });
  });

  it("values overrides are deep-merged last without touching the computed defaults", () => {
    const values = buildServerValues({ values: { server: { ha: { replicas: 5 }, nodeSelector: { pool: "system" } } } });
    expect(values.server.ha.replicas).toBe(5);
    expect(values.server.ha.raft.enabled).toBe(true);
    expect(values.server).toHaveProperty("nodeSelector", { pool: "system" });
    expect(buildServerValues().server.ha.replicas).toBe(3);
  });

  it("SEC-02 the internal CA signs a server certificate naming every peer, service and loopback", () => {
    const tls = buildTlsManifests();
    expect(tls.selfSigned).toMatchObject({ kind: "ClusterIssuer", metadata: { name: "vault-selfsigned" }, spec: { selfSigned: {} } });
    expect(tls.ca.spec).toMatchObject({ isCA: true, secretName: "vault-ca", issuerRef: { name: "vault-selfsigned", kind: "ClusterIssuer" } });
    expect(tls.caIssuer).toMatchObject({ kind: "Issuer", metadata: { name: "vault-ca", namespace: "vault" }, spec: { ca: { secretName: "vault-ca" } } });
    expect(tls.server.spec).toMatchObject({
      secretName: "vault-server-tls",
      ipAddresses: ["127.0.0.1"],
      issuerRef: { name: "vault-ca", kind: "Issuer", group: "cert-manager.io" },
    });
    const names = (tls.server.spec as { dnsNames: string[] }).dnsNames;
    expect(names).toEqual(serverDnsNames());
    for (const name of ["vault-0.vault-internal", "vault-1.vault-internal", "vault-2.vault-internal", "vault.vault.svc", "vault-active.vault.svc"]) {
      expect(names).toContain(name);
    }
  });
});
