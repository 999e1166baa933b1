import { toVietnamTime } from "../../shared/sync/time.ts";

/**
 * The authority for the legal send and receive times (R7, Quy định Điều 13.6: the times
 * recorded by the QLVB system). The server's own clock by default; an external QLVB
 * system's clock can be plugged in behind the same interface.
 */
export interface QlvbClock {
  /** Where the time comes from, kept beside each stamp's audit ("server", "qlvb:…"). */
  readonly source: string;
  now(): Date;
}

export const systemQlvbClock: QlvbClock = { source: "server", now: () => new Date() };

/** A QLVB stamp as stored and exchanged. */
export function stamp(clock: QlvbClock): string {
  return toVietnamTime(clock.now());
}

/**
 * The clock of an external QLVB system, known by its offset from ours (measured when the
 * server connects to it). Stamps then follow that system, not this machine.
 */
export function offsetQlvbClock(source: string, offsetMs: number): QlvbClock {
  return { source, now: () => new Date(Date.now() + offsetMs) };
}
