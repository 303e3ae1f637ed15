import fc from 'fast-check';
import type { BusyInterval } from '@datebook/shared-kernel';
import { availabilityView, busyJson, freeBusy } from './freeBusy';
import type { Interval } from '@datebook/shared-kernel';
import { covers, gridInstants, gridWindow, isCanonical } from '@datebook/shared-kernel/testing';

const at = (hhmm: string) => Date.parse(`2024-06-03T${hhmm}:00Z`);
const span = (from: string, to: string): Interval => ({ start: at(from), end: at(to) });

describe('freeBusy', () => {
  it('merges busy time, clips it to the window and returns the rest as free', () => {
    const result = freeBusy([span('08:00', '09:30'), span('12:00', '13:00'), span('12:30', '14:00'), span('16:30', '18:00')], span('09:00', '17:00'));
    expect(result.busy).toEqual([span('09:00', '09:30'), span('12:00', '14:00'), span('16:30', '17:00')]);
    expect(result.free).toEqual([span('09:30', '12:00'), span('14:00', '16:30')]);
  });

  it('counts tentative time as busy', () => {
    const tentative: BusyInterval = { ...span('10:00', '11:00'), kind: 'tentative' };
    expect(freeBusy([tentative], span('09:00', '12:00')).free).toEqual([span('09:00', '10:00'), span('11:00', '12:00')]);
  });

  it('gives nothing for a zero-length window', () => {
    expect(freeBusy([span('08:00', '10:00')], span('09:00', '09:00'))).toEqual({ busy: [], free: [] });
  });

  it('free ∪ busy = window and they are disjoint', () => {
    const entry = fc.record({ start: fc.integer({ min: -5, max: 65 }), end: fc.integer({ min: -5, max: 65 }) });
    fc.assert(
      fc.property(gridWindow, fc.array(entry, { maxLength: 10 }), (window, busy) => {
        const result = freeBusy(busy, window);
        expect(isCanonical(result.busy)).toBe(true);
        expect(isCanonical(result.free)).toBe(true);
        for (const t of gridInstants()) {
          const inWindow = window.start <= t && t < window.end;
          expect(covers(result.busy, t)).toBe(inWindow && covers(busy, t));
          expect(covers(result.free, t)).toBe(inWindow && !covers(busy, t));
        }
      }),
    );
  });
});

describe('busyJson', () => {
  const asJson = (list: Interval[]) => JSON.stringify(list.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })));

  it("writes freeBusy's busy list, sorted input or not", () => {
    const entry = fc.record({ start: fc.integer({ min: -5, max: 65 }), end: fc.integer({ min: -5, max: 65 }) }).map((i) => ({ start: at('09:00') + i.start * 60_000, end: at('09:00') + i.end * 60_000 }));
    const window = fc.record({ start: fc.integer({ min: -5, max: 65 }), end: fc.integer({ min: -5, max: 65 }) }).map((w) => ({ start: at('09:00') + w.start * 60_000, end: at('09:00') + w.end * 60_000 }));
    fc.assert(
      fc.property(window, fc.array(entry, { maxLength: 10 }), fc.boolean(), (w, busy, sort) => {
        const list = sort ? [...busy].sort((a, b) => a.start - b.start) : busy;
        expect(busyJson(list, w)).toBe(asJson(freeBusy(list, w).busy));
      }),
    );
  });

  it('leaves out empty and NaN intervals before it sorts, as freeBusy does', () => {
    const list = [span('10:00', '11:00'), { start: NaN, end: NaN }, span('08:00', '09:00'), span('09:30', '09:30')];
    expect(busyJson(list, span('07:00', '12:00'))).toBe(asJson(freeBusy(list, span('07:00', '12:00')).busy));
  });

  it('merges touching blocks, as freeBusy does', () => {
    expect(busyJson([span('09:00', '10:00'), span('10:00', '11:00'), span('12:00', '13:00')], span('08:00', '12:30')))
      .toBe('[{"start":"2024-06-03T09:00:00.000Z","end":"2024-06-03T11:00:00.000Z"},{"start":"2024-06-03T12:00:00.000Z","end":"2024-06-03T12:30:00.000Z"}]');
  });
});

describe('availabilityView', () => {
  const window = span('09:00', '12:00');

  it('marks each 30-minute slot free, tentative or busy, busy winning', () => {
    const busy: BusyInterval[] = [
      { ...span('09:30', '10:00'), kind: 'busy' },
      { ...span('10:00', '11:00'), kind: 'tentative' },
      { ...span('10:45', '11:00') }, // no kind: busy
    ];
    expect(availabilityView(busy, window, 30)).toBe('021200');
  });

  it('marks a slot touched by a fraction of an entry, not one the entry only borders', () => {
    expect(availabilityView([span('09:29', '09:30')], window, 30)).toBe('200000');
    expect(availabilityView([span('08:00', '09:00'), span('12:00', '13:00')], window, 30)).toBe('000000');
  });

  it('includes a last partial slot', () => {
    expect(availabilityView([span('11:50', '12:10')], span('09:00', '11:55'), 60)).toBe('002');
  });

  it('handles unsorted, overlapping input and a zero-length window', () => {
    const busy: BusyInterval[] = [span('11:00', '12:00'), { ...span('09:00', '11:30'), kind: 'tentative' }, span('09:10', '09:20')];
    expect(availabilityView(busy, window, 60)).toBe('212');
    expect(availabilityView(busy, span('10:00', '10:00'), 30)).toBe('');
  });

  it('refuses a slot length that would never finish', () => {
    expect(() => availabilityView([], window, 0)).toThrow(RangeError);
    expect(() => availabilityView([], window, Number.NaN)).toThrow(RangeError);
    expect(() => availabilityView([], { start: 0, end: Number.POSITIVE_INFINITY }, 30)).toThrow(RangeError);
  });

  it('agrees with a slot-by-slot check', () => {
    const entry = fc.record({
      start: fc.integer({ min: -5, max: 65 }),
      end: fc.integer({ min: -5, max: 65 }),
      kind: fc.constantFrom<BusyInterval['kind']>('busy', 'tentative', undefined),
    });
    // Slots are whole minutes, so the grid is read as minutes.
    const scale = (list: { start: number; end: number; kind: BusyInterval['kind'] }[]) =>
      list.map(({ start, end, kind }) => ({ start: start * 60_000, end: end * 60_000, ...(kind ? { kind } : {}) }));
    fc.assert(
      fc.property(gridWindow, fc.array(entry, { maxLength: 8 }), fc.integer({ min: 1, max: 15 }), (window, raw, slotMinutes) => {
        const busy = scale(raw);
        const scaledWindow = { start: window.start * 60_000, end: window.end * 60_000 };
        const view = availabilityView(busy, scaledWindow, slotMinutes);
        const slotMs = slotMinutes * 60_000;
        expect(view).toHaveLength(Math.ceil((scaledWindow.end - scaledWindow.start) / slotMs));
        [...view].forEach((char, k) => {
          const start = scaledWindow.start + k * slotMs;
          const end = Math.min(start + slotMs, scaledWindow.end);
          const hit = busy.filter((b) => b.start < b.end && b.start < end && start < b.end);
          const expected = hit.some((b) => b.kind !== 'tentative') ? '2' : hit.length > 0 ? '1' : '0';
          expect(char).toBe(expected);
        });
      }),
    );
  });
});
