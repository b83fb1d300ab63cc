/**
 * The foundation stack (stackRole foundation): the VPC and the in-VPC deploy runner. The zones are
 * chosen from the region's list before any resource is declared, so a configured zone that does
 * not exist, or one where EKS refuses cluster subnets, fails the preview with nothing planned.
 */
import * as aws from "@pulumi/aws";
import { Foundation, FoundationOutputs } from "../components/cluster/foundation";
import { regionZones, selectZones } from "../components/cluster/zones";
import type { FoundationConfig } from "../config/schema";

/**
 * Only standard Availability Zones: Local and Wavelength Zones are opt-in and sort among the
 * region's names (us-east-1-bos-1a before us-east-1a), so they are filtered out here and by
 * selectZones. No state filter: an impaired zone must not shift the list.
 */
export const ZONE_FILTERS = [
  { name: "opt-in-status", values: ["opt-in-not-required"] },
  { name: "zone-type", values: ["availability-zone"] },
];

export async function buildFoundation(config: FoundationConfig, region: string): Promise<FoundationOutputs> {
  const listed = await aws.getAvailabilityZones({ filters: ZONE_FILTERS });
  const zones = selectZones({
    region,
    available: regionZones(listed.names, listed.zoneIds),
    count: config.foundation.availabilityZoneCount,
    explicitIds: config.foundation.availabilityZoneIds,
  });
  return new Foundation("foundation", { config: config.foundation, region, zones }).outputs;
}
