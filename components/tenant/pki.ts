import { customResource, CustomResourceObject } from "../mesh/resources";
import { NAMES } from "./defaults";
import { proxyHostName } from "./provider";

const API = "cert-manager.io/v1";

/**
 * SEC-09, seed "TLS for all traffic": each tenant has its own CA, so the certificate its agent
 * trusts for the provider endpoint opens nothing of another tenant. A self-signed Issuer signs the
 * tenant's root once; a CA Issuer holding that root signs the proxy's serving certificate. The
 * root's key stays in NAMES.tenantCaSecret, which no agent pod may mount (the pack and Gatekeeper
 * check it); the agent reads only `ca.crt` from the proxy's certificate Secret.
 */
export function buildTenantPki(namespace: string): CustomResourceObject[] {
  const host = proxyHostName(namespace);
  return [
    customResource(API, "Issuer", NAMES.tenantCaRootIssuer, namespace, "tenant-pki", { selfSigned: {} }),
    customResource(API, "Certificate", NAMES.tenantCaSecret, namespace, "tenant-pki", {
      isCA: true,
      commonName: `${namespace} egress CA`,
      secretName: NAMES.tenantCaSecret,
      duration: "87600h",
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { name: NAMES.tenantCaRootIssuer, kind: "Issuer", group: "cert-manager.io" },
    }),
    customResource(API, "Issuer", NAMES.tenantCaIssuer, namespace, "tenant-pki", { ca: { secretName: NAMES.tenantCaSecret } }),
    customResource(API, "Certificate", NAMES.proxyTlsSecret, namespace, "tenant-pki", {
      secretName: NAMES.proxyTlsSecret,
      dnsNames: [host],
      duration: "2160h",
      renewBefore: "720h",
      usages: ["server auth", "digital signature"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { name: NAMES.tenantCaIssuer, kind: "Issuer", group: "cert-manager.io" },
    }),
  ];
}
