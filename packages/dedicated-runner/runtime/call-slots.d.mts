// Types of call-slots.mjs for TypeScript importers (the inline runtime, the worker's cold executor).
export declare class CallSlots<T> {
  constructor(limit: number, start: (item: T) => void);
  readonly limit: number;
  /** items running now */
  running: number;
  waiting: T[];
  admit(item: T): boolean;
  release(): boolean;
  drop(matches: (item: T) => boolean): boolean;
  takeWaiting(): T[];
}
