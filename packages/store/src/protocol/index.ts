export * from "./protocol";
export * from "./wire-value";
