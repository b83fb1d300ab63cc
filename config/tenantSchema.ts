/**
 * The parts of the configuration a tenants stack shares with a platform stack: the tenant list
 * and how Pulumi reaches Vault. A tenants stack (one tenant, or a small shard) holds nothing else;
 * the platform's names and images it reads from the platform stack's outputs.
 */
import { z } from "zod";
import { DEFAULTS, MODEL_PROVIDER_HOSTS, ModelProvider, TENANT_ID_MAX_LENGTH, TENANT_LIFECYCLES, TENANT_PLANS, TenantPlanName } from "./defaults";
import { hostname, image, quantityBetween, uniqueList } from "./primitives";
import { DNS1123_LABEL_RULE, STACK_REFERENCE_RULE, isDns1123Label, isStackReference } from "./rules";

export const tenantSchema = z
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
    lifecycle: z.enum(TENANT_LIFECYCLES).default(DEFAULTS.tenant.lifecycle),
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

export const tenantListSchema = z
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
  });

export const vaultSchema = z
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
  .prefault({});

export const stackReference = z.string().refine(isStackReference, { error: STACK_REFERENCE_RULE });

/**
 * A tenants stack: the tenants it holds, the platform stack it runs on, and Vault. What the tenants
 * share with the platform (API host, images, classes, the cluster) comes from that stack's outputs.
 */
export const tenantsConfigSchema = z.strictObject({
  stackRole: z.literal("tenants"),
  platformStack: stackReference,
  vault: vaultSchema,
  tenants: tenantListSchema,
});

/** The validated configuration of a tenants stack. */
export type TenantsConfig = z.output<typeof tenantsConfigSchema>;
export type TenantConfig = TenantsConfig["tenants"][number];
