// Types of domain-slots.mjs (the runner script imports the JS; tests import these types).
export declare const MAX_DOMAIN: number;
export declare const SUITE_OFFSETS: number;
export declare const RESERVED_FIRST: number;
export declare const RESERVED_COUNT: number;
export declare const DOMAIN_SPAN: number;
export declare const MAX_BASE: number;
export declare const SLOT_BASES: number[];
export declare function slotDir(): string;
export interface DomainSlot {
  base: number;
  slot: number;
  lockFile: string;
  release(): void;
}
export declare function tryAcquireDomainSlot(dir?: string, pid?: number): DomainSlot | { busy: number[] };
