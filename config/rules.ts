import { domainToASCII } from "url";
/**
 * Value rules shared by the stack-config schema. Each rule is a pure predicate plus the sentence
 * an operator reads when it fails, so error messages stay identical wherever a rule is used.
 */

export const DNS1123_LABEL_RULE =
  "must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit";
const DNS1123_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return DNS1123_LABEL.test(value);
}

export const HOSTNAME_RULE =
  "must be a fully qualified lowercase DNS name (labels of letters, digits and '-', at least one dot, no wildcard, no scheme or port)";
const HOSTNAME_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isHostname(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((label) => HOSTNAME_LABEL.test(label))) return false;
  // An `xn--` label must be valid Punycode: URLs (an https webhook on the domain) refuse it otherwise.
  if (domainToASCII(value) !== value.toLowerCase()) return false;
  // A top-level label that is all digits would make "10.0.0.1" a hostname.
  return !/^[0-9]+$/.test(labels[labels.length - 1]);
}

export const EMAIL_RULE = "must be an e-mail address (local@domain.tld)";
export function isEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  return at > 0 && /^[A-Za-z0-9._%+-]+$/.test(value.slice(0, at)) && isHostname(value.slice(at + 1));
}

export interface Ipv4Cidr {
  address: number;
  prefix: number;
}

export function parseIpv4Cidr(value: string): Ipv4Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  if (match.slice(1, 5).some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const hostBits = 32 - prefix;
  const hostMask = hostBits === 32 ? 0xffffffff : (1 << hostBits) - 1;
  // Host bits set ("10.0.0.1/16") usually means a typo in the prefix; refuse rather than guess.
  if ((address & hostMask) >>> 0 !== 0) return undefined;
  return { address, prefix };
}

export const CIDR_RULE = "must be an IPv4 CIDR block with no host bits set, e.g. 10.0.0.0/16";

export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  if (inner.prefix < outer.prefix) return false;
  const mask = outer.prefix === 0 ? 0 : (0xffffffff << (32 - outer.prefix)) >>> 0;
  return ((inner.address & mask) >>> 0) === outer.address;
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseIpv4Cidr(c)!);

export function isRfc1918(cidr: Ipv4Cidr): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(range, cidr));
}

/**
 * IPv4 space that no client on the internet can connect from: the IANA special-purpose registry
 * (RFC 6890) entries that are not globally reachable, documentation ranges included. An EKS
 * public endpoint restricted to one of these admits nobody, so it is refused rather than shipped.
 */
export const NON_ROUTABLE_RANGES: readonly { cidr: string; name: string }[] = [
  { cidr: "0.0.0.0/8", name: "\"this network\" (RFC 791)" },
  { cidr: "10.0.0.0/8", name: "private address space (RFC 1918)" },
  { cidr: "100.64.0.0/10", name: "shared carrier-grade NAT space (RFC 6598)" },
  { cidr: "127.0.0.0/8", name: "loopback (RFC 1122)" },
  { cidr: "169.254.0.0/16", name: "link-local (RFC 3927)" },
  { cidr: "172.16.0.0/12", name: "private address space (RFC 1918)" },
  { cidr: "192.0.0.0/24", name: "IETF protocol assignments (RFC 6890)" },
  { cidr: "192.0.2.0/24", name: "TEST-NET-1, reserved for documentation (RFC 5737)" },
  { cidr: "192.88.99.0/24", name: "the deprecated 6to4 relay anycast (RFC 7526)" },
  { cidr: "192.168.0.0/16", name: "private address space (RFC 1918)" },
  { cidr: "198.18.0.0/15", name: "benchmarking space (RFC 2544)" },
  { cidr: "198.51.100.0/24", name: "TEST-NET-2, reserved for documentation (RFC 5737)" },
  { cidr: "203.0.113.0/24", name: "TEST-NET-3, reserved for documentation (RFC 5737)" },
  { cidr: "224.0.0.0/4", name: "multicast (RFC 5771)" },
  { cidr: "240.0.0.0/4", name: "reserved space (RFC 1112)" },
];

/**
 * Why a block cannot be a source of internet clients, or undefined when it can. A block that
 * contains a non-routable range (0.0.0.0/1, say) is refused too: part of it admits nobody, and
 * the rest is far wider than any deployer's egress.
 */
export function nonRoutableReason(cidr: Ipv4Cidr): string | undefined {
  // 0.0.0.0/0 has its own, plainer refusal in the schema.
  if (cidr.prefix === 0) return undefined;
  for (const range of NON_ROUTABLE_RANGES) {
    const parsed = parseIpv4Cidr(range.cidr)!;
    if (cidrContains(parsed, cidr) || cidrContains(cidr, parsed)) return `${range.cidr} is ${range.name}`;
  }
  return undefined;
}

/** Kubernetes resource quantities as the API server accepts them (decimal and binary suffixes). */
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const MULTIPLIERS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export const QUANTITY_RULE = "must be a Kubernetes quantity such as 500m, 2, 512Mi or 20Gi";

/** The quantity's value in base units (cores or bytes), or undefined when malformed. */
export function parseQuantity(value: string): number | undefined {
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * MULTIPLIERS[match[2] ?? ""];
}

export const IMAGE_RULE =
  "must be a pinned image reference: [registry/]repository:tag or repository@sha256:<64 hex>, and the tag must not be 'latest'";
const IMAGE =
  /^(?:(?<registry>[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]{1,5})?)\/)?(?<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

export interface ImageReference {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImage(value: string): ImageReference | undefined {
  const match = IMAGE.exec(value);
  if (!match?.groups) return undefined;
  const { registry, repository, tag, digest } = match.groups;
  // A registry needs a dot, a port or to be "localhost"; otherwise it is the first path segment.
  if (registry && !/[.:]/.test(registry) && registry !== "localhost") {
    return { repository: `${registry}/${repository}`, tag, digest };
  }
  return { registry, repository, tag, digest };
}

export function isPinnedImage(value: string): boolean {
  const image = parseImage(value);
  if (!image) return false;
  if (image.digest) return true;
  return image.tag !== undefined && image.tag !== "latest";
}

export const ROLE_ARN_RULE = "must be an IAM role or user ARN, e.g. arn:aws:iam::123456789012:role/platform-admins";
export function isIamPrincipalArn(value: string): boolean {
  return /^arn:aws(?:-cn|-us-gov)?:iam::[0-9]{12}:(?:role|user)\/[\w+=,.@/-]{1,512}$/.test(value);
}

export const STACK_REFERENCE_RULE = "must be a fully qualified stack name: <organization>/<project>/<stack>";
export function isStackReference(value: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(value);
}

/**
 * Availability Zone IDs (use1-az1, euw2-az3), which name the same physical zone in every account;
 * zone names (us-east-1a) are shuffled per account. Local Zones (use1-bos1-az1) and Wavelength
 * zones carry an extra segment and do not match.
 */
export const ZONE_ID_RULE = "must be an Availability Zone ID such as use1-az1 (not a zone name such as us-east-1a, nor a Local or Wavelength Zone)";
export function isZoneId(value: string): boolean {
  return /^[a-z]{2,}[0-9]+-az[0-9]+$/.test(value);
}

export const SHA512_RULE = "must be a SHA-512 digest: 128 lowercase hex digits";
export function isSha512(value: string): boolean {
  return /^[0-9a-f]{128}$/.test(value);
}

export const GITHUB_REPOSITORY_RULE = "must be a GitHub repository as <owner>/<name>";
export function isGithubRepository(value: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(value);
}

export const CONNECTION_ARN_RULE =
  "must be the ARN of an AWS CodeConnections connection, e.g. arn:aws:codeconnections:us-east-1:123456789012:connection/<uuid>";
export function isConnectionArn(value: string): boolean {
  return /^arn:aws(?:-cn|-us-gov)?:(?:codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection\/[0-9a-f-]{36}$/.test(value);
}

export const EKS_CLUSTER_NAME_RULE = "must be an EKS cluster name: letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters";
export function isEksClusterName(value: string): boolean {
  return /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(value);
}
