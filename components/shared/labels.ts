import { PROJECT } from "../../config/defaults";

/** The labels every object of the platform carries (ADM-01 requires name and part-of). */
export function standardLabels(name: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": PROJECT,
    "app.kubernetes.io/managed-by": "pulumi",
    ...(component ? { "app.kubernetes.io/component": component } : {}),
  };
}

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * Pod Security Admission labels (CLU-03): enforce, audit and warn at one level, so a violation
 * is refused and also shows up in audit logs and `kubectl` warnings.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
}
