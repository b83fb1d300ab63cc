import { standardLabels } from "../shared/labels";

/**
 * A custom resource as the component declares it: exactly what `kubectl apply` would receive.
 * The mesh builds these as plain objects so that tests can validate them against the published
 * Istio and cert-manager schemas (components/mesh/schema/validate.mjs).
 */
export interface CustomResourceObject<Spec extends object = object> {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: Spec;
}

/** A custom resource with the platform's standard labels; `component` names the mesh part. */
export function customResource<Spec extends object>(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | undefined,
  component: string,
  spec: Spec,
): CustomResourceObject<Spec> {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: standardLabels(name, component) },
    spec,
  };
}

/**
 * The spec keys each kind accepts. The published models do not reject unknown fields, and the API
 * server's structural schemas drop them silently, so a misspelt key would weaken a control
 * without any error; this list catches that at the top level of the spec.
 */
export const KNOWN_SPEC_KEYS: Record<string, readonly string[]> = {
  PeerAuthentication: ["selector", "mtls", "portLevelMtls", "targetRef", "targetRefs"],
  AuthorizationPolicy: ["selector", "targetRef", "targetRefs", "rules", "action", "provider"],
  Sidecar: ["workloadSelector", "ingress", "egress", "inboundConnectionPool", "outboundTrafficPolicy"],
  Gateway: ["selector", "servers"],
  VirtualService: ["hosts", "gateways", "http", "tls", "tcp", "exportTo"],
  EnvoyFilter: ["workloadSelector", "targetRefs", "configPatches", "priority"],
  ClusterIssuer: ["acme", "ca", "selfSigned", "vault", "venafi"],
  Issuer: ["acme", "ca", "selfSigned", "vault", "venafi"],
  Certificate: [
    "isCA",
    "secretName",
    "secretTemplate",
    "issuerRef",
    "commonName",
    "dnsNames",
    "duration",
    "renewBefore",
    "renewBeforePercentage",
    "privateKey",
    "usages",
    "revisionHistoryLimit",
    "subject",
  ],
};

/** Spec keys of `resource` that its kind does not define, as `Kind/name: key` strings. */
export function unknownSpecKeys(resource: CustomResourceObject): string[] {
  const known = KNOWN_SPEC_KEYS[resource.kind];
  if (!known) return [`${resource.kind}/${resource.metadata.name}: kind has no known-key list`];
  return Object.keys(resource.spec)
    .filter((key) => !known.includes(key))
    .map((key) => `${resource.kind}/${resource.metadata.name}: ${key}`);
}
