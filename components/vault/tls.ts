import { standardLabels } from "../shared/labels";
import {
  VAULT_CA_ISSUER,
  VAULT_CA_SECRET,
  VAULT_NAMESPACE,
  VAULT_REPLICAS,
  VAULT_SELF_SIGNED_ISSUER,
  VAULT_TLS_SECRET,
} from "./defaults";
import { serverDnsNames } from "./server";

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

const CERT_MANAGER = "cert-manager.io/v1";
const labels = standardLabels("vault", "tls");

/**
 * The internal PKI of Vault, in cert-manager's terms: a self-signed ClusterIssuer signs only the
 * CA certificate, whose key stays in namespace vault; a namespaced CA Issuer signs the server
 * certificate. Nothing outside namespace vault can obtain a certificate from this CA.
 */
export function buildTlsManifests(replicas: number = VAULT_REPLICAS): {
  selfSigned: Manifest;
  ca: Manifest;
  caIssuer: Manifest;
  server: Manifest;
} {
  return {
    selfSigned: {
      apiVersion: CERT_MANAGER,
      kind: "ClusterIssuer",
      metadata: { name: VAULT_SELF_SIGNED_ISSUER, labels },
      spec: { selfSigned: {} },
    },
    ca: {
      apiVersion: CERT_MANAGER,
      kind: "Certificate",
      metadata: { name: VAULT_CA_SECRET, namespace: VAULT_NAMESPACE, labels },
      spec: {
        isCA: true,
        commonName: "agent-platform vault internal CA",
        secretName: VAULT_CA_SECRET,
        duration: "87600h",
        renewBefore: "8760h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: VAULT_SELF_SIGNED_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    caIssuer: {
      apiVersion: CERT_MANAGER,
      kind: "Issuer",
      metadata: { name: VAULT_CA_ISSUER, namespace: VAULT_NAMESPACE, labels },
      spec: { ca: { secretName: VAULT_CA_SECRET } },
    },
    server: {
      apiVersion: CERT_MANAGER,
      kind: "Certificate",
      metadata: { name: VAULT_TLS_SECRET, namespace: VAULT_NAMESPACE, labels },
      spec: {
        secretName: VAULT_TLS_SECRET,
        commonName: `vault.${VAULT_NAMESPACE}.svc`,
        dnsNames: serverDnsNames(replicas),
        ipAddresses: ["127.0.0.1"],
        // Vault re-reads its certificate only on SIGHUP or restart: a long lifetime with a month of
        // overlap leaves room for the rolling restart the runbook asks for after each renewal.
        duration: "8760h",
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["server auth", "digital signature", "key encipherment"],
        issuerRef: { name: VAULT_CA_ISSUER, kind: "Issuer", group: "cert-manager.io" },
      },
    },
  };
}
