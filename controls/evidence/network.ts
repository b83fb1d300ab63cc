import { Evidence } from "../types";

const PROOF = "test/network.test.ts";
const POLICY = "components/network/policy.ts";
const NAMESPACE = "components/shared/namespace.ts";
const TENANT = "components/tenant/network.ts";

const component = (file: string, symbol: string) => ({ kind: "component" as const, file, symbol });
const proof = (test: string) => ({ file: PROOF, test });

/** The analyser's map of the whole prod plan equals the intended map (docs/decisions/network-policies.md). */
const MAP = proof("ISO-02 ISO-03 NET-01 NET-02 NET-03 NET-04 NET-05 NET-06 NET-07 connect exactly the intended map");
/** And no policy is there for nothing: without any one the map changes. */
const EVERY_POLICY = proof("ISO-02 makes every policy count: without any one of them the analysed map differs");

/**
 * What np-guard's netpol-analyzer proves over the prod plan's manifests and the charts' pods: the
 * connectivity of tenants and platform, computed by a real engine, not by matching selectors by hand.
 */
export const networkEvidence: Evidence[] = [
  {
    control: "ISO-02",
    enforcedBy: [component(NAMESPACE, "defaultDeny(name)"), component(TENANT, "defaultDeny(namespace)")],
    provenBy: [proof("ISO-02 gives every namespace the program declares a default deny, kube-system's included"), MAP, EVERY_POLICY],
  },
  {
    control: "ISO-03",
    enforcedBy: [component(TENANT, "podsHere(EGRESS_PROXY_LABELS)")],
    provenBy: [proof("ISO-03 finds no flow between tenants, and none from a tenant to a platform pod but istiod's 15012"), MAP, EVERY_POLICY],
  },
  {
    control: "NET-01",
    enforcedBy: [component(TENANT, "cidrs([`${PUBLIC_DNS_SERVER}/32`])")],
    provenBy: [proof("NET-01 lets no agent send DNS anywhere; each egress proxy alone resolves, at 1.1.1.1"), MAP],
  },
  {
    control: "NET-02",
    enforcedBy: [component(POLICY, "toDns")],
    provenBy: [MAP],
  },
  ...["NET-03", "NET-05"].map((control) => ({
    control,
    enforcedBy: [component(POLICY, "NON_PUBLIC_RANGES")],
    provenBy: [proof("NET-03 NET-05 keep tenants off the metadata service, the Pod Identity agent and every private range"), MAP],
  })),
  {
    control: "NET-04",
    enforcedBy: [component(POLICY, "toPublicHttps")],
    provenBy: [proof("NET-04 lets traffic leave a tenant only from its egress proxy, on TCP 443 (and DNS to 1.1.1.1)"), MAP],
  },
  {
    control: "NET-06",
    enforcedBy: [component(TENANT, "tcp(AGENT_INBOUND_PORT)")],
    provenBy: [proof("NET-06 admits into a tenant only the platform API on 8443, and Prometheus on 15020 and the egress proxy's 9902"), MAP],
  },
  {
    control: "NET-07",
    enforcedBy: [component(TENANT, "tcp(EGRESS_PROXY_PORT, PROVIDER_PROXY_PORT)")],
    provenBy: [proof("NET-07 sends an agent's traffic only to its own egress proxy and to istiod's 15012"), MAP],
  },
];
