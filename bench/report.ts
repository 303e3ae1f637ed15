import type { Figure } from './context';

const fmt = (v: number | null | undefined, unit = ''): string => {
  if (v === null || v === undefined) return '—';
  const n = Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
  return unit ? `${n} ${unit}` : n;
};

/** The table: one line per figure, its ceiling and ratio beside it, and what limited it underneath. */
export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.figure,
    fmt(f.value, f.unit),
    f.ceiling === undefined ? '' : `${fmt(f.ceiling)}${f.ceilingLabel ? ` (${f.ceilingLabel})` : ''}`,
    f.ratio === undefined || f.ratio === null ? '' : f.ratioStyle === 'times' ? `${f.ratio}×` : `${Math.round(f.ratio * 1000) / 10}%`,
    f.target ?? '',
    f.pass === undefined || f.pass === null ? '' : f.pass ? 'PASS' : 'MISS',
  ]);
  const header = ['figure', 'value', 'ceiling', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-')];
  figures.forEach((f, i) => {
    out.push(line(rows[i]!));
    if (f.notes) out.push(`    ${f.notes}`);
  });
  return out.join('\n');
}
