// RFC 5545 §3.3.10 BYSETPOS: 1-based positions in the period's sorted set, negative from its end.
/** The indexes (0-based, ascending, each once) that `setPos` picks out of `total` sorted candidates. */
export function selectPositions(total: number, setPos: readonly number[]): number[] {
  const picked = new Set<number>();
  for (const position of setPos) {
    const index = position > 0 ? position - 1 : total + position;
    if (index >= 0 && index < total) picked.add(index);
  }
  return [...picked].sort((a, b) => a - b);
}
