import { NLB_ANNOTATIONS, buildCertManagerValues, buildCniValues, buildGatewayValues, buildIstiodValues } from "./values";
import { mergeValues } from "../shared/values";

const spread = (matchLabels: Record<string, string>) => [
  { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } },
  { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } },
];

describe("Helm values", () => {
  it("CLU-05 runs at least three ingress gateway pods spread across zones behind an NLB, with a disruption budget", () => {
    expect(buildGatewayValues()).toEqual({
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 9, targetCPUUtilizationPercentage: 70 },
      podDisruptionBudget: { maxUnavailable: 1 },
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
      serviceAccount: { create: true, name: "istio-ingressgateway" },
      service: {
        type: "LoadBalancer",
        annotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
          "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
        },
        ports: [
          { name: "http2", port: 80, targetPort: 80, protocol: "TCP" },
          { name: "https", port: 443, targetPort: 443, protocol: "TCP" },
        ],
      },
      securityContext: {
        seccompProfile: { type: "RuntimeDefault" },
        sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
      },
      topologySpreadConstraints: spread({ istio: "ingressgateway" }),
    });
  });

  it("ISO-06 runs two istiod replicas with istio-cni and a seccomp profile, from the pinned hub, so no injected pod needs NET_ADMIN", () => {
    expect(buildIstiodValues()).toEqual({
      pilot: {
        autoscaleMin: 2,
        autoscaleMax: 5,
        resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
        topologySpreadConstraints: spread({ app: "istiod" }),
        cni: { enabled: true },
        seccompProfile: { type: "RuntimeDefault" },
      },
      global: {
        hub: "docker.io/istio",
        proxy: {
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
          seccompProfile: { type: "RuntimeDefault" },
        },
        logAsJson: true,
      },
      meshConfig: { accessLogFile: "/dev/stdout", accessLogEncoding: "JSON" },
    });
  });

  it("ADM-03 keeps the privileged CNI agent off the gVisor sandbox nodes, with limits, from the pinned hub", () => {
    expect(buildCniValues()).toEqual({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "agent-platform.io/sandbox", operator: "NotIn", values: ["gvisor"] }] }],
          },
        },
      },
      seccompProfile: { type: "RuntimeDefault" },
      global: { hub: "docker.io/istio" },
      resources: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    });
  });

  it("ADM-01 ADM-03 installs cert-manager with its CRDs, two replicas of each part, disruption budgets, limits and part-of labels", () => {
    const pair = { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } };
    const limits = (cpu: string, memory: string, reqCpu: string, reqMemory: string) => ({ requests: { cpu: reqCpu, memory: reqMemory }, limits: { cpu, memory } });
    expect(buildCertManagerValues({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/cm" })).toEqual({
      crds: { enabled: true, keep: true },
      global: { commonLabels: { "app.kubernetes.io/part-of": "agent-platform" } },
      dns01RecursiveNameserversOnly: true,
      ...pair,
      resources: limits("500m", "512Mi", "50m", "128Mi"),
      webhook: { ...pair, resources: limits("200m", "128Mi", "20m", "64Mi") },
      cainjector: { ...pair, resources: limits("200m", "512Mi", "20m", "128Mi") },
      startupapicheck: { resources: limits("100m", "64Mi", "10m", "32Mi") },
      serviceAccount: { create: true, annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/cm" } },
    });
  });

  it("keeps cert-manager's DNS-01 self-check on CoreDNS, so its NetworkPolicy needs no port 53 to the internet", () => {
    expect(buildCertManagerValues().dns01RecursiveNameserversOnly).toBe(true);
    // The chart's key for a list of resolvers stays unset: the pod's resolv.conf (CoreDNS) is used.
    expect(buildCertManagerValues()).not.toHaveProperty("dns01RecursiveNameservers");
  });

  it("merges overrides last: objects key by key, arrays and scalars replaced", () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: "x" }, { a: { c: [3] }, d: "y", e: true })).toEqual({
      a: { b: 1, c: [3] },
      d: "y",
      e: true,
    });
    const values = buildGatewayValues({ autoscaling: { minReplicas: 4 }, service: { annotations: { extra: "1" } } });
    expect(values.autoscaling).toEqual({ enabled: true, minReplicas: 4, maxReplicas: 9, targetCPUUtilizationPercentage: 70 });
    expect(values.service.annotations).toEqual({ ...NLB_ANNOTATIONS, extra: "1" });
    // The defaults the override replaced are untouched for the next caller.
    expect(buildGatewayValues().autoscaling.minReplicas).toBe(3);
  });
});
