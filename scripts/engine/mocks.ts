import type * as pulumi from "@pulumi/pulumi";

/** The fake AWS account every offline plan runs in. */
export const MOCK_ACCOUNT_ID = "123456789012";

export interface InvokeRecord {
  token: string;
  inputs: Record<string, unknown>;
}

/** What a run may change in the mock cloud: the region's zones, the foundation stack's outputs. */
export interface MockOverrides {
  /** DescribeAvailabilityZones for this account, as parallel name and zone-ID lists. */
  availabilityZones?: { names: string[]; zoneIds: string[] };
  /** Outputs of the foundation stack a platform stack references, over the defaults. */
  foundationOutputs?: Record<string, unknown>;
  /** Outputs of the platform stack a tenants stack references, over platformReferenceOutputs(). */
  platformOutputs?: Record<string, unknown>;
}

interface MockContext {
  region: string;
  stack: string;
  overrides: MockOverrides;
  preview: boolean;
}

/** The SDK's wire sentinel for a value the engine does not know yet (runtime/rpc.ts `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Names the providers pick when the program gives none: the AWS bridge and the Kubernetes provider
 * autoname in Check, before a preview, so a first preview knows them.
 */
const NAMED_AT_CHECK = new Set(["name", "bucket"]);

/**
 * What a first preview knows of a resource's outputs: what its inputs said. A computed value the
 * inputs did not give (an ARN, a ClusterIP, a generated password) is unknown until the resource
 * exists; inside an object only the computed leaves are, as the providers' plans report them.
 */
export function knownAtPreview(computed: unknown, input: unknown): unknown {
  if (isPlainObject(computed) && isPlainObject(input)) {
    return Object.fromEntries(Object.entries(computed).map(([key, value]) => [key, knownAtPreview(value, input[key])]));
  }
  return JSON.stringify(computed) === JSON.stringify(input) ? computed : UNKNOWN;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type InvokeHandler = (inputs: Record<string, any>, context: MockContext) => Record<string, unknown>;

/**
 * Real zone-ID prefixes and zone counts of the regions tests plan in. This mock account maps names
 * to IDs in order (us-east-1c is use1-az3, where EKS refuses cluster subnets); real accounts
 * shuffle the mapping, which tests exercise through `availabilityZones`.
 */
const REGION_ZONES: Record<string, { prefix: string; count: number }> = {
  "us-east-1": { prefix: "use1", count: 6 },
  "us-west-2": { prefix: "usw2", count: 4 },
  "eu-west-1": { prefix: "euw1", count: 3 },
};

function availabilityZones(region: string, overrides: MockOverrides): { names: string[]; zoneIds: string[] } {
  if (overrides.availabilityZones) return overrides.availabilityZones;
  const known = REGION_ZONES[region];
  if (!known) throw new Error(`The mock engine knows no Availability Zones of ${region}: add it to REGION_ZONES in scripts/engine/mocks.ts.`);
  const suffixes = "abcdef".slice(0, known.count).split("");
  return { names: suffixes.map((s) => `${region}${s}`), zoneIds: suffixes.map((_, i) => `${known.prefix}-az${i + 1}`) };
}

/**
 * What the prod platform stack (Pulumi.prod.yaml) exports for its tenants stacks, as a
 * StackReference reads it: test/program.test.ts keeps it equal to the prod plan's outputs.
 */
export function platformReferenceOutputs(): Record<string, unknown> {
  return {
    kubeconfig: "mock-platform-kubeconfig",
    apiHost: "api.agents.example.com",
    runtimeClass: "gvisor",
    storageClass: "gp3-encrypted",
    agentImages: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15", authGuard: "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0" },
    vaultKubernetesAuthPath: "kubernetes",
    vaultKubernetesAuthAccessor: "auth_kubernetes_platform",
  };
}

/**
 * What the foundation stack of this run's platform stack exports (composition/foundation.ts) when
 * planned under this mock engine, as a StackReference reads it: its resources are named
 * `foundation-*`, its cluster is the platform stack's (`agent-platform-<stack>`).
 * components/cluster/foundation.test.ts keeps the two in step.
 */
export function foundationReferenceOutputs(stack: string, zoneCount = 3): Record<string, unknown> {
  const clusterName = `agent-platform-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 100);
  const indexes = Array.from({ length: zoneCount }, (_, i) => i);
  return {
    clusterName,
    vpcId: "foundation-vpc-id",
    // Pulumi.prod-foundation.yaml's; a run overrides it with the VPC its platform configuration names.
    vpcCidr: "10.40.0.0/16",
    zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
    privateSubnetIds: indexes.map((i) => `foundation-private-${i}-id`),
    publicSubnetIds: indexes.map((i) => `foundation-public-${i}-id`),
    controlPlaneAccessSecurityGroupId: "foundation-control-plane-access-id",
    runnerProject: `${clusterName}-deploy`,
    runnerLabel: `codebuild-${clusterName}-deploy-\${{ github.run_id }}-\${{ github.run_attempt }}`,
  };
}

/**
 * Every data source the program may call, answered deterministically. An invoke missing here
 * fails the run: silently answering `{}` would let a program depend on data no test has seen.
 */
const INVOKES: Record<string, InvokeHandler> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/pulumi-deployer`,
    userId: "AROAMOCKDEPLOYER",
    id: MOCK_ACCOUNT_ID,
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
    id: "aws",
  }),
  "aws:index/getRegion:getRegion": (_inputs, { region }) => ({
    region,
    name: region,
    endpoint: `ec2.${region}.amazonaws.com`,
    description: region,
    id: region,
  }),
  "aws:iam/getSessionContext:getSessionContext": (inputs) => {
    // An assumed-role session ARN names its role; a role or user ARN is its own issuer.
    const arn = String(inputs.arn);
    const session = /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
    const issuerArn = session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : arn;
    return { arn, issuerArn, issuerId: "AROAMOCKDEPLOYER", issuerName: issuerArn.split("/").pop(), sessionName: session?.[3] ?? "", id: arn };
  },
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, { region, overrides }) => {
    const zones = availabilityZones(region, overrides);
    return { ...zones, groupNames: [region], id: region };
  },
};

/**
 * The ClusterIP the mock cluster gives a Service: a stable address per `namespace/name` (or, for a
 * Service read with `get`, its resource name), inside EKS's default service range.
 */
export function mockClusterIp(key: string): string {
  const hash = [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return `172.20.${(hash >>> 8) & 255}.${(hash & 253) + 1}`;
}

/** Outputs the cloud would compute, for the types whose outputs the program reads. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>, context: MockContext, id?: string): Record<string, unknown> {
  const { region } = context;
  const [pkg, module] = type.split(":");
  if (type === "pulumi:pulumi:StackReference") {
    // What a platform stack exports (as a tenants shard reads it) and what a foundation stack
    // exports (as a platform stack reads it); a reference reads only the names it needs.
    return {
      name: inputs.name,
      outputs: {
        ...platformReferenceOutputs(),
        ...context.overrides.platformOutputs,
        ...foundationReferenceOutputs(context.stack),
        ...context.overrides.foundationOutputs,
      },
      secretOutputNames: ["kubeconfig"],
    };
  }
  if (type === "random:index/randomPassword:RandomPassword") {
    return { result: `mock-password-${name}`.padEnd(inputs.length ?? 16, "x").slice(0, inputs.length ?? 16) };
  }
  if (type === "kubernetes:core/v1:Service") {
    // A Service read with `get` has no inputs; its name stands in.
    const key = inputs.metadata ? `${inputs.metadata.namespace}/${inputs.metadata.name}` : name;
    return { spec: { ...inputs.spec, clusterIP: mockClusterIp(key) } };
  }
  if (type === "kubernetes:core/v1:PersistentVolumeClaim") {
    // A declared claim is recorded Pending: WaitForFirstConsumer binds it when its pod is scheduled,
    // and pulumi-kubernetes counts a Pending claim ready (pulumi/pulumi-kubernetes#3130). A claim
    // read later with `get` (id `<namespace>/<name>`) is bound to its volume (`pvc-<uid>` for real).
    if (inputs.metadata) return {};
    return { spec: { volumeName: `pvc-mock-${id?.replace("/", "-")}` } };
  }
  if (type === "vault:index/authBackend:AuthBackend") {
    return { accessor: `auth_${inputs.type}_${name}`, path: inputs.path ?? inputs.type };
  }
  if (pkg !== "aws") return {};
  const service = module.split("/")[0];
  const physicalName = inputs.name ?? `${name}-mock`;
  const outputs: Record<string, unknown> = {
    arn: inputs.arn ?? `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${module.split("/")[1]}/${physicalName}`,
    name: physicalName,
  };
  switch (type) {
    case "aws:kms/key:Key":
      outputs.keyId = `${name}-key-id`;
      outputs.arn = `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${name}-key-id`;
      break;
    case "aws:iam/role:Role":
      outputs.arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physicalName}`;
      break;
    case "aws:eks/cluster:Cluster":
      outputs.endpoint = `https://${physicalName}.gr7.${region}.eks.amazonaws.com`;
      outputs.certificateAuthority = { data: Buffer.from("mock-cluster-ca").toString("base64") };
      outputs.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/MOCKOIDC` }] }];
      outputs.vpcConfig = { ...inputs.vpcConfig, clusterSecurityGroupId: "sg-0eksclustermock" };
      break;
    case "aws:rds/instance:Instance":
      outputs.address = `${inputs.identifier ?? physicalName}.cmockdb.${region}.rds.amazonaws.com`;
      outputs.port = inputs.port ?? 5432;
      outputs.resourceId = "db-MOCKRESOURCEID";
      outputs.arn = `arn:aws:rds:${region}:${MOCK_ACCOUNT_ID}:db:${inputs.identifier ?? physicalName}`;
      break;
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      outputs.primaryEndpointAddress = `master.${inputs.replicationGroupId}.mock.use1.cache.amazonaws.com`;
      outputs.port = inputs.port ?? 6379;
      outputs.arn = `arn:aws:elasticache:${region}:${MOCK_ACCOUNT_ID}:replicationgroup:${inputs.replicationGroupId}`;
      break;
    case "aws:elasticache/user:User":
      outputs.arn = `arn:aws:elasticache:${region}:${MOCK_ACCOUNT_ID}:user:${inputs.userId}`;
      break;
    case "aws:s3/bucketV2:BucketV2":
    case "aws:s3/bucket:Bucket":
      outputs.arn = `arn:aws:s3:::${inputs.bucket ?? physicalName}`;
      outputs.bucket = inputs.bucket ?? physicalName;
      break;
    case "aws:ec2/launchTemplate:LaunchTemplate":
      outputs.latestVersion = 1;
      break;
  }
  return outputs;
}

export class PlatformMocks implements pulumi.runtime.Mocks {
  readonly invokes: InvokeRecord[] = [];
  /**
   * Invokes nobody answers. They are reported after the run rather than thrown from `call`: the
   * SDK turns a thrown mock error into a rejection with an empty message that nothing awaits.
   */
  readonly unanswered: Error[] = [];

  private readonly context: MockContext;

  /** `preview`: answer as a first `pulumi preview` would, before anything exists. @default false */
  constructor(region: string, stack = "prod", overrides: MockOverrides = {}, preview = false) {
    this.context = { region, stack, overrides, preview };
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
    const computed = computedOutputs(args.type, args.name, args.inputs, this.context, args.id);
    // A StackReference reads a stack that exists; it is read in a preview too.
    if (!this.context.preview || args.type === "pulumi:pulumi:StackReference") {
      return { id: args.custom === false ? undefined : `${args.name}-id`, state: { ...args.inputs, ...computed } };
    }
    const unknownUntilCreated = Object.fromEntries(
      Object.entries(computed).map(([key, value]) => [key, NAMED_AT_CHECK.has(key) ? value : knownAtPreview(value, args.inputs[key])]),
    );
    // An empty ID is the SDK's unknown ID.
    return { id: undefined, state: { ...args.inputs, ...unknownUntilCreated } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const handler = INVOKES[args.token];
    this.invokes.push({ token: args.token, inputs: args.inputs });
    if (!handler) {
      this.unanswered.push(
        new Error(
          `The program called ${args.token}, which the mock engine does not answer. ` +
            `Add a deterministic answer for it to scripts/engine/mocks.ts.`,
        ),
      );
      return {};
    }
    try {
      return handler(args.inputs, this.context);
    } catch (error) {
      this.unanswered.push(error as Error);
      return {};
    }
  }
}
