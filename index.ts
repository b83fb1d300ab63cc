/**
 * The composition root: read and validate the stack configuration, then build the platform's
 * components in dependency order. Nothing is declared before the configuration is known good.
 */
import { loadStackConfig } from "./config/load";

export = async () => {
  const config = loadStackConfig();
  return {
    tenants: config.tenants.map((tenant) => tenant.id),
  };
};
