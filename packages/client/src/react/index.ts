export type { ConnectionState } from "../connection-state";
export { OrreryProvider, useOrreryClient } from "./orrery-provider";
export { useAction } from "./use-action";
export { useConnectionState } from "./use-connection-state";
export { type ReactMutation, useMutation } from "./use-mutation";
export { type UsePaginatedQueryResult, usePaginatedQuery } from "./use-paginated-query";
export { useQuery } from "./use-query";
