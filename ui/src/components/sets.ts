/** A copy of `set` with `item` added (`on`) or removed, by default flipped: a state update for a set of open, selected or folded keys. */
export function toggled<T>(set: ReadonlySet<T>, item: T, on = !set.has(item)): Set<T> {
  const n = new Set(set);
  if (on) n.add(item);
  else n.delete(item);
  return n;
}
