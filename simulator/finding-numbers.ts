/**
 * Finding numbers (layout.ts) for findings created at run time, by drift and by scans: after the
 * generated stores' ranges and never handed out twice, so a created finding's identity is unique.
 */
export class FindingNumbers {
  private next: number;

  constructor(
    first: number,
    /** The layout's capacity: numbers from here on would repeat identities. */
    private readonly capacity: number,
  ) {
    this.next = first;
  }

  /** The next free number, or undefined once the layout is full. */
  take(): number | undefined {
    return this.next < this.capacity ? this.next++ : undefined;
  }
}
