import { EKS_REFUSED_ZONE_IDS, PROJECT } from "../../config/defaults";
import { ConfigError } from "../../config/errors";
import { isZoneId } from "../../config/rules";

/** One Availability Zone of the region as DescribeAvailabilityZones reports it for this account. */
export interface RegionZone {
  /** The same physical zone in every account, e.g. use1-az4. */
  zoneId: string;
  /** This account's name for it, e.g. us-east-1a; names are shuffled per account. */
  name: string;
}

export interface ZoneSelection {
  region: string;
  /** What the region offers this account (opt-in-not-required zones of type availability-zone). */
  available: RegionZone[];
  /** How many zones to pick when none are listed. */
  count: number;
  /** Zone IDs listed in configuration (`foundation.availabilityZoneIds`), used in that order. */
  explicitIds?: string[];
}

const KEY = `${PROJECT}:foundation`;

function zoneNumber(zoneId: string): number {
  return Number(zoneId.slice(zoneId.lastIndexOf("-az") + 3));
}

/**
 * The zones the VPC spans, by zone ID. Without a configured list it takes the lowest-numbered
 * `count` zone IDs where EKS accepts cluster subnets, so the choice depends neither on this
 * account's name-to-ID mapping nor on the order or length of the region's list: a Local Zone the
 * account opts into, a zone AWS adds (always with a higher number) or one that is impaired for a
 * day leave it unchanged, and no subnet is replaced. State is deliberately not filtered on.
 */
export function selectZones(selection: ZoneSelection): RegionZone[] {
  const byId = new Map(selection.available.filter((z) => isZoneId(z.zoneId)).map((z) => [z.zoneId, z]));
  const refused = new Set<string>(EKS_REFUSED_ZONE_IDS);
  if (selection.explicitIds) {
    const offered = [...byId.keys()].sort((a, b) => zoneNumber(a) - zoneNumber(b)).join(", ");
    const problems = selection.explicitIds.flatMap((id, i) => {
      const key = `${KEY}.availabilityZoneIds[${i}]`;
      if (refused.has(id)) {
        return [{ key, rule: `is a zone where EKS refuses cluster subnets (${EKS_REFUSED_ZONE_IDS.join(", ")})`, value: JSON.stringify(id) }];
      }
      if (!byId.has(id)) {
        return [{ key, rule: `is not an Availability Zone of ${selection.region} for this account (it has ${offered || "none"})`, value: JSON.stringify(id) }];
      }
      return [];
    });
    if (problems.length > 0) throw new ConfigError(problems);
    return selection.explicitIds.map((id) => byId.get(id)!);
  }
  const eligible = [...byId.values()].filter((z) => !refused.has(z.zoneId)).sort((a, b) => zoneNumber(a.zoneId) - zoneNumber(b.zoneId));
  if (eligible.length < selection.count) {
    throw new ConfigError([
      {
        key: `${KEY}.availabilityZoneCount`,
        rule: `is more than the ${eligible.length} zones of ${selection.region} where EKS accepts cluster subnets (${eligible.map((z) => z.zoneId).join(", ")})`,
        value: String(selection.count),
      },
    ]);
  }
  return eligible.slice(0, selection.count);
}

/** The region's zones as the availability-zones data source returns them (parallel lists). */
export function regionZones(names: string[], zoneIds: string[]): RegionZone[] {
  if (names.length !== zoneIds.length) throw new Error(`regionZones: ${names.length} names but ${zoneIds.length} zone IDs`);
  return names.map((name, i) => ({ name, zoneId: zoneIds[i] }));
}
