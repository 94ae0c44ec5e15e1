/**
 * Typed access to google-protobuf maps (`jspb.Map`). The generated typings name `jspb.Map`, whose
 * own typings are not installed, so every map goes through this interface.
 */
import type { common } from '@hyperledger/fabric-protos';

/** The part of `jspb.Map<string, V>` used here. */
export interface ProtoMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
  has(key: string): boolean;
  del(key: string): boolean;
  keys(): IterableIterator<string>;
  getLength(): number;
}

function asMap<V>(map: unknown): ProtoMap<V> {
  return map as ProtoMap<V>;
}

export const groupsOf = (group: common.ConfigGroup): ProtoMap<common.ConfigGroup> =>
  asMap(group.getGroupsMap());
export const valuesOf = (group: common.ConfigGroup): ProtoMap<common.ConfigValue> =>
  asMap(group.getValuesMap());
export const policiesOf = (group: common.ConfigGroup): ProtoMap<common.ConfigPolicy> =>
  asMap(group.getPoliciesMap());

/** The keys of a map, sorted (map iteration order is insertion order, not meaningful). */
export function sortedKeys<V>(map: ProtoMap<V>): string[] {
  return [...map.keys()].sort();
}
