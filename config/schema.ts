import { z } from "zod";
import {
  DEFAULTS,
  EKS_REFUSED_ZONE_IDS,
  GVISOR_RELEASE,
  MODEL_PROVIDER_HOSTS,
  ModelProvider,
  SUPPORTED_KUBERNETES_VERSIONS,
  TENANT_ID_MAX_LENGTH,
  TENANT_PLANS,
  TenantPlanName,
} from "./defaults";
import {
  CIDR_RULE,
  CONNECTION_ARN_RULE,
  DNS1123_LABEL_RULE,
  EKS_CLUSTER_NAME_RULE,
  EMAIL_RULE,
  GITHUB_REPOSITORY_RULE,
  HOSTNAME_RULE,
  IMAGE_RULE,
  QUANTITY_RULE,
  ROLE_ARN_RULE,
  SHA512_RULE,
  STACK_REFERENCE_RULE,
  ZONE_ID_RULE,
  isConnectionArn,
  isDns1123Label,
  isEksClusterName,
  isEmail,
  isGithubRepository,
  isHostname,
  isIamPrincipalArn,
  isPinnedImage,
  isRfc1918,
  isSha512,
  isStackReference,
  isZoneId,
  nonRoutableReason,
  parseIpv4Cidr,
  parseQuantity,
} from "./rules";
import { DATA_TIER_DEFAULTS } from "../components/data/defaults";

/** RDS and ElastiCache windows, UTC: `hh:mm-hh:mm` daily, `ddd:hh:mm-ddd:hh:mm` weekly. */
const DAILY_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const dailyWindow = z.string().regex(DAILY_WINDOW, { error: "must be a UTC window hh:mm-hh:mm, e.g. 03:00-04:00" });
const weeklyWindow = z.string().regex(WEEKLY_WINDOW, { error: "must be a UTC window ddd:hh:mm-ddd:hh:mm, e.g. sun:04:30-sun:05:30" });

/** The platform API's data tier (components/data): sizes, retention and windows; the rest is fixed. */
const dataTierSchema = z
  .strictObject({
    database: z
      .strictObject({
        instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "must be an RDS instance class, e.g. db.m7g.large" }).default(DATA_TIER_DEFAULTS.database.instanceClass),
        allocatedStorageGiB: z.int().min(20).max(65536).default(DATA_TIER_DEFAULTS.database.allocatedStorageGiB),
        maxAllocatedStorageGiB: z.int().min(20).max(65536).default(DATA_TIER_DEFAULTS.database.maxAllocatedStorageGiB),
        backupRetentionDays: z
          .int()
          .min(7, { error: "must be at least 7 (DATA-01: a week of point-in-time recovery)" })
          .max(35, { error: "must be at most 35, RDS's longest automated backup retention" })
          .default(DATA_TIER_DEFAULTS.database.backupRetentionDays),
        backupWindow: dailyWindow.default(DATA_TIER_DEFAULTS.database.backupWindow),
        maintenanceWindow: weeklyWindow.default(DATA_TIER_DEFAULTS.database.maintenanceWindow),
      })
      .superRefine((db, ctx) => {
        if (db.maxAllocatedStorageGiB < db.allocatedStorageGiB) {
          ctx.addIssue({ code: "custom", path: ["maxAllocatedStorageGiB"], message: `must be at least allocatedStorageGiB (${db.allocatedStorageGiB})` });
        }
      })
      .prefault({}),
    cache: z
      .strictObject({
        nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "must be an ElastiCache node type, e.g. cache.m7g.large" }).default(DATA_TIER_DEFAULTS.cache.nodeType),
        numCacheClusters: z
          .int()
          .min(2, { error: "must be at least 2 (DATA-03: a replica in another zone to fail over to)" })
          .max(6)
          .default(DATA_TIER_DEFAULTS.cache.numCacheClusters),
        snapshotRetentionDays: z.int().min(1).max(35).default(DATA_TIER_DEFAULTS.cache.snapshotRetentionDays),
        snapshotWindow: dailyWindow.default(DATA_TIER_DEFAULTS.cache.snapshotWindow),
        maintenanceWindow: weeklyWindow.default(DATA_TIER_DEFAULTS.cache.maintenanceWindow),
      })
      .prefault({}),
  });

const hostname = z.string().refine(isHostname, { error: HOSTNAME_RULE });
const image = z.string().refine(isPinnedImage, { error: IMAGE_RULE });
const cidr = z.string().refine((v) => parseIpv4Cidr(v) !== undefined, { error: CIDR_RULE });

function quantityBetween(min: string, max: string) {
  const low = parseQuantity(min)!;
  const high = parseQuantity(max)!;
  return z.string().superRefine((value, ctx) => {
    const parsed = parseQuantity(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: "custom", message: QUANTITY_RULE });
    } else if (parsed < low || parsed > high) {
      ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max}` });
    }
  });
}

function uniqueList<T extends z.ZodType<string>>(item: T, what: string) {
  return z.array(item).superRefine((values, ctx) => {
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) {
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate ${what}` });
      }
    });
  });
}

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
    foundationStack: z.string().refine(isStackReference, { error: STACK_REFERENCE_RULE }).optional(),
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

const tenantSchema = z
  .strictObject({
    id: z
      .string()
      .max(TENANT_ID_MAX_LENGTH, { error: `must be at most ${TENANT_ID_MAX_LENGTH} characters` })
      .refine(isDns1123Label, { error: DNS1123_LABEL_RULE }),
    displayName: z.string().min(1).max(100).optional(),
    plan: z.enum(Object.keys(TENANT_PLANS) as [TenantPlanName, ...TenantPlanName[]]).default(DEFAULTS.tenant.plan),
    modelProvider: z.enum(Object.keys(MODEL_PROVIDER_HOSTS) as [ModelProvider, ...ModelProvider[]]),
    allowedApiHosts: uniqueList(hostname, "host").max(10).optional(),
    storage: quantityBetween("1Gi", "1Ti").optional(),
    images: z.strictObject({ gateway: image.optional(), authGuard: image.optional() }).optional(),
  })
  .superRefine((tenant, ctx) => {
    if (MODEL_PROVIDER_HOSTS[tenant.modelProvider].length === 0 && !tenant.allowedApiHosts?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["allowedApiHosts"],
        message: `is required for modelProvider ${tenant.modelProvider}, which has no well-known API host`,
      });
    }
  })
  .transform((tenant) => ({
    ...tenant,
    allowedApiHosts: tenant.allowedApiHosts ?? [...MODEL_PROVIDER_HOSTS[tenant.modelProvider]],
    storage: tenant.storage ?? TENANT_PLANS[tenant.plan].storage,
  }));

const stackConfigObject = z.strictObject({
    domain: hostname,
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, { error: "must be a Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ" }),
    acmeEmail: z.string().refine(isEmail, { error: EMAIL_RULE }),
    stackRole: z.enum(["all", "platform", "tenants"]).default(DEFAULTS.stackRole),
    platformStack: z.string().refine(isStackReference, { error: STACK_REFERENCE_RULE }).optional(),
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
    vault: z
      .strictObject({
        configure: z.boolean().default(DEFAULTS.vault.configure),
        address: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
        caCertFile: z.string().min(1).optional(),
        tlsServerName: hostname.optional(),
        jwtRole: z.string().min(1).optional(),
      })
      .superRefine((v, ctx) => {
        if (v.configure && !v.address) {
          ctx.addIssue({ code: "custom", path: ["address"], message: "is required when vault.configure is true" });
        }
      })
      .prefault({}),
    alertWebhookUrl: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
    // Absent unless set, so that an existing cluster, which gets no data tier, can refuse it.
    dataTier: dataTierSchema.optional(),
    tenants: z
      .array(tenantSchema)
      .max(5000)
      .default([])
      .superRefine((tenants, ctx) => {
        const seen = new Map<string, number>();
        tenants.forEach((tenant, index) => {
          const first = seen.get(tenant.id);
          if (first !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [index, "id"],
              message: `duplicates the id of tenants[${first}]; tenant ids must be unique`,
            });
          } else {
            seen.set(tenant.id, index);
          }
        });
      }),
});

export const stackConfigSchema = stackConfigObject.superRefine((config, ctx) => {
    if (config.stackRole === "tenants" && !config.platformStack) {
      ctx.addIssue({ code: "custom", path: ["platformStack"], message: "is required when stackRole is tenants" });
    }
    if (config.stackRole !== "tenants" && !config.alertWebhookUrl) {
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
    if (config.cluster.mode === "existing" && config.dataTier !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["dataTier"],
        message:
          "applies only when cluster.mode is eks: the data tier lives in the foundation's private subnets, and an existing cluster's data stores are the operator's (docs/decisions/data-tier-network.md)",
      });
    }
    if (config.stackRole !== "tenants" && config.cluster.mode === "eks") {
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
export type TenantConfig = StackConfig["tenants"][number];
export type ClusterConfig = StackConfig["cluster"];
export type DataTierConfig = z.output<typeof dataTierSchema>;

/** The data tier's settings: the configured ones, or every documented default. */
export function dataTierSettings(config: Pick<StackConfig, "dataTier">): DataTierConfig {
  return config.dataTier ?? dataTierSchema.parse({});
}

/** The top-level keys of the `agent-platform:` config namespace, a foundation stack's included. */
export const CONFIG_KEYS = [...Object.keys(stackConfigObject.shape), "foundation"] as (keyof StackConfig | "foundation")[];
