import { z } from "zod";
import { DEFAULTS, EKS_REFUSED_ZONE_IDS, GVISOR_RELEASE, SUPPORTED_KUBERNETES_VERSIONS } from "./defaults";
import { cidr, hostname, image, uniqueList } from "./primitives";
import {
  CONNECTION_ARN_RULE,
  EKS_CLUSTER_NAME_RULE,
  EMAIL_RULE,
  GITHUB_REPOSITORY_RULE,
  ROLE_ARN_RULE,
  SHA512_RULE,
  ZONE_ID_RULE,
  isConnectionArn,
  isEksClusterName,
  isEmail,
  isGithubRepository,
  isIamPrincipalArn,
  isRfc1918,
  isSha512,
  isZoneId,
  nonRoutableReason,
  parseIpv4Cidr,
} from "./rules";
import { stackReference, tenantListSchema, vaultSchema } from "./tenantSchema";
import { dataTierSchema, dataTierSizingSchema } from "./dataTierSchema";

interface NodePoolDefaults {
  instanceTypes: readonly string[];
  minSize: number;
  desiredSize: number;
  maxSize: number;
  diskSizeGiB: number;
}

const nodePool = (defaults: NodePoolDefaults) =>
  z
    .strictObject({
      instanceTypes: z
        .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type, e.g. m7i.large" }))
        .min(1)
        .default([...defaults.instanceTypes]),
      minSize: z.int().min(1).max(100).default(defaults.minSize),
      desiredSize: z.int().min(1).max(100).default(defaults.desiredSize),
      maxSize: z.int().min(1).max(100).default(defaults.maxSize),
      diskSizeGiB: z.int().min(20).max(1000).default(defaults.diskSizeGiB),
    })
    .superRefine((pool, ctx) => {
      if (pool.minSize > pool.desiredSize || pool.desiredSize > pool.maxSize) {
        ctx.addIssue({
          code: "custom",
          path: ["desiredSize"],
          message: `must lie between minSize (${pool.minSize}) and maxSize (${pool.maxSize})`,
        });
      }
    });

const roleArn = z.string().refine(isIamPrincipalArn, { error: ROLE_ARN_RULE });

/** Where a public API endpoint may be reached from: a real, routable address, never a placeholder. */
const publicAccessCidr = cidr
  .refine((v) => v !== "0.0.0.0/0", { error: "must not open the Kubernetes API to the whole internet" })
  .superRefine((value, ctx) => {
    const parsed = parseIpv4Cidr(value);
    const reason = parsed && nonRoutableReason(parsed);
    if (reason) ctx.addIssue({ code: "custom", message: `must be a public, routable range (an operator's static egress address): ${reason}` });
  });

const clusterSchema = z
  .strictObject({
    mode: z.enum(["eks", "existing"]).default(DEFAULTS.cluster.mode),
    kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS).default(DEFAULTS.cluster.kubernetesVersion),
    foundationStack: stackReference.optional(),
    // The cluster's network, which NetworkPolicies name (the API server's ENIs and the nodes): on
    // EKS the foundation's VPC, repeated here because policies are built before its outputs
    // resolve, and checked against them; on an existing cluster the network of its nodes.
    vpcCidr: cidr
      .refine((v) => {
        const parsed = parseIpv4Cidr(v);
        return parsed !== undefined && isRfc1918(parsed) && parsed.prefix >= 16 && parsed.prefix <= 24;
      }, { error: "must be a private (RFC 1918) block between /16 and /24" })
      .default(DEFAULTS.cluster.vpcCidr),
    publicAccessCidrs: uniqueList(publicAccessCidr, "CIDR").default([...DEFAULTS.cluster.publicAccessCidrs]),
    adminRoleArns: uniqueList(roleArn, "ARN").default([...DEFAULTS.cluster.adminRoleArns]),
    deployerRoleArn: roleArn.optional(),
    previewRoleArn: roleArn.optional(),
    gvisorVersion: z
      .string()
      .regex(/^[0-9]{8}(\.[0-9]+)?$/, { error: "must be a gVisor release such as 20251110.0" })
      .default(DEFAULTS.cluster.gvisorVersion),
    gvisorSha512: z
      .strictObject({
        runsc: z.string().refine(isSha512, { error: SHA512_RULE }),
        "containerd-shim-runsc-v1": z.string().refine(isSha512, { error: SHA512_RULE }),
      })
      .optional(),
    systemNodes: nodePool(DEFAULTS.cluster.systemNodes).prefault({}),
    sandboxNodes: nodePool(DEFAULTS.cluster.sandboxNodes).prefault({}),
    kubeconfigContext: z.string().min(1).optional(),
  })
  .superRefine((cluster, ctx) => {
    if (cluster.mode === "existing" && !cluster.kubeconfigContext) {
      ctx.addIssue({ code: "custom", path: ["kubeconfigContext"], message: "is required when cluster.mode is existing" });
    }
    if (cluster.mode === "eks" && cluster.kubeconfigContext) {
      ctx.addIssue({ code: "custom", path: ["kubeconfigContext"], message: "applies only when cluster.mode is existing" });
    }
    if (cluster.gvisorVersion !== GVISOR_RELEASE.version && !cluster.gvisorSha512) {
      ctx.addIssue({
        code: "custom",
        path: ["gvisorSha512"],
        message: `is required when gvisorVersion is not ${GVISOR_RELEASE.version}: pin the SHA-512 of that release's x86_64 runsc and containerd-shim-runsc-v1 next to it`,
      });
    }
  })
  .transform((cluster) => ({ ...cluster, gvisorSha512: cluster.gvisorSha512 ?? { ...GVISOR_RELEASE.sha512 } }));

/**
 * The foundation stack (stackRole foundation): the VPC and the in-VPC deploy runner, declared
 * with AWS APIs only so a GitHub-hosted runner can apply it (docs/decisions/delivery.md).
 */
const foundationSchema = z
  .strictObject({
    clusterName: z.string().refine(isEksClusterName, { error: EKS_CLUSTER_NAME_RULE }),
    vpcCidr: cidr
      .refine((v) => {
        const parsed = parseIpv4Cidr(v);
        return parsed !== undefined && isRfc1918(parsed) && parsed.prefix >= 16 && parsed.prefix <= 20;
      }, { error: "must be a private (RFC 1918) block between /16 and /20, room for six subnets" })
      .default(DEFAULTS.foundation.vpcCidr),
    availabilityZoneIds: uniqueList(
      z
        .string()
        .refine(isZoneId, { error: ZONE_ID_RULE })
        .refine((v) => !(EKS_REFUSED_ZONE_IDS as readonly string[]).includes(v), {
          error: `is a zone where EKS refuses cluster subnets (${EKS_REFUSED_ZONE_IDS.join(", ")}; EKS user guide, subnet requirements)`,
        }),
      "zone ID",
    )
      .min(3, { error: "must list at least 3 zone IDs" })
      .max(6, { error: "must list at most 6 zone IDs" })
      .optional(),
    availabilityZoneCount: z.int().min(3).max(6).optional(),
    runner: z.strictObject({
      repository: z.string().refine(isGithubRepository, { error: GITHUB_REPOSITORY_RULE }),
      connectionArn: z.string().refine(isConnectionArn, { error: CONNECTION_ARN_RULE }),
      computeType: z
        .enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"])
        .default(DEFAULTS.foundation.runner.computeType),
      image: z.string().regex(/^aws\/codebuild\/[a-z0-9._-]+:[0-9.]+$/, { error: "must be a curated CodeBuild image, e.g. aws/codebuild/amazonlinux-x86_64-standard:5.0" }).default(DEFAULTS.foundation.runner.image),
    }),
  })
  .superRefine((f, ctx) => {
    if (f.availabilityZoneIds && f.availabilityZoneCount !== undefined && f.availabilityZoneCount !== f.availabilityZoneIds.length) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZoneCount"],
        message: `must equal the number of availabilityZoneIds (${f.availabilityZoneIds.length}), or be left out`,
      });
    }
  })
  .transform((f) => ({ ...f, availabilityZoneCount: f.availabilityZoneIds?.length ?? f.availabilityZoneCount ?? DEFAULTS.foundation.availabilityZoneCount }));

export const foundationConfigSchema = z.strictObject({
  stackRole: z.literal("foundation"),
  foundation: foundationSchema,
});

/** The validated configuration of a foundation stack. */
export type FoundationConfig = z.output<typeof foundationConfigSchema>;

const stackConfigObject = z.strictObject({
    domain: hostname,
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, { error: "must be a Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ" }),
    acmeEmail: z.string().refine(isEmail, { error: EMAIL_RULE }),
    stackRole: z.enum(["all", "platform"]).default(DEFAULTS.stackRole),
    cluster: clusterSchema.prefault({}),
    platformApi: z.strictObject({
      image,
      replicas: z.int().min(3, { error: "must be at least 3 (CLU-04: the platform API survives a node loss)" }).max(50).default(DEFAULTS.platformApi.replicas),
      port: z.int().min(1024).max(65535).default(DEFAULTS.platformApi.port),
    }),
    agentImages: z.strictObject({
      gateway: image,
      authGuard: image.default(DEFAULTS.agentImages.authGuard),
    }),
    admission: z
      .strictObject({
        latestTag: z.enum(["warn", "deny"]).default(DEFAULTS.admission.latestTag),
        allowedRegistries: uniqueList(hostname, "registry").default([...DEFAULTS.admission.allowedRegistries]),
      })
      .prefault({}),
    vault: vaultSchema,
    alertWebhookUrl: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
    // Absent unless set, so that each cluster mode can refuse the other's keys.
    dataTier: dataTierSchema.optional(),
    tenants: tenantListSchema,
});

export const stackConfigSchema = stackConfigObject.superRefine((config, ctx) => {
    if (!config.alertWebhookUrl) {
      ctx.addIssue({
        code: "custom",
        path: ["alertWebhookUrl"],
        message:
          "is required when the stack holds the platform (stackRole all or platform): without it detections and alerts reach no one; set it with `pulumi config set --secret alertWebhookUrl <https URL>`",
      });
    }
    if (config.stackRole === "platform" && config.tenants.length > 0) {
      ctx.addIssue({ code: "custom", path: ["tenants"], message: "must be empty when stackRole is platform" });
    }
    if (config.cluster.mode === "existing") {
      for (const key of ["database", "cache"] as const) {
        if (config.dataTier?.[key] === undefined) continue;
        ctx.addIssue({
          code: "custom",
          path: ["dataTier", key],
          message:
            "applies only when cluster.mode is eks: the program declares no data store on an existing cluster; name the operator's stores in dataTier.external (docs/decisions/data-tier-network.md)",
        });
      }
    }
    if (config.cluster.mode === "eks" && config.dataTier?.external !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["dataTier", "external"],
        message: "applies only when cluster.mode is existing: on EKS the program declares the data tier itself, in the foundation's private subnets",
      });
    }
    if (config.cluster.mode === "eks") {
      if (!config.cluster.foundationStack) {
        ctx.addIssue({
          code: "custom",
          path: ["cluster", "foundationStack"],
          message:
            "is required when cluster.mode is eks: <organization>/<project>/<stack> of the foundation stack that holds the VPC and the in-VPC deploy runner (docs/decisions/delivery.md)",
        });
      }
      if (!config.cluster.deployerRoleArn) {
        ctx.addIssue({
          code: "custom",
          path: ["cluster", "deployerRoleArn"],
          message:
            "is required when cluster.mode is eks: the role CI deploys with, named so that key policies and access entries do not change with whoever runs a preview",
        });
      }
    }
  });

/** The validated stack configuration, with every default applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ClusterConfig = StackConfig["cluster"];
export type DataTierConfig = z.output<typeof dataTierSizingSchema>;
export type ExternalDataTierConfig = NonNullable<NonNullable<StackConfig["dataTier"]>["external"]>;

/** The program's data tier's settings (eks mode): the configured ones, or every documented default. */
export function dataTierSettings(config: Pick<StackConfig, "dataTier">): DataTierConfig {
  return dataTierSizingSchema.parse({ database: config.dataTier?.database ?? {}, cache: config.dataTier?.cache ?? {} });
}

/** The top-level keys of the `agent-platform:` config namespace, a foundation stack's included. */
export const CONFIG_KEYS = [...Object.keys(stackConfigObject.shape), "foundation", "platformStack"] as (keyof StackConfig | "foundation" | "platformStack")[];
export type { TenantConfig, TenantsConfig } from "./tenantSchema";
