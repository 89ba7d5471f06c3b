/**
 * Named gates a test handler waits at, so a test can hold one request in the middle of its handler while
 * others run, without sleeping. `reached` resolves when the handler arrives; `open()` lets it go on.
 */
export class TestGates {
  private static readonly gates = new Map<string, { reached: () => void; wait: Promise<void>; open: () => void }>();
  private static readonly arrivals = new Map<string, Promise<void>>();

  static create(name: string): { reached: Promise<void>; open: () => void } {
    let open!: () => void;
    let reached!: () => void;
    const wait = new Promise<void>((resolve) => (open = resolve));
    this.arrivals.set(name, new Promise<void>((resolve) => (reached = resolve)));
    this.gates.set(name, { reached, wait, open });
    return { reached: this.arrivals.get(name)!, open };
  }

  static async pass(name: string): Promise<void> {
    const gate = this.gates.get(name);
    if (!gate) return;
    gate.reached();
    await gate.wait;
    this.gates.delete(name);
    this.arrivals.delete(name);
  }
}
