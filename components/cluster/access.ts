import { createHash } from "crypto";

/** EKS access policies this program grants (cluster scope). */
export type AccessPolicy = "AmazonEKSClusterAdminPolicy" | "AmazonEKSViewPolicy";

export interface AccessGrant {
  /** Stable name of the entry, derived from the principal, never from a list position. */
  key: string;
  principalArn: string;
  policy: AccessPolicy;
}

export interface AccessRequest {
  /** Operators: cluster admin. */
  adminRoleArns: string[];
  /** The role CI deploys with: cluster admin (it installs every chart and object). */
  deployerRoleArn: string;
  /** The role pull-request and pre-approval previews run as: read-only. @default undefined */
  previewRoleArn?: string;
}

/**
 * `<role name>-<6 hex of the ARN's SHA-256>`: readable in a plan, and distinct for two roles of the
 * same name in different paths or accounts. `principalArn` forces replacement, so an entry keyed
 * by position would be re-pointed at another principal when the list changes, and creating it
 * would fail while that principal still holds its old entry.
 */
export function accessEntryKey(principalArn: string): string {
  const name = principalArn.slice(principalArn.lastIndexOf("/") + 1).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  const digest = createHash("sha256").update(principalArn).digest("hex").slice(0, 6);
  return `${name.slice(0, 40)}-${digest}`;
}

/**
 * One grant per principal. EKS refuses a second access entry for a principal ("An IAM principal
 * can't be included in more than one access entry", EKS user guide, creating access entries), so
 * a deployer that is also an admin gets one admin entry, and a preview role that is an admin or the
 * deployer keeps only the stronger grant. Admins first, in configuration order, then the deployer,
 * then the preview role.
 */
export function clusterAccessGrants(request: AccessRequest): AccessGrant[] {
  const grants = new Map<string, AccessGrant>();
  const admin = (principalArn: string) => {
    if (!grants.has(principalArn)) grants.set(principalArn, { key: accessEntryKey(principalArn), principalArn, policy: "AmazonEKSClusterAdminPolicy" });
  };
  request.adminRoleArns.forEach(admin);
  admin(request.deployerRoleArn);
  if (request.previewRoleArn && !grants.has(request.previewRoleArn)) {
    grants.set(request.previewRoleArn, { key: accessEntryKey(request.previewRoleArn), principalArn: request.previewRoleArn, policy: "AmazonEKSViewPolicy" });
  }
  return [...grants.values()];
}
