import { vaultProviderArgs } from "./provider";

/** Every key anywhere in a value, so a token nested in a login block is found too. */
function keysDeep(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)]);
}

describe("vault provider", () => {
  it("takes its token from the environment: no token ever appears in the provider arguments", () => {
    const byToken = vaultProviderArgs({ address: "https://127.0.0.1:8200", caCertFile: "vault-ca.pem", tlsServerName: "vault.vault.svc" });
    expect(byToken).toEqual({
      address: "https://127.0.0.1:8200",
      skipTlsVerify: false,
      caCertFile: "vault-ca.pem",
      tlsServerName: "vault.vault.svc",
      skipChildToken: true,
    });
    const byJwt = vaultProviderArgs({ address: "https://vault.internal:8200", jwt: { role: "pulumi-ci" } });
    expect(byJwt).toEqual({
      address: "https://vault.internal:8200",
      skipTlsVerify: false,
      authLoginJwt: { role: "pulumi-ci", mount: "jwt" },
      skipChildToken: true,
    });
    for (const args of [byToken, byJwt]) {
      expect(keysDeep(args).filter((key) => /token$|^jwt$/i.test(key) && key !== "skipChildToken")).toEqual([]);
    }
  });

  it("refuses a plain-http address", () => {
    expect(() => vaultProviderArgs({ address: "http://vault:8200" })).toThrow("must be https://");
  });
});
