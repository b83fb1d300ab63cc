/** The mesh component and what other components build on: identities and the agent builders. */
export { Mesh, buildCertManagerResources, buildIstioResources } from "./mesh";
export type { MeshArgs, MeshValueOverrides } from "./args";
export * from "./identities";
export { buildAgentIngressPolicy, buildAgentSidecar } from "./security";
export type { AgentSidecarOptions } from "./security";
export { AGENT_PROXY_RESOURCES, PUBLIC_GATEWAY_NAME, PROXY_RESOURCES } from "./defaults";
