import { K8S_DIFF } from "./kubernetes";
import { isSet, keyOf, parsePath } from "./paths";
import type { ConditionalReplacement, Inputs, ReplacementRule } from "./types";

// ---------------------------------------------------------------------------------------------
// Bridged Terraform providers, Helm releases, provider resources
// ---------------------------------------------------------------------------------------------

const VAULT_SRC_TEXT = "hashicorp/terraform-provider-vault v5.8.0 (91f91c5c, 2026-03-12 'Prepare for v5.8.0 Release')";

/** The upstream revisions the tables were read from, per provider: the caveats that apply to every rule of that provider. */
export const SOURCES_READ = {
  kubernetes: K8S_DIFF,
  aws:
    "hashicorp/terraform-provider-aws (under @pulumi/aws 7.48.0, a v6.x release newer than v6.46.0, which pulumi-aws adopted on 2026-05-22): " +
    "the exact tag could not be checked out (the repository snapshot is 932 MB, over the 500 MiB fetch limit; the Go module proxy refuses " +
    "v6 tags of this module path). Files were read from the public code index's stored revisions, named per rule by commit or index id; " +
    "'2026' marks a revision with the 'Copyright IBM Corp. 2014, 2026' header (the index's 6.3x-era snapshot: version/VERSION reads 6.36.0 " +
    "at 00a35305), '2025'/'older' an earlier stored revision whose force-new set was taken as unchanged. Argument names and shapes were " +
    "checked against node_modules/@pulumi/aws 7.48.0; arguments it has that the revision read lacks are listed in the rule's note as unverified.",
  vault: `${VAULT_SRC_TEXT}; pulumi-vault v7.8.0 pins it as the upstream submodule`,
  random:
    "hashicorp/terraform-provider-random v3.9.0 (f8d869dc), the version in pulumi-random v4.21.1's provider/go.mod and still at its HEAD f64d8726 (2026-08-14); 4.21.2 is newer than the mirror",
} as const;

function tfAws(file: string, revision: string): string {
  return `hashicorp/terraform-provider-aws internal/service/${file} @ ${revision}`;
}

const REGION = "region";
const REGION_NOTE =
  "region: every regional resource in provider v6 replaces when its top-level region changes, except unset <-> the provider's region " +
  "(internal/provider/sdkv2/region.go forceNewIfRegionChanges @ 0073593e; framework/region.go resourceForceNewIfRegionChanges, index id 12894107917).";

/** An AWS regional resource's rule: its force-new paths plus the v6 `region` argument. */
function aws(paths: string[], source: string, note?: string, conditional?: ConditionalReplacement[]): ReplacementRule {
  return { paths: [...paths, REGION], source, note: note ? `${note} ${REGION_NOTE}` : REGION_NOTE, ...(conditional ? { conditional } : {}) };
}

const VAULT_SRC = VAULT_SRC_TEXT;
const VAULT_NAMESPACE =
  "namespace is force-new on every resource (internal/provider/schema_util.go GetNamespaceSchema, added by vault/provider.go UpdateSchemaResource).";

function vault(file: string, paths: string[], note?: string, conditional?: ConditionalReplacement[]): ReplacementRule {
  return {
    paths: [...paths, "namespace"],
    source: `${VAULT_SRC} vault/${file}`,
    note: note ? `${note} ${VAULT_NAMESPACE}` : VAULT_NAMESPACE,
    ...(conditional ? { conditional } : {}),
  };
}

/** The rule's "source attribute" of a VPC security group rule: which of the mutually exclusive sources is set. */
const SG_RULE_SOURCES = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"];
function sgRuleSource(inputs: Inputs | undefined): string | undefined {
  return inputs ? SG_RULE_SOURCES.find((key) => inputs[key] !== undefined && inputs[key] !== null) : undefined;
}
const SG_RULE_SOURCE_SWITCH: ConditionalReplacement = {
  path: "cidrIpv4|cidrIpv6|prefixListId|referencedSecurityGroupId",
  when: "the rule's source type changes (ModifyPlan: 'When you modify a rule, you cannot change the rule's source type')",
  test: (after, before, changed) => {
    if (before) return sgRuleSource(before) !== sgRuleSource(after);
    const touched = new Set(changed.map((p) => keyOf(parsePath(p)[0])).filter((k): k is string => k !== undefined && SG_RULE_SOURCES.includes(k)));
    return touched.size >= 2 ? true : undefined;
  },
};

function sgRule(direction: "ingress" | "egress", source: string): ReplacementRule {
  return aws(
    ["securityGroupId"],
    source,
    `aws_vpc_security_group_${direction}_rule (framework): security_group_id RequiresReplace; every other argument updates in place via ModifySecurityGroupRules, ` +
      "except a change of source type (one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId for another).",
    [SG_RULE_SOURCE_SWITCH],
  );
}


/** Pulumi type token (e.g. "aws:ec2/subnet:Subnet") → rule. */
export const PROVIDER_REPLACEMENTS: Record<string, ReplacementRule> = {
  // --- Helm (pulumi-kubernetes) ---
  "kubernetes:helm.sh/v3:Release": {
    paths: ["name", "namespace"],
    source:
      "pulumi/pulumi-kubernetes provider/pkg/provider/helm_release.go Diff (forceNewFields := []string{\".name\", \".namespace\"}; DeleteBeforeReplace: false) at HEAD 94977969d (2026-07-01)",
    note:
      "chart, version, values, repositoryOpts and the rest upgrade the release in place. Replacement is always create-before-delete " +
      "(DeleteBeforeReplace false, 'TODO: revisit'), so a renamed or moved release runs beside the old one until the old is uninstalled. " +
      "An unset name is auto-named in Check (urn name + random hex) and keeps the previous name on later runs (adoptOldNameIfUnnamed); " +
      "setting name explicitly to anything but that generated name replaces.",
  },

  // --- AWS (pulumi-aws 7.48.0 over terraform-provider-aws v6) ---
  "aws:cloudwatch/logGroup:LogGroup": aws(
    ["logGroupClass", "name", "namePrefix"],
    tfAws("logs/group.go", "0073593e (2025)"),
    "kmsKeyId and retentionInDays update in place. deletionProtectionEnabled (in @pulumi/aws 7.48.0) is newer than the revision read: treated as in place, unverified.",
  ),
  "aws:ec2/eip:Eip": aws(["address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"], tfAws("ec2/ec2_eip.go", "01606926 (2025)")),
  "aws:ec2/flowLog:FlowLog": aws(
    [
      "deliverCrossAccountRole", "destinationOptions", "eniId", "iamRoleArn", "logDestination", "logDestinationType", "logFormat",
      "maxAggregationInterval", "regionalNatGatewayId", "subnetId", "trafficType", "transitGatewayAttachmentId", "transitGatewayId", "vpcId",
    ],
    tfAws("ec2/vpc_flow_log.go", "00a35305 (2026)"),
    "Update is tags only: practically every argument replaces. tagFieldSpecifications (in @pulumi/aws 7.48.0) is newer than the revision read: unverified.",
  ),
  "aws:ec2/internetGateway:InternetGateway": aws(
    [],
    tfAws("ec2/vpc_internet_gateway.go", "08923b68 (older)"),
    "No force-new argument: a vpcId change detaches and re-attaches in place.",
  ),
  "aws:ec2/launchTemplate:LaunchTemplate": aws(
    ["name", "namePrefix"],
    tfAws("ec2/ec2_launch_template.go", "025e4f81 (older)"),
    "Every other change writes a new template version in place (and moves defaultVersion when updateDefaultVersion is true); node groups pinned to a version then roll.",
  ),
  "aws:ec2/natGateway:NatGateway": aws(
    ["allocationId", "availabilityMode", "connectivityType", "privateIp", "subnetId", "vpcId"],
    `${tfAws("ec2/vpc_nat_gateway.go", "index id 5469497972 (2026)")}; older revision 04088eaa also had secondaryPrivateIpAddressCount force-new`,
    "secondaryAllocationIds / secondaryPrivateIpAddresses update in place. For availabilityMode regional, switching between automatic and manual AZ provisioning recreates (internal regional_nat_gateway_auto_mode, CustomizeDiff).",
  ),
  "aws:ec2/routeTable:RouteTable": aws(["vpcId"], tfAws("ec2/vpc_route_table.go", "02209241 (older)"), "routes and propagatingVgws update in place."),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": aws(
    ["gatewayId", "subnetId"],
    tfAws("ec2/vpc_route_table_association.go", "0be71beb (older)"),
    "routeTableId updates in place (ReplaceRouteTableAssociation).",
  ),
  "aws:ec2/subnet:Subnet": aws(
    [
      "availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native",
      "ipv6NetmaskLength", "outpostArn", "vpcId",
    ],
    tfAws("ec2/vpc_subnet.go", "00cda125 (2026)"),
    "mapPublicIpOnLaunch, enableDns64, privateDnsHostnameTypeOnLaunch and the other attributes update in place.",
    [
      {
        path: "ipv6CidrBlock",
        when: "the old subnet had assignIpv6AddressOnCreation true (CustomizeDiff ForceNewIf)",
        test: (_after, before) => (before ? before.assignIpv6AddressOnCreation === true : undefined),
      },
    ],
  ),
  "aws:ec2/vpc:Vpc": aws(
    ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    `${tfAws("ec2/vpc_.go", "00081ce4 (2025)")}; same set in index id 2181178470`,
    "IPv6 settings, DNS attributes and instanceTenancy update in place.",
  ),
  "aws:eks/accessEntry:AccessEntry": aws(
    ["clusterName", "principalArn", "type"],
    tfAws("eks/access_entry.go", "01f43111 (2025)"),
    "kubernetesGroups and userName update in place.",
  ),
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": aws(
    ["accessScope", "clusterName", "policyArn", "principalArn"],
    tfAws("eks/access_policy_association.go", "01f43111 (2025)"),
    "No Update function: any change (a namespace added to accessScope included) replaces, which briefly removes the access.",
  ),
  "aws:eks/addon:Addon": aws(
    ["addonName", "clusterName", "namespaceConfig"],
    `${tfAws("eks/addon.go", "00a35305 (2026)")}; namespaceConfig from @pulumi/aws 7.48.0 types/input.d.ts AddonNamespaceConfig ('you must remove and re-create the add-on to change its namespace')`,
    "addonVersion, configurationValues, serviceAccountRoleArn and podIdentityAssociations update in place. namespaceConfig is newer than the revision read; classified from the SDK's documentation.",
  ),
  "aws:eks/cluster:Cluster": aws(
    [
      "accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons", "kubernetesNetworkConfig.ipFamily",
      "kubernetesNetworkConfig.serviceIpv4Cidr", "name", "outpostConfig.controlPlaneInstanceType", "outpostConfig.controlPlanePlacement.groupName",
      "roleArn",
    ],
    tfAws("eks/cluster.go", "index id 4997342113 (2026)"),
    "version, vpcConfig (subnetIds and securityGroupIds included), logging, accessConfig.authenticationMode, upgradePolicy, computeConfig, " +
      "zonalShiftConfig update in place. kubeApiServerConfig / kubeControllerManagerConfig / kubeSchedulerConfig / vpcConfig.controlPlaneEgressMode / " +
      "defaultAddonsToRemoves (in @pulumi/aws 7.48.0, the last a pulumi-aws patch) are newer than the revision read: unverified, treated as in place.",
    [
      {
        path: "encryptionConfig",
        when: "encryption is removed (CustomizeDiff ForceNewIfChange: 'You cannot disable envelope encryption after enabling it'); adding it is in place",
        test: (after, before) => (!isSet(after.encryptionConfig) ? (before ? isSet(before.encryptionConfig) : true) : false),
      },
    ],
  ),
  "aws:eks/nodeGroup:NodeGroup": aws(
    [
      "amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName",
      "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds",
    ],
    tfAws("eks/node_group.go", "012e0a32 (2025)"),
    "scalingConfig, labels, taints, updateConfig, version, releaseVersion and launchTemplate.version update in place (a rolling node update). " +
      "Replacement is create-before-delete, so an explicit nodeGroupName collides with itself: use nodeGroupNamePrefix or deleteBeforeReplace. " +
      "warmPoolConfig (in @pulumi/aws 7.48.0) is newer than the revision read: unverified, treated as in place.",
  ),
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": aws(
    ["clusterName", "namespace", "serviceAccount"],
    tfAws("eks/pod_identity_association.go", "00a35305 (2026)"),
    "roleArn, targetRoleArn and disableSessionTags update in place. policy (in @pulumi/aws 7.48.0) is newer than the revision read: unverified.",
  ),
  "aws:iam/role:Role": {
    paths: ["name", "namePrefix", "path"],
    source: tfAws("iam/role.go", "0040ea69 (older)"),
    note: "IAM is global: no region argument. assumeRolePolicy, description, maxSessionDuration, permissionsBoundary, inline/managed policies update in place.",
  },
  "aws:iam/rolePolicy:RolePolicy": {
    paths: ["name", "namePrefix", "role"],
    source: tfAws("iam/role_policy.go", "02f97af8 (2025)"),
    note: "policy updates in place (PutRolePolicy).",
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    paths: ["policyArn", "role"],
    source: tfAws("iam/role_policy_attachment.go", "04c79849 (older)"),
    note: "No Update function: both arguments replace. With create-before-delete, swapping policyArn attaches the new policy before detaching the old.",
  },
  "aws:kms/alias:Alias": aws(["name", "namePrefix"], tfAws("kms/alias.go", "01c08000 (older)"), "targetKeyId updates in place (UpdateAlias)."),
  "aws:kms/key:Key": aws(
    ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
    tfAws("kms/key.go", "00a35305 (2026)"),
    "policy, description, enableKeyRotation, rotationPeriodInDays, isEnabled update in place. A replaced key is scheduled for deletion (deletionWindowInDays): data encrypted under it becomes unreadable.",
  ),
  "aws:s3/bucket:Bucket": aws(
    ["bucket", "bucketPrefix", "objectLockEnabled", "objectLockConfiguration.objectLockEnabled"],
    tfAws("s3/bucket.go", "index id 37069568389 (2025)"),
    "The deprecated inline blocks (versioning, lifecycleRules, serverSideEncryptionConfiguration, policy, ...) update in place. bucketNamespace (in @pulumi/aws 7.48.0) is newer than the revision read: unverified.",
  ),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": aws(
    ["bucket", "expectedBucketOwner"],
    tfAws("s3/bucket_lifecycle_configuration.go", "01606926 (2025, framework: RequiresReplace)"),
    "rules and transitionDefaultMinimumObjectSize update in place.",
  ),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": aws(["bucket"], tfAws("s3/bucket_ownership_controls.go", "01c08000 (older)"), "rule updates in place."),
  "aws:s3/bucketPolicy:BucketPolicy": aws(["bucket"], tfAws("s3/bucket_policy.go", "0073593e (2025)"), "policy updates in place."),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": aws(
    ["bucket"],
    tfAws("s3/bucket_public_access_block.go", "01606926 (2025)"),
    "The four block/ignore/restrict flags update in place.",
  ),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": aws(
    ["bucket", "expectedBucketOwner"],
    tfAws("s3/bucket_server_side_encryption_configuration.go", "01606926 (2025)"),
    "rules update in place.",
  ),
  "aws:s3/bucketVersioning:BucketVersioning": aws(
    ["bucket", "expectedBucketOwner"],
    tfAws("s3/bucket_versioning.go", "01c08000 (older)"),
    "versioningConfiguration and mfa update in place (Enabled/Suspended -> Disabled is a plan error, not a replacement).",
  ),
  "aws:ec2/securityGroup:SecurityGroup": aws(
    ["description", "name", "namePrefix", "vpcId"],
    tfAws("ec2/vpc_security_group.go", "01606926 (2025)"),
    "description is force-new: editing a group's description replaces the group, and every ENI/instance/rule that references it must move. ingress/egress update in place.",
  ),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": sgRule(
    "ingress",
    `${tfAws("ec2/vpc_security_group_ingress_rule.go", "00a32209 (older)")}; shared securityGroupRuleResource.ModifyPlan, index id 1359123306`,
  ),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": sgRule(
    "egress",
    `${tfAws("ec2/vpc_security_group_egress_rule.go", "index id 1553725798 (embeds securityGroupRuleResource)")}; shared ModifyPlan, index id 1359123306`,
  ),
  "aws:rds/instance:Instance": aws(
    [
      "availabilityZone", "backupTarget", "characterSetName", "customIamInstanceProfile", "dbName", "engine", "kmsKeyId",
      "ncharCharacterSetName", "restoreToPointInTime", "s3Import", "snapshotIdentifier", "storageEncrypted", "timezone", "username",
    ],
    tfAws("rds/instance.go", "index id 1659451291 (2025)"),
    "identifier updates in place (a rename; older revisions 00e4b238 had it force-new). instanceClass, engineVersion, allocatedStorage, " +
      "multiAz, parameterGroupName, dbSubnetGroupName update in place (some only at the maintenance window unless applyImmediately). " +
      "storageEncrypted and kmsKeyId replace: encrypting an existing database means a new instance. Arguments newer than the revision read " +
      "(databaseInsightsMode, dedicatedLogVolume, engineLifecycleSupport, upgradeStorageConfig, ...) are unverified.",
  ),
  "aws:rds/parameterGroup:ParameterGroup": aws(
    ["description", "family", "name", "namePrefix"],
    tfAws("rds/parameter_group.go", "01606926 (2025)"),
    "parameters update in place. family replaces: an engine major-version upgrade needs a new group.",
  ),
  "aws:rds/subnetGroup:SubnetGroup": aws(["name", "namePrefix"], tfAws("rds/subnet_group.go", "01c08000 (older)"), "subnetIds and description update in place."),
  "aws:elasticache/replicationGroup:ReplicationGroup": aws(
    [
      "atRestEncryptionEnabled", "dataTieringEnabled", "globalReplicationGroupId", "kmsKeyId", "networkType", "port", "replicationGroupId",
      "securityGroupNames", "snapshotArns", "snapshotName", "subnetGroupName",
    ],
    tfAws("elasticache/replication_group.go", "001b6364 (2026)"),
    "nodeType, numCacheClusters, engineVersion upgrades, parameterGroupName, transitEncryption*, userGroupIds update in place. subnetGroupName replaces.",
    [
      { path: "engineVersion", when: "a downgrade (CustomizeDiff customizeDiffEngineVersionForceNewOnDowngrade)" },
      { path: "engine", when: "a downgrade (CustomizeDiff customizeDiffEngineForceNewOnDowngrade)" },
      { path: "nodeGroupConfigurations", when: "added, removed, or changed significantly (CustomizeDiff ForceNewIf hasSignificantNodeGroupConfigChanges)" },
    ],
  ),
  "aws:elasticache/subnetGroup:SubnetGroup": aws(["name"], tfAws("elasticache/subnet_group.go", "01c08000 (older)"), "subnetIds and description update in place."),
  "aws:elasticache/user:User": aws(
    ["userId", "userName"],
    tfAws("elasticache/user.go", "01f43111 (2025)"),
    "accessString, passwords, authenticationMode and engine update in place (ModifyUser).",
  ),
  "aws:elasticache/userGroup:UserGroup": aws(
    ["engine", "userGroupId"],
    tfAws("elasticache/user_group.go", "index id 2152543181 (2025); older revision 06739b22 lacked ForceNew on user_group_id"),
    "userIds update in place.",
  ),
  "aws:codebuild/project:Project": aws(
    ["name"],
    tfAws("codebuild/project.go", "index id 1455574493 (2025)"),
    "Everything else (source, environment, vpcConfig, serviceRole, ...) updates in place.",
  ),
  "aws:ec2/vpcEndpoint:VpcEndpoint": aws(
    [
      "dnsOptions.privateDnsPreference", "dnsOptions.privateDnsSpecifiedDomains", "resourceConfigurationArn", "serviceName", "serviceNetworkArn",
      "serviceRegion", "vpcEndpointType", "vpcId",
    ],
    tfAws("ec2/vpc_endpoint.go", "008db85a (2026)"),
    "policy, routeTableIds, subnetIds, securityGroupIds update in place.",
    [
      {
        path: "privateDnsEnabled",
        when: "the endpoint type is not Interface (CustomizeDiff ForceNew('private_dns_enabled'))",
        test: (after) => (after.vpcEndpointType ?? "Gateway") !== "Interface",
      },
    ],
  ),

  // --- Vault (pulumi-vault 7.8.0 over terraform-provider-vault v5.8.0) ---
  "vault:index/audit:Audit": vault("resource_audit.go", ["description", "local", "options", "path", "type"], "No Update function: any change replaces (disables and re-enables the audit device)."),
  "vault:index/mount:Mount": vault(
    "resource_mount.go",
    ["externalEntropyAccess", "local", "sealWrap", "type"],
    "path is not force-new: a path change remounts in place (sys/remount). Tuning (TTLs, options, headers, description) updates in place. " +
      "A replaced mount loses every secret stored in it.",
  ),
  "vault:index/authBackend:AuthBackend": vault(
    "resource_auth_backend.go",
    ["local", "type"],
    "tune and description update in place. A replaced auth mount drops its roles and the entity aliases bound to its accessor.",
    [
      {
        path: "path",
        when: "disableRemount is true or the server is older than Vault 1.10 (getMountCustomizeDiffFunc, resource_aws_secret_backend.go); otherwise a remount in place",
        test: (after) => after.disableRemount === true,
      },
    ],
  ),
  "vault:index/policy:Policy": vault("resource_policy.go", ["name"], "policy (the HCL body) updates in place."),
  "vault:transit/secretBackendKey:SecretBackendKey": vault(
    "resource_transit_secret_backend_key.go",
    ["backend", "context", "convergentEncryption", "derived", "managedKeyId", "managedKeyName", "name", "type"],
    "A replaced transit key is a new key: ciphertext under the old one cannot be decrypted. exportable and allowPlaintextBackup true -> false " +
      "are rejected at plan (ValidateChange) before the ForceNewIfChange could apply. autoRotatePeriod, deletionAllowed, min*Version update in place.",
  ),
  "vault:kubernetes/authBackendConfig:AuthBackendConfig": vault(
    "resource_kubernetes_auth_backend_config.go",
    ["backend"],
    "kubernetesHost, kubernetesCaCert, tokenReviewerJwt, issuer update in place.",
  ),
  "vault:kubernetes/authBackendRole:AuthBackendRole": vault(
    "resource_kubernetes_auth_backend_role.go",
    ["backend", "roleName"],
    "bound service accounts/namespaces, audience and token settings update in place.",
  ),
  "vault:identity/entity:Entity": vault("resource_identity_entity.go", [], "name, policies, metadata, disabled update in place."),
  "vault:identity/entityAlias:EntityAlias": vault("resource_identity_entity_alias.go", [], "name, mountAccessor, canonicalId, customMetadata update in place."),

  // --- random (pulumi-random 4.21.x over terraform-provider-random v3.9.0) ---
  "random:index/randomPassword:RandomPassword": {
    paths: [
      "keepers", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper", "number", "numeric", "overrideSpecial", "special", "upper",
    ],
    source:
      "hashicorp/terraform-provider-random internal/provider/resource_password.go @ f8d869dc (v3.9.0, 'prep for release v3.9.0'; the " +
      "terraform-provider-random version in pulumi-random v4.21.1 provider/go.mod and at the mirror's HEAD f64d8726; 4.21.2 is newer than the mirror) — schema Version 3",
    note:
      "Every argument has a RequiresReplace plan modifier: any change generates a new password. keepers uses RequiresReplaceIfValuesNotNull; " +
      "overrideSpecial going from \"\" to unset does not replace (RequiresReplaceUnlessEmptyStringToNull).",
  },

  // --- Provider resources ---
  "pulumi:providers:*": {
    paths: [],
    source:
      "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go DiffConfig (for the kubernetes exception); the bridged providers' DiffConfig was not read",
    note:
      "A provider resource's configuration change does not replace the resources it manages by itself: they are replaced only when the " +
      "provider resource itself is replaced. See pulumi:providers:kubernetes for the provider that does replace itself.",
  },
  "pulumi:providers:kubernetes": {
    paths: ["clusterIdentifier", "renderYamlToDirectory"],
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go DiffConfig at HEAD 94977969d",
    note:
      "A replaced kubernetes provider replaces every object it manages. clusterIdentifier replaces only when changed from one value to " +
      "another (adding or removing it does not), and while it is set and unchanged nothing else replaces the provider. kubeconfig, context " +
      "and cluster replace when the kubeconfig's active cluster changes (server, CA, ...) or when kubeconfig is unknown at preview " +
      "(e.g. built from an EKS cluster being updated) — decided on the kubeconfig's content, so not by path here.",
  },
};
