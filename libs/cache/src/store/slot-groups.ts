import calculateSlot from 'cluster-key-slot';

/** Keys of one hash slot, with their positions in the caller's list. */
export interface SlotGroup {
  readonly slot: number;
  readonly keys: string[];
  readonly positions: number[];
}

/**
 * Splits keys by Redis Cluster hash slot, so that each multi-key command (MGET, DEL, UNLINK) stays within one
 * slot; `positions` lets the caller put replies back in the original order.
 */
export function groupBySlot(keys: readonly string[]): SlotGroup[] {
  const groups = new Map<number, SlotGroup>();
  keys.forEach((key, position) => {
    const slot = calculateSlot(key);
    let group = groups.get(slot);
    if (!group) {
      group = { slot, keys: [], positions: [] };
      groups.set(slot, group);
    }
    group.keys.push(key);
    group.positions.push(position);
  });
  return [...groups.values()];
}

/** True when both keys hash to the same slot (a single-slot command such as RENAME may use them together). */
export function sameSlot(a: string, b: string): boolean {
  return calculateSlot(a) === calculateSlot(b);
}
