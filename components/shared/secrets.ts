import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The key the alert webhook URL is stored under in its Secret. */
export const ALERT_WEBHOOK_KEY = "url";

/**
 * The operator's alert webhook URL in a Secret named `name`, so Helm values only ever carry the
 * Secret's name and the URL stays encrypted in state (SEC-06).
 */
export function alertWebhookSecret(
  name: string,
  namespace: pulumi.Input<string>,
  url: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name, namespace },
      type: "Opaque",
      stringData: { [ALERT_WEBHOOK_KEY]: pulumi.secret(url) },
    },
    opts,
  );
}
