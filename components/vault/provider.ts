import type * as vault from "@pulumi/vault";

export interface VaultProviderSettings {
  /** Where the deployer reaches Vault, e.g. through a port-forward or an internal load balancer. */
  address: string;
  /** PEM file of the internal CA on the deployer's machine; the system trust store when unset. @default undefined */
  caCertFile?: string;
  /** Name the deployer expects in Vault's certificate when `address` is a tunnel. @default undefined */
  tlsServerName?: string;
  /**
   * Log in with JWT auth (the CI's OIDC token, read by the provider from TERRAFORM_VAULT_AUTH_JWT).
   * Without it the provider takes a short-lived token from VAULT_TOKEN. @default undefined
   */
  jwt?: { role: string; /** @default "jwt" */ mount?: string };
}

/**
 * Arguments of the `vault.Provider` that configures Vault. They never hold a token: a token in
 * provider arguments would be written to the Pulumi state; the environment is read at run time.
 */
export function vaultProviderArgs(settings: VaultProviderSettings): vault.ProviderArgs {
  if (!/^https:\/\//.test(settings.address)) {
    throw new Error(`vault address ${JSON.stringify(settings.address)} must be https://`);
  }
  return {
    address: settings.address,
    skipTlsVerify: false,
    ...(settings.caCertFile ? { caCertFile: settings.caCertFile } : {}),
    ...(settings.tlsServerName ? { tlsServerName: settings.tlsServerName } : {}),
    ...(settings.jwt ? { authLoginJwt: { role: settings.jwt.role, mount: settings.jwt.mount ?? "jwt" } } : {}),
    // Tokens from VAULT_TOKEN or a JWT login are already short-lived and scoped; a child token
    // would need auth/token/create, which the deployer's policy does not have to grant.
    skipChildToken: true,
  };
}
