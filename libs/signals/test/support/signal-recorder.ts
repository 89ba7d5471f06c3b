import {
  postDelete,
  postDeleteCommitted,
  postSave,
  postSaveCommitted,
  preDelete,
  preSave,
  type Signal,
} from '@stash/signals';

const SIGNALS = { preSave, postSave, postSaveCommitted, preDelete, postDelete, postDeleteCommitted };
export type EntitySignalName = keyof typeof SIGNALS;

/** One entity signal as a receiver saw it. */
export interface Recorded {
  readonly signal: EntitySignalName;
  readonly sender: string;
  /** The instance as JSON when the receiver ran (before anything later could change it). */
  readonly instance: Record<string, unknown>;
  readonly created?: boolean;
  readonly updateFields?: readonly string[];
  readonly previous?: Record<string, unknown>;
  readonly using?: string;
  /** What `probe` returned while the receiver ran (e.g. what another connection saw). */
  readonly probed?: unknown;
}

/** Records every entity signal; `probe` runs inside each receiver. Call `stop()` in afterEach. */
export class SignalRecorder {
  readonly events: Recorded[] = [];
  private readonly disconnects: (() => void)[] = [];

  constructor(probe?: (signal: EntitySignalName, payload: Record<string, unknown>) => unknown) {
    for (const [name, signal] of Object.entries(SIGNALS) as unknown as [
      EntitySignalName,
      Signal<Record<string, unknown>>,
    ][]) {
      this.disconnects.push(
        signal.connect(
          async (payload) => {
            const instance = JSON.parse(JSON.stringify(payload.instance)) as Record<string, unknown>;
            const probed = probe ? await probe(name, payload) : undefined;
            this.events.push({
              signal: name,
              sender: (payload.sender as { name: string }).name,
              instance,
              created: payload.created as boolean | undefined,
              updateFields: payload.updateFields as string[] | undefined,
              previous: payload.previous
                ? (JSON.parse(JSON.stringify(payload.previous)) as Record<string, unknown>)
                : undefined,
              using: payload.using as string | undefined,
              probed,
            });
          },
          { name: `recorder.${name}` },
        ),
      );
    }
  }

  /** The signals recorded, as `signal:Sender` strings, in order. */
  get names(): string[] {
    return this.events.map((e) => `${e.signal}:${e.sender}`);
  }

  of(signal: EntitySignalName): Recorded[] {
    return this.events.filter((e) => e.signal === signal);
  }

  clear(): void {
    this.events.length = 0;
  }

  stop(): void {
    for (const disconnect of this.disconnects.splice(0)) disconnect();
  }
}
